import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmAdminDirectory } from '../../../src/admin/adapters/typeorm-admin-directory';
import { AdminDirectory, UserOverview } from '../../../src/admin/ports/admin-directory';
import { repositoryHarness, RepositoryHarness } from './repository-harness';

/** A prefix no other test's emails share. */
const prefix = () => `p${randomBytes(6).toString('hex')}`;

describe('AdminDirectory contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let directory: AdminDirectory;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: AdminDirectory, useClass: TypeOrmAdminDirectory }]);
    directory = h.app.get(AdminDirectory);
  });
  afterAll(() => h?.close());

  async function users(emails: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const email of emails) ids.push(await h.newUser({ email }));
    return ids;
  }

  async function listAll(emailPrefix: string, limit: number): Promise<UserOverview[]> {
    const seen: UserOverview[] = [];
    for (let page = await directory.listUsers(emailPrefix, limit); ; ) {
      expect(page.length).toBeLessThanOrEqual(limit);
      seen.push(...page);
      if (page.length < limit) return seen;
      page = await directory.listUsers(emailPrefix, limit, page[page.length - 1].email);
    }
  }

  it("shows a user's account, stored bytes and map count, and nothing for an unknown id", async () => {
    const email = `${prefix()}@example.com`;
    const id = await h.newUser({ email, role: 'admin', disabled: true });
    const created = (await h.db.pool.query<{ created_at: Date }>('SELECT created_at FROM users WHERE id = $1', [id])).rows[0].created_at;
    expect(await directory.findUser(id)).toEqual({ id, email, role: 'admin', disabled: true, createdAt: created, usageBytes: 0, mapCount: 0, twoFactor: false });

    await h.newMap(id);
    await h.newMap(id);
    await h.newMap(await h.newUser());
    await h.db.pool.query('INSERT INTO user_usage (user_id, usage_bytes) VALUES ($1, $2)', [id, 5 * 2 ** 40]);
    expect(await directory.findUser(id)).toMatchObject({ usageBytes: 5 * 2 ** 40, mapCount: 2 });
    expect(await directory.findUser(randomUUID())).toBeUndefined();
  });

  it('lists users whose email starts with the prefix, whatever its case, in email order, at most `limit`', async () => {
    const p = prefix();
    const emails = [`${p}b@example.com`, `${p}a@example.com`, `${p}c@example.org`];
    await users([...emails, `x${p}a@example.com`]);
    const sorted = [...emails].sort();
    expect((await directory.listUsers(p, 10)).map((u) => u.email)).toEqual(sorted);
    expect((await directory.listUsers(p.toUpperCase(), 10)).map((u) => u.email)).toEqual(sorted);
    expect((await directory.listUsers(p, 2)).map((u) => u.email)).toEqual(sorted.slice(0, 2));
    expect((await directory.listUsers(`${p}c`, 10)).map((u) => u.email)).toEqual([`${p}c@example.org`]);
    expect(await directory.listUsers(`${p}z`, 10)).toEqual([]);
  });

  it('pages users after the last email with no gap or repeat, whatever the page size', async () => {
    const p = prefix();
    const ids = await users(Array.from({ length: 7 }, (_, i) => `${p}${String.fromCharCode(97 + i)}@example.com`));
    for (const limit of [1, 2, 3, 7]) expect((await listAll(p, limit)).map((u) => u.id)).toEqual(ids);
    expect(await directory.listUsers(p, 10, `${p}g@example.com`)).toEqual([]);
  });

  it('matches %, _ and \\ in a prefix literally', async () => {
    const p = prefix();
    const [underscore, percent, backslash] = [`${p}_x@example.com`, `${p}%x@example.com`, `${p}\\x@example.com`];
    await users([underscore, percent, backslash, `${p}ax@example.com`, `${p}aax@example.com`]);
    expect((await directory.listUsers(`${p}_`, 10)).map((u) => u.email)).toEqual([underscore]);
    expect((await directory.listUsers(`${p}%`, 10)).map((u) => u.email)).toEqual([percent]);
    expect((await directory.listUsers(`${p}\\`, 10)).map((u) => u.email)).toEqual([backslash]);
  });

  it('counts users, maps and versions, and the bytes of every stored version', async () => {
    const before = await directory.totals();
    const owner = await h.newUser();
    const map = await h.newMap(owner);
    await h.newVersion(map, 1000);
    await h.newVersion(map, 234);
    await h.newMap(owner);
    expect(await directory.totals()).toEqual({
      users: before.users + 1,
      maps: before.maps + 2,
      versions: before.versions + 2,
      storedBytes: before.storedBytes + 1234,
    });
  });
});
