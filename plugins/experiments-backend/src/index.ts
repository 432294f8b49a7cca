/**
 * The experiments backend plugin for the portal.
 *
 * @packageDocumentation
 */
export { experimentsPlugin as default } from './plugin';
export { experimentConditions, experimentPermissionResourceRef, isExperimentOwner } from './service/permissionRules';
