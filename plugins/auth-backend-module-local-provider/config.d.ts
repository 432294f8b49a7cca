export interface Config {
  auth?: {
    providers?: {
      /**
       * Local sign-in as one of a fixed list of catalog users (plugins/auth-backend-module-local-provider).
       * For a portal on one machine or in CI only: anyone who reaches the portal may pick any listed user.
       */
      local?: {
        /** Off outside NODE_ENV=development unless true, like the guest provider. */
        dangerouslyAllowOutsideDevelopment?: boolean;
        /**
         * The users one may sign in as; each must exist in the catalog, whose memberships give the ownership claims.
         */
        users: Array<{
          /**
           * A User entity reference, e.g. user:default/priya.natarajan.
           */
          userEntityRef: string;
          /**
           * What the sign-in page says this user may do.
           */
          description?: string;
        }>;
      };
    };
  };
}
