/**
 * The model registry backend plugin for the portal.
 *
 * @packageDocumentation
 */
export { modelRegistryPlugin as default } from './plugin';
export type { ModelRegistryClient } from './service/ModelRegistryClient';
