import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '../../src/storage/adapters/fs-blob-store';
import { describeBlobStoreContract } from './blob-store.contract';

describeBlobStoreContract('FsBlobStore', async () => {
  const rootDir = await mkdtemp(join(tmpdir(), 'mindvault-fs-blobs-'));
  const store = new FsBlobStore(rootDir);
  await store.ensureRoot();
  return {
    store,
    // A root below a file: what a misconfigured or vanished volume looks like to the process.
    unreachable: async () => new FsBlobStore('/dev/null/mindvault-blobs'),
    cleanup: () => rm(rootDir, { recursive: true, force: true }),
  };
});
