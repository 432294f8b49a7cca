/**
 * The experiments plugin for the portal (new frontend system): the Experiments page, the experiment page and the
 * entity Experiments tab.
 *
 * @packageDocumentation
 */
export { experimentsPlugin as default } from './plugin';
export { experimentsApiRef, ExperimentsClient, ExperimentsApiError } from './api';
