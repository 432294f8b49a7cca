export interface Config {
  scaffolder?: {
    localGit?: {
      /**
       * Turns on publish:local-git and catalog:register-local, and lets the catalog API accept `file` locations.
       * Default false: on a shared portal anyone allowed to create locations could then point the catalog at files
       * on the portal host.
       */
      enabled?: boolean;
      /** Directory under which publish:local-git creates repositories; relative to the backend's working directory. */
      baseDir?: string;
    };
  };
}
