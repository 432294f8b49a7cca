import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => (await import('./SignInPage')).PlatformSignInPage,
  },
});

/** Replaces the app's guest-only sign-in page. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
