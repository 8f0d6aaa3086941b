import { describe, expect, it } from 'vitest';
import { DISCARD_LANES, ObjectJanitor } from './object-janitor.service';
import type { BlobStore } from './ports/blob-store';
import type { DeletionHold } from './ports/deletion-hold';
import type { OrphanLedger } from './ports/orphan-ledger';

/** A store whose deletes take a tick, counting how many run at once; `failing` keys reject. */
function fakes(options: { failing?: string[]; backup?: boolean; holdFails?: boolean } = {}) {
  const deleted: string[] = [];
  const ledger: { key: string; reason: string }[] = [];
  let running = 0;
  let mostAtOnce = 0;
  let holds = 0;
  const blobs = {
    async delete(key: string) {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((r) => setTimeout(r, 1));
      running--;
      if (options.failing?.includes(key)) throw new Error('store unreachable');
      deleted.push(key);
    },
  } as unknown as BlobStore;
  const orphans = { record: async (key: string, reason: string) => void ledger.push({ key, reason }) } as unknown as OrphanLedger;
  const hold = {
    async unlessBackingUp(remove: () => Promise<void>) {
      holds++;
      if (options.holdFails) throw new Error('database gone');
      if (options.backup) return false;
      await remove();
      return true;
    },
  } as unknown as DeletionHold;
  const janitor = new ObjectJanitor(blobs, orphans, hold);
  return { janitor, deleted, ledger, stats: () => ({ mostAtOnce, holds }) };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ objectKey: `k${i}`, ids: { versionId: `v${i}` } }));

describe('ObjectJanitor.discardAll', () => {
  it('deletes a batch on a few lanes under one hold', async () => {
    const f = fakes();
    await f.janitor.discardAll(items(40), 'version thinned');
    expect(f.deleted.sort()).toEqual(items(40).map((i) => i.objectKey).sort());
    expect(f.stats()).toEqual({ mostAtOnce: DISCARD_LANES, holds: 1 });
    expect(f.ledger).toEqual([]);
  });

  it('ledgers each deletion that fails, and goes on with the others', async () => {
    const f = fakes({ failing: ['k3', 'k7'] });
    await f.janitor.discardAll(items(10), 'version thinned');
    expect(f.deleted).toHaveLength(8);
    expect(f.ledger.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'k3', reason: 'version thinned' },
      { key: 'k7', reason: 'version thinned' },
    ]);
  });

  it('defers the whole batch to the ledger while a backup holds the store', async () => {
    const f = fakes({ backup: true });
    await f.janitor.discardAll(items(3), 'version thinned');
    expect(f.deleted).toEqual([]);
    expect(f.ledger.map((l) => l.reason)).toEqual(Array(3).fill('version thinned (deferred: a backup was running)'));
  });

  it('ledgers every deletion when the hold cannot be taken', async () => {
    const f = fakes({ holdFails: true });
    await f.janitor.discardAll(items(3), 'version thinned');
    expect(f.ledger.map((l) => l.key)).toEqual(['k0', 'k1', 'k2']);
  });

  it('does nothing for an empty batch', async () => {
    const f = fakes();
    await f.janitor.discardAll([], 'version thinned');
    expect(f.stats().holds).toBe(0);
  });
});
