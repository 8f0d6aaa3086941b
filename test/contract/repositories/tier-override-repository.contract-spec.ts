import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmTierOverrideRepository } from '../../../src/billing/adapters/typeorm-tier-override.repository';
import { TierOverrideRepository } from '../../../src/billing/ports/tier-override.repository';
import { repositoryHarness, RepositoryHarness } from './repository-harness';

describe('TierOverrideRepository contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let overrides: TierOverrideRepository;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: TierOverrideRepository, useClass: TypeOrmTierOverrideRepository }]);
    overrides = h.app.get(TierOverrideRepository);
  });
  afterAll(() => h?.close());

  it('answers null until a tier is set, then the latest one set, and null again once removed', async () => {
    const user = await h.newUser();
    expect(await overrides.find(user)).toBeNull();
    await overrides.set(user, 'team');
    expect(await overrides.find(user)).toBe('team');
    await overrides.set(user, 'pro');
    expect(await overrides.find(user)).toBe('pro');
    await overrides.set(user, null);
    expect(await overrides.find(user)).toBeNull();
    await overrides.set(user, null);
    expect(await overrides.find(user)).toBeNull();
  });

  it('keeps a free override as free (it still wins over a subscription), not as no override', async () => {
    const user = await h.newUser();
    await overrides.set(user, 'free');
    expect(await overrides.find(user)).toBe('free');
    expect(await overrides.findMany([user])).toEqual(new Map([[user, 'free']]));
  });

  it('finds many at once: an entry for each user with an override, none for the others', async () => {
    const [a, b, plain] = [await h.newUser(), await h.newUser(), await h.newUser()];
    await overrides.set(a, 'team');
    await overrides.set(b, 'pro');
    expect(await overrides.findMany([a, b, plain, randomUUID()])).toEqual(
      new Map([
        [a, 'team'],
        [b, 'pro'],
      ]),
    );
    expect(await overrides.findMany([])).toEqual(new Map());
  });

  it("sets one user's override without touching another's", async () => {
    const [a, b] = [await h.newUser(), await h.newUser()];
    await overrides.set(a, 'team');
    await overrides.set(b, 'pro');
    await overrides.set(a, null);
    expect(await overrides.find(b)).toBe('pro');
  });

  it("joins the caller's transaction: an override rolled back with it was never set", async () => {
    const user = await h.newUser();
    await overrides.set(user, 'pro');
    const failure = new Error('rolled back');
    await expect(
      h.uow.run(async () => {
        await overrides.set(user, 'team');
        expect(await overrides.find(user)).toBe('team');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await overrides.find(user)).toBe('pro');
  });
});
