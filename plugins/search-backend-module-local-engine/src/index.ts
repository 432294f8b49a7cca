export { localSearchEngineModule as default } from './module';
export { LocalLunrSearchEngine } from './LocalLunrSearchEngine';
