/** One object store of the lake: S3 holds the canonical copy, Azure Blob Storage the replica. */
export interface LakeStore {
  /** `s3` or `azure`, the `store` label of the metrics */
  readonly name: string;
  /** creates the bucket or container when it is missing */
  ensure(): Promise<void>;
  /** resolves once the store acknowledged the whole object (durable) */
  put(key: string, body: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** every key under the prefix */
  list(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}
