import { FsBlobStore } from './adapters/fs-blob-store';
import { S3BlobStore } from './adapters/s3-blob-store';
import { BlobStoreConfig } from './blob-store.config';
import { BlobStore } from './ports/blob-store';

/** The one place an adapter is chosen; it also creates the fs root or the bucket, so start-up fails fast. */
export async function createBlobStore(config: BlobStoreConfig): Promise<BlobStore> {
  switch (config.driver) {
    case 'fs': {
      const store = new FsBlobStore(config.rootDir);
      await store.ensureRoot();
      return store;
    }
    case 's3': {
      const store = new S3BlobStore(config);
      await store.ensureBucket();
      return store;
    }
  }
}
