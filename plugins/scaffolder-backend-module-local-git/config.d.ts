export interface Config {
  scaffolder?: {
    localGit?: {
      /** Directory under which publish:local-git creates repositories; relative to the backend's working directory. */
      baseDir?: string;
    };
  };
}
