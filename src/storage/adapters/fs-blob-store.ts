import { randomUUID } from 'node:crypto';
import { constants, createWriteStream, Dirent } from 'node:fs';
import { access, link, mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, INSTALL_ID_NAME } from '../blob-key';
import { ExactLengthStream } from '../exact-length.stream';
import { BlobStore, StoredObject } from '../ports/blob-store';
import { BlobNotFound, BlobStoreUnavailable, InvalidBlobKey } from '../storage.errors';

/** Marks an upload in progress; keys never contain a dot, so no key can end with it. */
const TEMP_SUFFIX = '.partial';

/** A list prefix is a key's leading part: the key alphabet only, so it can never climb out of the root. */
const PREFIX_PATTERN = /^(?:[0-9a-z-]+\/)*[0-9a-z-]*$/;

/** errno codes that say the volume is unusable (gone, full, read-only), not that one object is missing. */
const UNAVAILABLE_CODES = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'ENOTDIR',
  'EMFILE',
  'ENFILE',
]);

/** Objects as files under `rootDir`, one per key, the key's slashes as directories. */
export class FsBlobStore extends BlobStore {
  constructor(private readonly rootDir: string) {
    super();
  }

  /** Creates the root directory; run once at start-up. */
  async ensureRoot(): Promise<void> {
    try {
      await mkdir(this.rootDir, { recursive: true });
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  override async put(key: string, body: Readable, sizeBytes: number): Promise<void> {
    const path = this.pathOf(key);
    const counter = new ExactLengthStream(sizeBytes);
    // NOTE: written beside the final file, so the rename stays on one filesystem and is atomic.
    const temp = `${path}.${randomUUID()}${TEMP_SUFFIX}`;
    try {
      await mkdir(dirname(path), { recursive: true });
      // `flush` fsyncs before close: renaming an unsynced file could leave a short object after a crash.
      await pipeline(body, counter, createWriteStream(temp, { flags: 'wx', flush: true }));
      await rename(temp, path);
    } catch (error) {
      // The upload's own error is the one worth reporting; list() skips a temp file left behind.
      await unlink(temp).catch(() => undefined);
      throw unavailableOr(error);
    }
  }

  override async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      // Opened before returning, so a missing object rejects here instead of erroring the stream later.
      const file = await open(path, 'r');
      return file.createReadStream();
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new BlobNotFound(key);
      throw unavailableOr(error);
    }
  }

  override async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      ignoreMissing(error);
    }
  }

  override async *list(prefix: string): AsyncGenerator<StoredObject> {
    if (!PREFIX_PATTERN.test(prefix)) throw new InvalidBlobKey(prefix);
    // Start at the deepest directory the prefix names; the rest of it filters entry names.
    yield* this.walk(prefix.slice(0, prefix.lastIndexOf('/') + 1), prefix);
  }

  /** Deletes `.partial` files last written before `olderThan`. */
  override async removeStaleUploads(olderThan: Date): Promise<number> {
    return this.removeTempFiles('', olderThan.getTime());
  }

  override async ping(): Promise<void> {
    try {
      const root = await stat(this.rootDir);
      if (!root.isDirectory()) throw new Error(`${this.rootDir} is not a directory`);
      await access(this.rootDir, constants.W_OK);
    } catch (error) {
      throw new BlobStoreUnavailable(error);
    }
  }

  override async readInstallId(): Promise<string | undefined> {
    try {
      return (await readFile(join(this.rootDir, INSTALL_ID_NAME), 'utf8')).trim();
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw unavailableOr(error);
    }
  }

  override async claimInstallId(installId: string): Promise<string> {
    const path = join(this.rootDir, INSTALL_ID_NAME);
    const draft = `${path}.${randomUUID()}${TEMP_SUFFIX}`;
    try {
      // Written whole and synced aside, then linked: the first claim wins, a later one changes nothing.
      await writeFile(draft, `${installId}\n`, { flag: 'wx', flush: true });
      await link(draft, path).catch((error: unknown) => {
        if (errorCode(error) !== 'EEXIST') throw error;
      });
    } catch (error) {
      throw unavailableOr(error);
    } finally {
      await unlink(draft).catch(() => undefined);
    }
    return (await this.readInstallId())!;
  }

  private pathOf(key: string): string {
    return join(this.rootDir, assertBlobKey(key));
  }

  /** Yields the objects under the directory `dirKey` ('' or ending in '/') whose keys start with `prefix`. */
  private async *walk(dirKey: string, prefix: string): AsyncGenerator<StoredObject> {
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.rootDir, dirKey), { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw unavailableOr(error);
    }
    for (const entry of entries) {
      const key = dirKey + entry.name;
      if (entry.isDirectory()) {
        const subDir = `${key}/`;
        if (subDir.startsWith(prefix) || prefix.startsWith(subDir)) yield* this.walk(subDir, prefix);
      } else if (entry.isFile() && !entry.name.endsWith(TEMP_SUFFIX) && key.startsWith(prefix)) {
        const object = await this.statObject(key);
        if (object) yield object;
      }
    }
  }

  private async removeTempFiles(dirKey: string, cutoffMs: number): Promise<number> {
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.rootDir, dirKey), { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return 0;
      throw unavailableOr(error);
    }
    let removed = 0;
    for (const entry of entries) {
      const path = join(this.rootDir, dirKey, entry.name);
      if (entry.isDirectory()) {
        removed += await this.removeTempFiles(`${dirKey}${entry.name}/`, cutoffMs);
      } else if (entry.isFile() && entry.name.endsWith(TEMP_SUFFIX)) {
        try {
          if ((await stat(path)).mtimeMs >= cutoffMs) continue;
          await unlink(path);
          removed++;
        } catch (error) {
          ignoreMissing(error);
        }
      }
    }
    return removed;
  }

  /** Undefined when the object was deleted between listing its directory and reading its size. */
  private async statObject(key: string): Promise<StoredObject | undefined> {
    try {
      const stats = await stat(join(this.rootDir, key));
      return { key, sizeBytes: stats.size, lastModified: stats.mtime };
    } catch (error) {
      ignoreMissing(error);
      return undefined;
    }
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function unavailableOr(error: unknown): unknown {
  const code = errorCode(error);
  return code !== undefined && UNAVAILABLE_CODES.has(code) ? new BlobStoreUnavailable(error) : error;
}

function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw unavailableOr(error);
}
