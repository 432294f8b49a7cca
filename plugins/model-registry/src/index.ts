/**
 * The model registry plugin for the portal (new frontend system): the Models page, the model pages and the
 * Model tab of ml-model Resources.
 *
 * @packageDocumentation
 */
export { modelRegistryPlugin as default } from './plugin';
export { modelRegistryApiRef, ModelRegistryClient, ModelRegistryApiError } from './api';
