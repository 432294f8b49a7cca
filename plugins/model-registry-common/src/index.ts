/**
 * Shared by the model registry plugin's frontend and backend: permissions, API types and the client contract.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
