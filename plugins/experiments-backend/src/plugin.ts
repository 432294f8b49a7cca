import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { experimentManagePermission, experimentsPermissions } from '@internal/plugin-experiments-common';
import { AbTestingClient } from './service/AbTestingClient';
import { experimentPermissionResourceRef, isExperimentOwner } from './service/permissionRules';
import { createRouter } from './service/router';
import { createServiceTokenSource } from '@platform/service-kit';

/** The experiments backend plugin: `/api/experiments` on the portal backend. */
export const experimentsPlugin = createBackendPlugin({
  pluginId: 'experiments',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        config: coreServices.rootConfig,
        cache: coreServices.cache,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        httpAuth: coreServices.httpAuth,
        auditor: coreServices.auditor,
        logger: coreServices.logger,
      },
      async init({ httpRouter, config, cache, permissions, permissionsRegistry, httpAuth, auditor, logger }) {
        const signingKey = config.getOptionalString('experiments.serviceToken.privateKey');
        let token: (() => Promise<string>) | undefined;
        if (signingKey) {
          token = await createServiceTokenSource({
            privateKeyPem: signingKey,
            issuer: config.getOptionalString('experiments.serviceToken.issuer') ?? 'user-service',
            audience: config.getOptionalString('experiments.serviceToken.audience') ?? 'platform',
            subject: 'backstage-portal',
          });
        } else {
          logger.warn('experiments.serviceToken.privateKey is not set: calls to the A/B testing service carry no token and are refused');
        }
        const client = new AbTestingClient({
          baseUrl: config.getOptionalString('experiments.abTestingUrl') ?? 'http://127.0.0.1:3011',
          token,
          timeoutMs: config.getOptionalNumber('experiments.timeoutMs') ?? 5_000,
        });

        permissionsRegistry.addPermissions(experimentsPermissions);
        // The policy answers experiments.experiment.manage with the condition IS_EXPERIMENT_OWNER. The router applies
        // it itself to the experiment it has just read; the permission backend asks this plugin to apply it (to the
        // experiment read fresh from the service) when the frontend asks with the experiment's key (usePermission).
        permissionsRegistry.addResourceType({
          resourceRef: experimentPermissionResourceRef,
          permissions: [experimentManagePermission],
          rules: [isExperimentOwner],
          getResources: keys =>
            Promise.all(
              keys.map(async key => {
                const answer = await client.getExperiment(key);
                return answer.ok ? answer.body : undefined;
              }),
            ),
        });

        httpRouter.use(
          await createRouter({
            client,
            cache,
            cacheTtlSeconds: config.getOptionalNumber('experiments.cacheTtlSeconds') ?? 15,
            httpAuth,
            permissions,
            auditor,
            logger,
            authorizeConditions: createConditionAuthorizer(permissionsRegistry.getPermissionRuleset(experimentPermissionResourceRef)),
          }),
        );
      },
    });
  },
});
