import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { costPermissions } from '@internal/plugin-cost-common';
import { CostMonitoringClient } from './service/CostMonitoringClient';
import { createServiceTokenSource } from '@platform/service-kit';
import { createRouter } from './service/router';

/** The cost backend plugin: `/api/cost` on the portal backend. */
export const costPlugin = createBackendPlugin({
  pluginId: 'cost',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        cache: coreServices.cache,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
      },
      async init({ httpRouter, config, discovery, cache, permissions, permissionsRegistry, httpAuth, logger }) {
        permissionsRegistry.addPermissions(costPermissions);
        const configuredUrl = config.getOptionalString('costMonitoring.baseUrl');
        const signingKey = config.getOptionalString('costMonitoring.serviceToken.privateKey');
        const staticToken = config.getOptionalString('costMonitoring.token');
        let token: (() => Promise<string | undefined>) | undefined = staticToken ? async () => staticToken : undefined;
        if (signingKey) {
          token = await createServiceTokenSource({
            privateKeyPem: signingKey,
            issuer: config.getOptionalString('costMonitoring.serviceToken.issuer') ?? 'user-service',
            audience: config.getOptionalString('costMonitoring.serviceToken.audience') ?? 'platform',
            subject: 'backstage-portal',
          });
        } else if (!staticToken) {
          logger.warn('costMonitoring.serviceToken.privateKey is not set: calls to the cost service carry no token and are refused');
        }
        const client = new CostMonitoringClient({
          baseUrl: async () => configuredUrl ?? discovery.getBaseUrl('cost-monitoring'),
          token,
          timeoutMs: config.getOptionalNumber('costMonitoring.timeoutMs') ?? 5_000,
        });
        httpRouter.use(
          await createRouter({
            client,
            cache,
            cacheTtlSeconds: config.getOptionalNumber('costMonitoring.cacheTtlSeconds') ?? 60,
            httpAuth,
            permissions,
            logger,
          }),
        );
      },
    });
  },
});
