import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmUserRepository } from '../../../src/auth/adapters/typeorm-user.repository';
import { EmailTaken } from '../../../src/auth/auth.errors';
import type { KeyBundle, User } from '../../../src/auth/domain/user';
import { UserRepository } from '../../../src/auth/ports/user.repository';
import { repositoryHarness, RepositoryHarness } from './repository-harness';

const keys = (): KeyBundle => ({
  classicalPublicKey: randomBytes(32),
  pqPublicKey: randomBytes(1184),
  classicalPrivEncrypted: randomBytes(60),
  pqPrivEncrypted: randomBytes(2428),
});

function newUser(overrides: Partial<User> = {}): User {
  const id = randomUUID();
  return {
    id,
    email: `${id}@example.com`,
    authKeyHash: `hash-${id}`,
    kdf: { algorithm: 'argon2id', salt: randomBytes(16), memoryKiB: 65536, iterations: 3, parallelism: 1 },
    keys: keys(),
    keyVersion: 1,
    role: 'user',
    disabled: false,
    createdAt: new Date(Math.floor(Date.now() / 1000) * 1000),
    ...overrides,
  };
}

describe('UserRepository contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let users: UserRepository;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: UserRepository, useClass: TypeOrmUserRepository }]);
    users = h.app.get(UserRepository);
  });
  afterAll(() => h?.close());

  // First: it needs a database with no admin yet.
  it('knows whether any admin exists, and only an admin counts', async () => {
    await users.create(newUser());
    expect(await users.anyAdmin()).toBe(false);
    const user = newUser();
    await users.create(user);
    await users.updateAccess(user.id, { role: 'admin' });
    expect(await users.anyAdmin()).toBe(true);
  });

  it('returns a user exactly as created, by id and by email, and nothing for an unknown one', async () => {
    const user = newUser();
    await users.create(user);
    expect(await users.findById(user.id)).toEqual(user);
    expect(await users.findByEmail(user.email)).toEqual(user);
    expect(await users.findById(randomUUID())).toBeUndefined();
    expect(await users.findByEmail(`${randomUUID()}@example.com`)).toBeUndefined();
    expect(await users.findAuthState(randomUUID())).toBeUndefined();
  });

  it('stores emails lower-cased and finds them whatever their case', async () => {
    const id = randomUUID();
    const user = newUser({ email: `Mixed.${id}@Example.COM` });
    await users.create(user);
    const lower = `mixed.${id}@example.com`;
    expect(await users.findById(user.id)).toMatchObject({ email: lower });
    expect(await users.findByEmail(lower)).toMatchObject({ id: user.id });
    expect(await users.findByEmail(`MIXED.${id}@EXAMPLE.com`)).toMatchObject({ id: user.id });
  });

  it('rejects a taken email with EmailTaken, whatever its case, and keeps the first account', async () => {
    const first = newUser();
    await users.create(first);
    await expect(users.create(newUser({ email: first.email.toUpperCase() }))).rejects.toBeInstanceOf(EmailTaken);
    expect(await users.findByEmail(first.email)).toEqual(first);
  });

  it('lets exactly one of concurrent registrations of one email through', async () => {
    const email = `${randomUUID()}@example.com`;
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => users.create(newUser({ email }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(EmailTaken);
  });

  it('starts the token version at 0 and moves it on by one per bump, concurrent bumps included, for that user only', async () => {
    const user = newUser();
    const other = newUser();
    await users.create(user);
    await users.create(other);
    expect(await users.findAuthState(user.id)).toEqual({ role: 'user', disabled: false, tokenVersion: 0 });
    await Promise.all(Array.from({ length: 10 }, () => users.bumpTokenVersion(user.id)));
    expect(await users.findAuthState(user.id)).toMatchObject({ tokenVersion: 10 });
    expect(await users.findAuthState(other.id)).toMatchObject({ tokenVersion: 0 });
  });

  it('changes only the access fields named, and nothing for an empty change', async () => {
    const user = newUser();
    await users.create(user);
    await users.updateAccess(user.id, { disabled: true });
    expect(await users.findAuthState(user.id)).toEqual({ role: 'user', disabled: true, tokenVersion: 0 });
    await users.updateAccess(user.id, { role: 'admin' });
    expect(await users.findAuthState(user.id)).toEqual({ role: 'admin', disabled: true, tokenVersion: 0 });
    await users.updateAccess(user.id, {});
    await users.updateAccess(user.id, { disabled: false });
    expect(await users.findById(user.id)).toEqual({ ...user, role: 'admin', disabled: false });
  });

  it('replaces the key bundle and key version, leaving the login proof and KDF alone', async () => {
    const user = newUser();
    await users.create(user);
    const next = keys();
    await users.replaceKeys(user.id, next, 2);
    expect(await users.findById(user.id)).toEqual({ ...user, keys: next, keyVersion: 2 });
  });

  it('replaces the password: login proof, KDF and encrypted private keys, keeping the public keys and key version', async () => {
    const user = newUser();
    await users.create(user);
    const kdf = { algorithm: 'argon2id' as const, salt: randomBytes(16), memoryKiB: 131072, iterations: 4, parallelism: 2 };
    const change = { authKeyHash: 'new-hash', kdf, classicalPrivEncrypted: randomBytes(60), pqPrivEncrypted: randomBytes(2428) };
    await users.replacePassword(user.id, change);
    expect(await users.findById(user.id)).toEqual({
      ...user,
      authKeyHash: 'new-hash',
      kdf,
      keys: { ...user.keys, classicalPrivEncrypted: change.classicalPrivEncrypted, pqPrivEncrypted: change.pqPrivEncrypted },
    });
  });

  it("joins the caller's transaction: a registration rolled back with it leaves no account", async () => {
    const user = newUser();
    const failure = new Error('rolled back');
    await expect(
      h.uow.run(async () => {
        await users.create(user);
        expect(await users.findById(user.id)).toEqual(user);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await users.findById(user.id)).toBeUndefined();
    expect(await users.findByEmail(user.email)).toBeUndefined();
  });
});
