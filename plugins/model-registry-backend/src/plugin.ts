import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { modelRegistryPermissions } from '@internal/plugin-model-registry-common';
import { MlflowClient } from '@platform/model-registry';
import { readModelRegistryConfig } from './service/config';
import { PrometheusGoldenSignalsSource } from './service/GoldenSignalsSource';
import { HistoryDatabase } from './service/HistoryDatabase';
import { ModelCatalog } from './service/ModelCatalog';
import { CachingModelRegistryClient, MlflowModelRegistryClient } from './service/ModelRegistryClient';
import { createRouter } from './service/router';
import { createServiceTokenSource } from '@platform/service-kit';
import { HttpServingStatusSource } from './service/ServingStatusSource';

/** The model registry backend plugin: `/api/model-registry` on the portal backend. */
export const modelRegistryPlugin = createBackendPlugin({
  pluginId: 'model-registry',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
      },
      async init({ httpRouter, config, auth, httpAuth, permissions, permissionsRegistry, auditor, logger, lifecycle, catalog }) {
        permissionsRegistry.addPermissions(modelRegistryPermissions);
        const settings = readModelRegistryConfig(config);
        const mlflow = new MlflowClient(settings.mlflowUrl, settings.mlflowRetryMs);
        const history = new HistoryDatabase({
          mlflow,
          historyDatabaseUrl: settings.historyDatabaseUrl,
          databaseUrl: settings.databaseUrl,
        });
        lifecycle.addShutdownHook(() => history.close());
        const client = new CachingModelRegistryClient(
          new MlflowModelRegistryClient({ mlflow, mlflowUrl: settings.mlflowUrl, history }),
          settings.cacheTtlSeconds * 1000,
        );
        if (!settings.serviceToken)
          logger.warn('modelRegistry.serviceToken.privateKey is not set: calls to the serving service carry no token and are refused');
        const token = settings.serviceToken
          ? await createServiceTokenSource({ ...settings.serviceToken, privateKeyPem: settings.serviceToken.privateKey, subject: 'backstage-portal' })
          : undefined;
        const serving = new HttpServingStatusSource(settings.recommendationServiceUrl, { token, timeoutMs: settings.liveTimeoutMs });
        const signals = settings.prometheusUrl
          ? new PrometheusGoldenSignalsSource(settings.prometheusUrl, { window: settings.signalsWindow, timeoutMs: settings.liveTimeoutMs })
          : undefined;
        httpRouter.use(
          await createRouter({
            client,
            catalog: new ModelCatalog({ catalog, auth }),
            httpAuth,
            permissions,
            auditor,
            logger,
            serving,
            signals,
          }),
        );
        logger.info(
          `model registry on MLflow ${settings.mlflowUrl}, MLflow reads cached ${settings.cacheTtlSeconds} s; serving status from ${settings.recommendationServiceUrl}, live signals from ${settings.prometheusUrl ?? 'no Prometheus'}`,
        );
      },
    });
  },
});
