import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmRefreshTokenRepository } from '../../../src/auth/adapters/typeorm-refresh-token.repository';
import type { RefreshFamily, RefreshToken } from '../../../src/auth/domain/refresh-token';
import { RefreshTokenRepository } from '../../../src/auth/ports/refresh-token.repository';
import { TransactionRequired } from '../../../src/database/unit-of-work';
import { holdOpen, repositoryHarness, RepositoryHarness } from './repository-harness';

const HOUR_MS = 3600_000;
const at = (offsetMs: number) => new Date(Math.floor((Date.now() + offsetMs) / 1000) * 1000);

function newFamily(userId: string, overrides: Partial<RefreshFamily> = {}): RefreshFamily {
  return { id: randomUUID(), userId, expiresAt: at(24 * HOUR_MS), revokedAt: null, ...overrides };
}

function newToken(family: RefreshFamily, overrides: Partial<RefreshToken> = {}): RefreshToken {
  return {
    id: randomUUID(),
    userId: family.userId,
    familyId: family.id,
    secretHash: randomBytes(32),
    expiresAt: at(HOUR_MS),
    usedAt: null,
    ...overrides,
  };
}

describe('RefreshTokenRepository contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let tokens: RefreshTokenRepository;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: RefreshTokenRepository, useClass: TypeOrmRefreshTokenRepository }]);
    tokens = h.app.get(RefreshTokenRepository);
  });
  afterAll(() => h?.close());

  async function login(userId?: string, familyOverrides: Partial<RefreshFamily> = {}): Promise<{ family: RefreshFamily; token: RefreshToken }> {
    const family = newFamily(userId ?? (await h.newUser()), familyOverrides);
    await tokens.insertFamily(family);
    const token = newToken(family);
    await tokens.insert(token);
    return { family, token };
  }

  it('returns a token exactly as inserted, and nothing for an unknown id', async () => {
    const { token } = await login();
    expect(await tokens.findById(token.id)).toEqual(token);
    expect(await tokens.findById(randomUUID())).toBeUndefined();
  });

  it('locks a token with its family only inside a transaction, and answers undefined for an unknown token', async () => {
    const { family, token } = await login();
    await expect(tokens.lockWithFamily(token.id)).rejects.toBeInstanceOf(TransactionRequired);
    expect(await h.uow.run(() => tokens.lockWithFamily(token.id))).toEqual({ token, family });
    expect(await h.uow.run(() => tokens.lockWithFamily(randomUUID()))).toBeUndefined();
  });

  it('marks a token spent, leaving its family and the other tokens alone', async () => {
    const { family, token } = await login();
    const sibling = newToken(family);
    await tokens.insert(sibling);
    await tokens.spend(token.id);
    expect((await tokens.findById(token.id))?.usedAt).toBeInstanceOf(Date);
    expect(await tokens.findById(sibling.id)).toEqual(sibling);
    expect(await h.uow.run(() => tokens.lockWithFamily(sibling.id))).toEqual({ token: sibling, family });
  });

  it('lets exactly one of concurrent rotations of one token spend it; the others see it spent', async () => {
    const { token } = await login();
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        h.uow.run(async () => {
          const found = await tokens.lockWithFamily(token.id);
          if (!found || found.token.usedAt || found.family.revokedAt) return 'refused';
          await tokens.spend(found.token.id);
          return 'spent';
        }),
      ),
    );
    expect(outcomes.filter((o) => o === 'spent')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(5);
  });

  it("holds the family's lock until the transaction ends: a revocation of the family waits for the rotation", async () => {
    const { family, token } = await login();
    const rotation = await holdOpen(
      h.uow,
      async () => expect(await tokens.lockWithFamily(token.id)).toEqual({ token, family }),
      () => tokens.spend(token.id),
    );
    const revocation = tokens.revokeFamily(family.id);
    const waited = await h.waitsForLock(revocation);
    rotation.release();
    await Promise.all([rotation.done, revocation]);
    expect(waited).toBe(true);
    const after = await h.uow.run(() => tokens.lockWithFamily(token.id));
    expect(after?.token.usedAt).toBeInstanceOf(Date);
    expect(after?.family.revokedAt).toBeInstanceOf(Date);
  });

  it("revokes one family, or every family of one user, and no one else's", async () => {
    const user = await h.newUser();
    const a = await login(user);
    const b = await login(user);
    const stranger = await login();
    await tokens.revokeFamily(a.family.id);
    const revokedAt = (await h.uow.run(() => tokens.lockWithFamily(a.token.id)))?.family.revokedAt;
    expect(revokedAt).toBeInstanceOf(Date);
    expect((await h.uow.run(() => tokens.lockWithFamily(b.token.id)))?.family.revokedAt).toBeNull();

    await tokens.revokeAllForUser(user);
    // A family revoked before keeps the time it was revoked.
    expect((await h.uow.run(() => tokens.lockWithFamily(a.token.id)))?.family.revokedAt).toEqual(revokedAt);
    expect((await h.uow.run(() => tokens.lockWithFamily(b.token.id)))?.family.revokedAt).toBeInstanceOf(Date);
    expect(await h.uow.run(() => tokens.lockWithFamily(stranger.token.id))).toEqual(stranger);
  });

  it('purges tokens past their end and families that are over or revoked, and keeps live ones (spent ones included)', async () => {
    // Purging is global: start from a table with nothing left to purge.
    while ((await tokens.purgeExpired(100)) > 0);
    const user = await h.newUser();
    const live = await login(user);
    const spent = newToken(live.family);
    await tokens.insert(spent);
    await tokens.spend(spent.id);
    const idle = newToken(live.family, { expiresAt: at(-HOUR_MS) });
    await tokens.insert(idle);
    const ended = await login(user, { expiresAt: at(-HOUR_MS) });
    const revoked = await login(user);
    await tokens.revokeFamily(revoked.family.id);

    let purged = 0;
    for (let n = -1; n !== 0; purged += n) n = await tokens.purgeExpired(1);
    // The two families and the idle token; a family's tokens go with it.
    expect(purged).toBe(3);
    expect(await tokens.findById(idle.id)).toBeUndefined();
    expect(await tokens.findById(ended.token.id)).toBeUndefined();
    expect(await tokens.findById(revoked.token.id)).toBeUndefined();
    expect(await tokens.findById(live.token.id)).toEqual(live.token);
    expect(await tokens.findById(spent.id)).toMatchObject({ id: spent.id, usedAt: expect.any(Date) });
    expect(await tokens.purgeExpired(100)).toBe(0);
  });

  it("joins the caller's transaction: a login rolled back with it leaves no family or token", async () => {
    const family = newFamily(await h.newUser());
    const token = newToken(family);
    const failure = new Error('rolled back');
    await expect(
      h.uow.run(async () => {
        await tokens.insertFamily(family);
        await tokens.insert(token);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await tokens.findById(token.id)).toBeUndefined();
  });
});
