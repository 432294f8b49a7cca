export { localGitModule as default } from './module';
export { createPublishLocalGitAction, LOCAL_GIT_ACTION_ID } from './localGitAction';
