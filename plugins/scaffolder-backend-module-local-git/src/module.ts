import { coreServices, createBackendFeatureLoader, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint, catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { resolve } from 'node:path';
import { createPublishLocalGitAction } from './localGitAction';
import { createAssertNameFreeAction, createRegisterLocalAction } from './registerLocalAction';

function baseDirFrom(config: { getOptionalString(key: string): string | undefined }) {
  // relative to the backend's working directory (packages/backend), like file catalog locations
  return resolve(config.getOptionalString('scaffolder.localGit.baseDir') ?? '../../.state/scaffolder-repos');
}

export const localGitModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'local-git',
  register(reg) {
    reg.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint, config: coreServices.rootConfig, catalog: catalogServiceRef },
      async init({ scaffolder, config, catalog }) {
        const baseDir = baseDirFrom(config);
        scaffolder.addActions(
          createPublishLocalGitAction({ baseDir }),
          createRegisterLocalAction({ catalog, baseDir }),
          createAssertNameFreeAction({ catalog }),
        );
      },
    });
  },
});

/** catalog:register-local adds `file` locations, which the catalog API refuses unless the type is allowed. */
export const catalogFileLocationsModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'local-git-file-locations',
  register(reg) {
    reg.registerInit({
      deps: { locations: catalogLocationsExtensionPoint },
      async init({ locations }) {
        locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});

/** One backend.add line installs both halves. */
export const localGitFeatures = createBackendFeatureLoader({
  *loader() {
    yield localGitModule;
    yield catalogFileLocationsModule;
  },
});
