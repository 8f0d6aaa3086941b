import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TypeOrmOrphanLedger } from '../../../src/storage/adapters/typeorm-orphan-ledger';
import { OrphanLedger } from '../../../src/storage/ports/orphan-ledger';
import { repositoryHarness, RepositoryHarness } from './repository-harness';

const objectKey = () => `users/${randomUUID()}/maps/${randomUUID()}/${randomUUID()}`;
/** Keys of one shape differ first at a hex digit, where every collation orders as code points do. */
const inKeyOrder = (keys: string[]) => [...keys].sort();

describe('OrphanLedger contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let ledger: OrphanLedger;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: OrphanLedger, useClass: TypeOrmOrphanLedger }]);
    ledger = h.app.get(OrphanLedger);
  });
  afterAll(() => h?.close());

  // The ledger is one list for the whole store: each test starts from an empty one.
  beforeEach(async () => {
    for (let keys = await ledger.list(100); keys.length > 0; keys = await ledger.list(100)) {
      for (const key of keys) await ledger.forget(key);
    }
  });

  /** Every key, walking pages of `limit` from the start. */
  async function walk(limit: number, between?: (page: string[]) => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    for (let page = await ledger.list(limit); page.length > 0; page = await ledger.list(limit, page[page.length - 1])) {
      expect(page.length).toBeLessThanOrEqual(limit);
      seen.push(...page);
      await between?.(page);
    }
    return seen;
  }

  it('lists nothing when empty, and recorded keys in key order, at most `limit`', async () => {
    expect(await ledger.list(10)).toEqual([]);
    const keys = [objectKey(), objectKey(), objectKey()];
    for (const key of keys) await ledger.record(key, 'prune: delete failed');
    expect(await ledger.list(10)).toEqual(inKeyOrder(keys));
    expect(await ledger.list(2)).toEqual(inKeyOrder(keys).slice(0, 2));
  });

  it('holds a key recorded twice once', async () => {
    const key = objectKey();
    await ledger.record(key, 'upload compensation: delete failed');
    await ledger.record(key, 'reconcile: delete failed');
    expect(await ledger.list(10)).toEqual([key]);
  });

  it('forgets only the key named, and forgetting an unknown key changes nothing', async () => {
    const [a, b] = [objectKey(), objectKey()];
    await ledger.record(a, 'prune: delete failed');
    await ledger.record(b, 'prune: delete failed');
    await ledger.forget(a);
    await ledger.forget(objectKey());
    expect(await ledger.list(10)).toEqual([b]);
  });

  it('pages through every key exactly once, in key order, whatever the page size', async () => {
    const keys = Array.from({ length: 7 }, objectKey);
    for (const key of keys) await ledger.record(key, 'prune: delete failed');
    for (const limit of [1, 3, 7, 8]) expect(await walk(limit)).toEqual(inKeyOrder(keys));
    expect(await ledger.list(10, inKeyOrder(keys)[6])).toEqual([]);
  });

  it('lists without taking: keys left unsettled stay, and a pass that forgets others misses none of the rest', async () => {
    const keys = Array.from({ length: 9 }, objectKey);
    for (const key of keys) await ledger.record(key, 'prune: delete failed');
    const stuck = new Set(inKeyOrder(keys).filter((_, i) => i % 3 === 0));
    // A sweeper's pass: it settles (forgets) every key but the stuck ones, page by page.
    const seen = await walk(2, async (page) => {
      for (const key of page) if (!stuck.has(key)) await ledger.forget(key);
    });
    expect(seen).toEqual(inKeyOrder(keys));
    expect(await ledger.list(10)).toEqual([...stuck]);
  });
});
