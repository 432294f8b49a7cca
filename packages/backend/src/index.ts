import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// serves the built frontend on the same port
backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// local only: sign in as one of the catalog users listed in auth.providers.local (an owner, a member without rights)
backend.add(import('@internal/plugin-auth-backend-module-local-provider'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@internal/plugin-permission-backend-module-platform-policy'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@internal/plugin-catalog-backend-module-file-placeholders'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-gitlab'));
backend.add(import('@internal/plugin-scaffolder-backend-module-local-git'));

backend.add(import('@backstage/plugin-techdocs-backend'));
// dir: sources built from a clean copy of their folder (the handbook is the repository's root; docs/techdocs.md)
backend.add(import('@internal/plugin-techdocs-backend-module-local-preparer'));

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
// without PostgreSQL (the local portal): Lunr, with an empty page for a type not indexed yet instead of a 500
backend.add(import('@internal/plugin-search-backend-module-local-engine'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

backend.add(import('@backstage/plugin-kubernetes-backend'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@internal/plugin-cost-backend'));
backend.add(import('@internal/plugin-experiments-backend'));
backend.add(import('@internal/plugin-model-registry-backend'));

backend.start();
