export { platformPolicyModule as default } from './module';
export { PlatformPermissionPolicy } from './policy';
export * from './rules';
export * from './modelRegistryRules';
