/**
 * Shared by the experiments plugin's frontend and backend: permissions, API types, the client contract and
 * the presentation helpers both sides agree on (traffic split, verdict, guardrail state).
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
export * from './summaries';
