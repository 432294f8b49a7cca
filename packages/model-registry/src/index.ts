export * from './MlflowClient';
