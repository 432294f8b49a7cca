import { coreServices, createBackendFeatureLoader, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint, catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { resolve } from 'node:path';
import { createPublishLocalGitAction } from './localGitAction';
import { createAssertNameFreeAction, createRegisterLocalAction } from './registerLocalAction';

type Config = {
  getOptionalString(key: string): string | undefined;
  getOptionalBoolean(key: string): boolean | undefined;
};

function baseDirFrom(config: Config) {
  // relative to the backend's working directory (packages/backend), like file catalog locations
  return resolve(config.getOptionalString('scaffolder.localGit.baseDir') ?? '../../.state/scaffolder-repos');
}

/**
 * Local publishing writes repositories on the portal host and registers them as `file` locations, which lets anyone
 * allowed to create catalog locations point the catalog at files on that host: on for a single-user portal, off
 * unless configured.
 */
function localGitEnabled(config: Config) {
  return config.getOptionalBoolean('scaffolder.localGit.enabled') ?? false;
}

export const localGitModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'local-git',
  register(reg) {
    reg.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint, config: coreServices.rootConfig, catalog: catalogServiceRef },
      async init({ scaffolder, config, catalog }) {
        scaffolder.addActions(createAssertNameFreeAction({ catalog }));
        if (!localGitEnabled(config)) return;
        const baseDir = baseDirFrom(config);
        scaffolder.addActions(createPublishLocalGitAction({ baseDir }), createRegisterLocalAction({ catalog, baseDir }));
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
      deps: { locations: catalogLocationsExtensionPoint, config: coreServices.rootConfig },
      async init({ locations, config }) {
        if (localGitEnabled(config)) locations.setAllowedLocationTypes(['url', 'file']);
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
