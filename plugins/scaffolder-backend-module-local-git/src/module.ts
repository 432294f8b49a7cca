import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { resolve } from 'node:path';
import { createPublishLocalGitAction } from './localGitAction';

export const localGitModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'local-git',
  register(reg) {
    reg.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint, config: coreServices.rootConfig },
      async init({ scaffolder, config }) {
        // relative to the backend's working directory (packages/backend), like file catalog locations
        const baseDir = resolve(config.getOptionalString('scaffolder.localGit.baseDir') ?? '../../.state/scaffolder-repos');
        scaffolder.addActions(createPublishLocalGitAction({ baseDir }));
      },
    });
  },
});
