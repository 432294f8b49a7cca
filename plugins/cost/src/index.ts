/**
 * The cost plugin for the portal (new frontend system): the Cost page and the entity Cost tab.
 *
 * @packageDocumentation
 */
export { costPlugin as default } from './plugin';
export { costApiRef, CostClient } from './api';
