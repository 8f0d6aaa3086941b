import { createServer } from 'node:net';
import { S3BlobStore } from '../../src/storage/adapters/s3-blob-store';
import { startS3rver } from '../utils/s3rver';
import { describeBlobStoreContract } from './blob-store.contract';

describeBlobStoreContract('S3BlobStore on s3rver', async () => {
  const s3 = await startS3rver();
  const store = new S3BlobStore(s3);
  await store.ensureBucket();
  return {
    store,
    unreachable: async () => new S3BlobStore({ ...s3, endPoint: `http://127.0.0.1:${await closedPort()}` }),
    cleanup: () => s3.stop(),
  };
});

/** A port that was free a moment ago and has no listener now: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return address.port;
}
