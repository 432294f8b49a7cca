export { catalogModule } from './systemFilter';
