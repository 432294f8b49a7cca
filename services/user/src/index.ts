export { createUserService } from './app';
export { loadUserConfig, userConfigSchema } from './config';
export type { UserConfig } from './config';
export type { Preferences, Role, User } from './users/model';
export type { TokenPair } from './auth/sessions';
