export { duplicateRefs, entityProblems } from './entities';
export { relationRefs, unresolvedRelations } from './relations';
export type { RelationRef } from './relations';
export {
  conventionProblems,
  operations,
  schemaProblems,
  specProblems,
} from './openapi';
export { asyncApiProblems, asyncOperations } from './asyncapi';
export type { AsyncOperation } from './asyncapi';
export {
  ANNOTATIONS,
  REQUIRED_RESOURCES,
  SERVICE_COMPONENTS,
  TOPICS,
  apiProblems,
  componentProblems,
  dependencyProblems,
  eventProblems,
  resourceProblems,
  unreachableFiles,
} from './rules';
