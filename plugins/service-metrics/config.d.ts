export interface Config {
  serviceMetrics?: {
    platformStatus?: {
      /**
       * The systems whose services the home page's platform status lists; every service of the catalog when unset.
       * @visibility frontend
       */
      systems?: string[];
    };
  };
}
