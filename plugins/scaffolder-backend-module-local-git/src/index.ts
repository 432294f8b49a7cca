export { localGitFeatures as default, localGitModule, catalogFileLocationsModule } from './module';
export { createPublishLocalGitAction, LOCAL_GIT_ACTION_ID } from './localGitAction';
export {
  createRegisterLocalAction,
  createAssertNameFreeAction,
  firstEntityRef,
  REGISTER_LOCAL_ACTION_ID,
  ASSERT_NAME_FREE_ACTION_ID,
} from './registerLocalAction';
