export {
  LAKE_ROOT,
  fileNameOf,
  hourEndMillis,
  hourPartitionOf,
  objectKey,
  parseObjectKey,
  partitionPrefix,
} from './layout';
export type { HourPartition, LakeFileName, LakeObject } from './layout';
export { EVENT_TYPES, LAKE_COLUMNS, lakeRowOf, trackedEventSchema } from './schema';
export type { EventType, LakeRow, TrackedEvent } from './schema';
export { ParquetWriter } from './parquet';
export { S3LakeStore } from './stores/s3Store';
export { AzureLakeStore } from './stores/azureStore';
export type { LakeStore } from './stores/types';
export { LakeSink } from './sink/LakeSink';
export type { LakeSinkOptions } from './sink/LakeSink';
export { LAKE_METRICS } from './sink/metrics';
export { closeAtMillis, isFull } from './sink/rolling';
export type { RollingPolicy } from './sink/rolling';
export { createDataLakeSinkService, eventTopics } from './app';
export type { DataLakeSinkService } from './app';
export { dataLakeSinkConfigSchema, loadDataLakeSinkConfig } from './config';
export type { DataLakeSinkConfig } from './config';
