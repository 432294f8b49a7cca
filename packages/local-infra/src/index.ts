// Dependency-free entry point: services and tests import this to read `.state/infra.env`.
export { loadInfraEnv, parseEnvFile } from './env';
export type { LoadInfraEnvOptions } from './env';
export { findRepoRoot, infraEnvFile, stateRoot } from './paths';
export {
  SERVER_NAMES,
  isServerName,
  resolvePorts,
  serverDefinitions,
} from './definitions';
export type {
  PortDefinition,
  ServerDefinition,
  ServerName,
} from './definitions';
export { startTwilioRecorder } from './sms/twilioRecorder';
export type { TwilioError, TwilioMessage, TwilioRecorder } from './sms/twilioRecorder';
