export interface Config {
  auth?: {
    providers?: {
      /** The people the sign-in page offers (plugins/auth-backend-module-local-provider reads the same list). */
      local?: {
        /** @visibility frontend */
        users: Array<{
          /** @visibility frontend */
          userEntityRef: string;
          /** @visibility frontend */
          description?: string;
        }>;
      };
    };
  };
}
