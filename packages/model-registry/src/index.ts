export * from './MlflowClient';
export * from './history';
export * from './registry';
export * from './config';
