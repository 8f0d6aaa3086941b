import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobKey, userPrefix } from '../../src/storage/blob-key';
import { BlobStore, StoredObject } from '../../src/storage/ports/blob-store';
import {
  BlobNotFound,
  BlobSizeMismatch,
  BlobStoreUnavailable,
  InvalidBlobKey,
} from '../../src/storage/storage.errors';

export interface BlobStoreHarness {
  store: BlobStore;
  /** A store of the same kind whose backend cannot be reached; omitted, those tests are skipped. */
  unreachable?: () => Promise<BlobStore>;
  cleanup: () => Promise<void>;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** The behaviour every BlobStore adapter owes its callers (the contract in ports/blob-store.ts). */
export function describeBlobStoreContract(name: string, make: () => Promise<BlobStoreHarness>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let harness: BlobStoreHarness | undefined;
    let store: BlobStore;

    beforeAll(async () => {
      harness = await make();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    it.each([
      ['1 byte', 1],
      ['5 MiB', 5 * MiB],
    ])('returns exactly the bytes it was given (%s)', async (_label, size) => {
      const key = newKey();
      const bytes = randomBytes(size);

      await store.put(key, chunked(split(bytes, 64 * KiB)), size);

      expect((await readAll(await store.get(key))).equals(bytes)).toBe(true);
    });

    it('refuses a body that ends short and stores nothing under its key', async () => {
      const key = newKey();

      await expect(store.put(key, chunked([randomBytes(600)]), 1000)).rejects.toBeInstanceOf(BlobSizeMismatch);

      await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFound);
    });

    it.each([
      ['in one chunk', [1400]],
      ['by a chunk after the announced length', [500, 500, 1]],
    ])('refuses a body that runs long (%s) and stores nothing', async (_label, chunkSizes) => {
      const userId = randomUUID();
      const key = newKey(userId);

      await expect(store.put(key, chunked(chunkSizes.map((n) => randomBytes(n))), 1000)).rejects.toBeInstanceOf(
        BlobSizeMismatch,
      );

      await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFound);
      expect(await listAll(store, userPrefix(userId))).toEqual([]);
    });

    it('passes on the error of a body that fails mid-way and stores nothing', async () => {
      const userId = randomUUID();
      const key = newKey(userId);
      const clientGone = new Error('client went away');

      await expect(store.put(key, failingAfter(randomBytes(500), clientGone), 1000)).rejects.toBe(clientGone);

      await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFound);
      expect(await listAll(store, userPrefix(userId))).toEqual([]);
    });

    it('rejects a get of a missing key with BlobNotFound', async () => {
      await expect(store.get(newKey())).rejects.toBeInstanceOf(BlobNotFound);
    });

    it('deletes idempotently, and a deleted object is gone', async () => {
      const key = newKey();
      await store.delete(key);
      await store.put(key, chunked([randomBytes(10)]), 10);

      await store.delete(key);
      await store.delete(key);

      await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFound);
    });

    it('lists exactly the objects under a prefix, with their sizes', async () => {
      const owner = randomUUID();
      const other = randomUUID();
      const mapA = randomUUID();
      const owned = [
        { key: blobKey(owner, mapA, randomUUID()), sizeBytes: 3 },
        { key: blobKey(owner, mapA, randomUUID()), sizeBytes: 5 },
        { key: blobKey(owner, randomUUID(), randomUUID()), sizeBytes: 7 },
      ];
      const notOwned = { key: blobKey(other, randomUUID(), randomUUID()), sizeBytes: 11 };
      for (const { key, sizeBytes } of [...owned, notOwned]) {
        await store.put(key, chunked([randomBytes(sizeBytes)]), sizeBytes);
      }

      const listed = await listAll(store, userPrefix(owner));

      expect(listed.map(({ key, sizeBytes }) => ({ key, sizeBytes }))).toEqual(sortByKey(owned));
      for (const object of listed) expect(object.lastModified).toBeInstanceOf(Date);
      expect((await listAll(store, `users/${owner}/maps/${mapA}/`)).map((o) => o.key)).toEqual(
        sortByKey(owned.slice(0, 2)).map((o) => o.key),
      );
      const everything = (await listAll(store, '')).map((o) => o.key);
      expect(everything).toEqual(expect.arrayContaining([...owned, notOwned].map((o) => o.key)));
    });

    it.each(['../etc/passwd', 'users/x/../../y', '/etc/passwd', `/users/${randomUUID()}/maps/x/y`, ''])(
      'refuses the key %j with InvalidBlobKey and touches nothing',
      async (key) => {
        const before = await listAll(store, '');
        const body = chunked([randomBytes(4)]);

        await expect(store.put(key, body, 4)).rejects.toBeInstanceOf(InvalidBlobKey);
        await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKey);
        await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKey);

        expect(body.readableDidRead).toBe(false);
        expect(await listAll(store, '')).toEqual(before);
      },
    );

    it('streams a 32 MiB body without holding it in memory', async () => {
      const key = newKey();
      const size = 32 * MiB;
      const collectGarbage = exposeGc();
      const baseline = liveMemory(collectGarbage);
      let peak = baseline;
      // NOTE: live memory, sampled while the upload runs, so the garbage of an in-process test server
      // does not count but a body held whole does, however briefly.
      const sampler = setInterval(() => (peak = Math.max(peak, liveMemory(collectGarbage))), 10);

      try {
        await store.put(key, repeating(Buffer.alloc(64 * KiB, 0x5a), size), size);
      } finally {
        clearInterval(sampler);
      }

      expect(peak - baseline).toBeLessThan(16 * MiB);
      expect(await countBytes(await store.get(key))).toBe(size);
      await store.delete(key);
    });

    it('reports an unreachable backend as BlobStoreUnavailable', async ({ skip }) => {
      if (!harness?.unreachable) return skip('no unreachable backend for this adapter');
      const down = await harness.unreachable();
      const key = newKey();

      await expect(down.ping()).rejects.toBeInstanceOf(BlobStoreUnavailable);
      await expect(down.put(key, chunked([randomBytes(8)]), 8)).rejects.toBeInstanceOf(BlobStoreUnavailable);
      await expect(down.get(key)).rejects.toBeInstanceOf(BlobStoreUnavailable);
      await expect(down.delete(key)).rejects.toBeInstanceOf(BlobStoreUnavailable);
      await expect(listAll(down, '')).rejects.toBeInstanceOf(BlobStoreUnavailable);
    });

    it('answers ping when the backend is up', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('keeps the first install id claimed, and no later claim replaces it', async () => {
      expect(await store.readInstallId()).toBeUndefined();
      const first = randomUUID();
      expect(await store.claimInstallId(first)).toBe(first);
      expect(await store.claimInstallId(randomUUID())).toBe(first);
      expect(await store.readInstallId()).toBe(first);
    });
  });
}

function newKey(userId: string = randomUUID()): string {
  return blobKey(userId, randomUUID(), randomUUID());
}

/** A body that hands out these chunks one read at a time, so their boundaries reach the adapter. */
function chunked(chunks: Buffer[]): Readable {
  const queue = [...chunks];
  return new Readable({
    read() {
      this.push(queue.shift() ?? null);
    },
  });
}

function split(bytes: Buffer, chunkBytes: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    chunks.push(bytes.subarray(offset, offset + chunkBytes));
  }
  return chunks;
}

/** `totalBytes` of one reused chunk: the source itself allocates nothing while it streams. */
function repeating(chunk: Buffer, totalBytes: number): Readable {
  let remaining = totalBytes;
  return new Readable({
    read() {
      const next = chunk.subarray(0, Math.min(chunk.length, remaining));
      remaining -= next.length;
      this.push(next.length > 0 ? next : null);
    },
  });
}

/** Sends `head`, then fails the way a request body does when its client disconnects. */
function failingAfter(head: Buffer, error: Error): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) {
        this.destroy(error);
      } else {
        sent = true;
        this.push(head);
      }
    },
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function countBytes(stream: Readable): Promise<number> {
  let total = 0;
  for await (const chunk of stream) total += (chunk as Buffer).length;
  return total;
}

async function listAll(store: BlobStore, prefix: string): Promise<StoredObject[]> {
  const objects: StoredObject[] = [];
  for await (const object of store.list(prefix)) objects.push(object);
  return sortByKey(objects);
}

function sortByKey<T extends { key: string }>(objects: T[]): T[] {
  return [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * A young-generation collection on demand, where a streamed chunk's garbage lives; fetched the way
 * jest's leak detector gets `gc`, so no --expose-gc flag is needed.
 */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void;
  return () => gc({ type: 'minor' });
}

/** JS heap plus Buffer memory still referenced: where a body held whole would show. */
function liveMemory(collectGarbage: () => void): number {
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}
