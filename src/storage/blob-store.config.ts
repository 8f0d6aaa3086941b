/** Objects as files under one local directory: development, single-node and embedded deployments. */
export interface FsBlobStoreConfig {
  driver: 'fs';
  /** Absolute directory that holds every object; created at start-up if missing. */
  rootDir: string;
}

/** Objects in one bucket of an S3-compatible service (AWS S3, MinIO, s3rver in tests). */
export interface S3BlobStoreConfig {
  driver: 's3';
  /** Full URL of the S3 API, e.g. `http://127.0.0.1:9000`; requests are path-style. */
  endPoint: string;
  accessKey: string;
  secretKey: string;
  /** Created at start-up if missing. */
  bucket: string;
  /** Unset: the bucket's region is asked for once and cached. */
  region?: string;
}

/** Which BlobStore adapter runs, and where; chosen from the environment by the config module. */
export type BlobStoreConfig = FsBlobStoreConfig | S3BlobStoreConfig;
