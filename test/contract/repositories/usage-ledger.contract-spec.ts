import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransactionRequired } from '../../../src/database/unit-of-work';
import { TypeOrmUsageLedger } from '../../../src/storage/adapters/typeorm-usage-ledger';
import { UsageLedger } from '../../../src/storage/ports/usage-ledger';
import { repositoryHarness, RepositoryHarness } from './repository-harness';

describe('UsageLedger contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let usage: UsageLedger;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: UsageLedger, useClass: TypeOrmUsageLedger }]);
    usage = h.app.get(UsageLedger);
  });
  afterAll(() => h?.close());

  it('counts from zero, adds up to the limit and refuses past it, reporting the counter as found', async () => {
    const user = await h.newUser();
    expect(await usage.usageOf(user)).toBe(0);
    expect(await usage.tryAdd(user, 600, 1000)).toEqual({ ok: true, usageBytes: 600 });
    expect(await usage.tryAdd(user, 401, 1000)).toEqual({ ok: false, usageBytes: 600 });
    expect(await usage.tryAdd(user, 400, 1000)).toEqual({ ok: true, usageBytes: 1000 });
    await usage.subtract(user, 250);
    expect(await usage.usageOf(user)).toBe(750);
  });

  it('subtracts down to 0 and no further (a counter from before the charges may hold less than is given back)', async () => {
    const user = await h.newUser();
    expect(await usage.tryAdd(user, 100, 1000)).toEqual({ ok: true, usageBytes: 100 });
    await usage.subtract(user, 1124);
    expect(await usage.usageOf(user)).toBe(0);
  });

  it('never lets concurrent adds pass the limit together', async () => {
    const user = await h.newUser();
    const results = await Promise.all(Array.from({ length: 20 }, () => usage.tryAdd(user, 100, 1000)));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(await usage.usageOf(user)).toBe(1000);
  });

  it('locks and overwrites a counter only inside a transaction', async () => {
    const user = await h.newUser();
    await expect(usage.lock(user)).rejects.toBeInstanceOf(TransactionRequired);
    await h.uow.run(async () => {
      expect(await usage.lock(user)).toBe(0);
      await usage.set(user, 4242);
    });
    expect(await usage.usageOf(user)).toBe(4242);
  });
});
