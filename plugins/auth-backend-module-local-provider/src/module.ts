import { createBackendModule } from '@backstage/backend-plugin-api';
import { authProvidersExtensionPoint, createProxyAuthProviderFactory } from '@backstage/plugin-auth-node';
import { localAuthenticator, signInAsListedCatalogUser } from './authenticator';

export const authModuleLocalProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'local-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'local',
          factory: createProxyAuthProviderFactory({
            authenticator: localAuthenticator,
            signInResolver: signInAsListedCatalogUser,
          }),
        });
      },
    });
  },
});
