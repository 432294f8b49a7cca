/**
 * The cost backend plugin for the portal.
 *
 * @packageDocumentation
 */
export { costPlugin as default } from './plugin';
