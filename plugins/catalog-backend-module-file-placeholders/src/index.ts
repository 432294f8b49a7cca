export { filePlaceholdersModule as default } from './module';
export { textResolver } from './textResolver';
