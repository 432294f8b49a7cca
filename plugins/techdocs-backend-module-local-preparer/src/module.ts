import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { DirectoryPreparer, techdocsPreparerExtensionPoint } from '@backstage/plugin-techdocs-node';
import { LocalCopyPreparer } from './LocalCopyPreparer';

/** Replaces the techdocs backend's `dir` preparer with LocalCopyPreparer (docs/techdocs.md). */
export const localPreparerModule = createBackendModule({
  pluginId: 'techdocs',
  moduleId: 'local-preparer',
  register(reg) {
    reg.registerInit({
      deps: {
        preparers: techdocsPreparerExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        urlReader: coreServices.urlReader,
      },
      async init({ preparers, config, logger, urlReader }) {
        preparers.registerPreparer(
          'dir',
          new LocalCopyPreparer({
            integrations: ScmIntegrations.fromConfig(config),
            // a dir: source beside an entity read from a URL is read through the URL reader, as Backstage does
            delegate: DirectoryPreparer.fromConfig(config, { reader: urlReader, logger }),
            workingDirectory: config.getOptionalString('backend.workingDirectory'),
          }),
        );
      },
    });
  },
});
