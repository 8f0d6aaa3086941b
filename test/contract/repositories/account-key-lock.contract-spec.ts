import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmUserRepository } from '../../../src/auth/adapters/typeorm-user.repository';
import { UserRepository } from '../../../src/auth/ports/user.repository';
import { TransactionRequired } from '../../../src/database/unit-of-work';
import { TypeOrmAccountKeyLock } from '../../../src/keys/adapters/typeorm-account-key-lock';
import { AccountKeyLock } from '../../../src/keys/ports/account-key-lock';
import { holdOpen, repositoryHarness, RepositoryHarness } from './repository-harness';

const keys = () => ({
  classicalPublicKey: randomBytes(32),
  pqPublicKey: randomBytes(32),
  classicalPrivEncrypted: randomBytes(32),
  pqPrivEncrypted: randomBytes(32),
});

describe('AccountKeyLock contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let lock: AccountKeyLock;
  let users: UserRepository;

  beforeAll(async () => {
    h = await repositoryHarness([
      { provide: AccountKeyLock, useClass: TypeOrmAccountKeyLock },
      { provide: UserRepository, useClass: TypeOrmUserRepository },
    ]);
    lock = h.app.get(AccountKeyLock);
    users = h.app.get(UserRepository);
  });
  afterAll(() => h?.close());

  it("answers the account's key version and login proof inside a transaction, and undefined for an unknown account", async () => {
    const user = await h.newUser();
    expect(await h.uow.run(() => lock.lock(user))).toEqual({ keyVersion: 1, authKeyHash: 'hash' });
    expect(await h.uow.run(() => lock.lock(randomUUID()))).toBeUndefined();
  });

  it('refuses to lock outside a transaction', async () => {
    await expect(lock.lock(await h.newUser())).rejects.toBeInstanceOf(TransactionRequired);
  });

  it('runs key writes of one account one at a time: each sees the key version the one before left', async () => {
    const user = await h.newUser();
    await Promise.all(
      Array.from({ length: 8 }, () =>
        h.uow.run(async () => {
          const state = await lock.lock(user);
          await users.replaceKeys(user, keys(), state!.keyVersion + 1);
        }),
      ),
    );
    expect(await h.uow.run(() => lock.lock(user))).toMatchObject({ keyVersion: 9 });
  });

  it("holds the lock until the transaction ends, without holding up another account's writer", async () => {
    const user = await h.newUser();
    const other = await h.newUser();
    const holder = await holdOpen(h.uow, () => lock.lock(user));
    const stranger = h.uow.run(() => lock.lock(other));
    const strangerWaited = await h.waitsForLock(stranger);
    const second = h.uow.run(() => lock.lock(user));
    const secondWaited = await h.waitsForLock(second);
    holder.release();
    await Promise.all([holder.done, stranger, second]);
    expect(strangerWaited).toBe(false);
    expect(secondWaited).toBe(true);
  });

  it('does not hold up rows that reference the account (a save of a map goes on beside a rotation)', async () => {
    const user = await h.newUser();
    const holder = await holdOpen(h.uow, () => lock.lock(user));
    const map = h.newMap(user);
    const waited = await h.waitsForLock(map);
    holder.release();
    await Promise.all([holder.done, map]);
    expect(waited).toBe(false);
  });
});
