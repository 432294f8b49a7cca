export { localPreparerModule as default } from './module';
export { LocalCopyPreparer } from './LocalCopyPreparer';
