import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LegacyEmailCheck } from '../../src/auth/legacy-email-check';
import { Api, kdf, keyBundle } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * Accounts registered before emails were normalised (docs/api.md, "Accounts registered before
 * normalisation"): the server stored the address lower-cased as sent, so one written with
 * full-width letters is not in normal form. Made here the way that server made them: registered,
 * then the row's email set to what it stored.
 */
describe('accounts registered before email normalisation', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  const sql = (text: string, params: unknown[] = []) => t.db.pool.query(text, params);
  const login = (email: string, authKey: string) => api.request<{ userId: string }>('POST', '/api/auth/login', { json: { email, authKey } });
  const prelogin = (email: string) => api.request<{ kdf: { salt: string } }>('POST', '/api/auth/prelogin', { json: { email } });

  it('keep signing in with their own address beside a newer account of the same normal form, and are never merged, renamed or deleted', async () => {
    const local = `ada${randomBytes(4).toString('hex')}`;
    const normal = `${local}@example.com`;
    // 'ａ' (U+FF41) for the first letter: the address an older server stored as sent.
    const legacyAddress = `\uff41${local.slice(1)}@example.com`;
    const legacy = await api.register(`old-${normal}`);
    // A newer account that took the normal form before registration refused it (see the next
    // test), made before the older one's address is planted: another account.
    const newer = await api.register(normal);
    expect(newer.userId).not.toBe(legacy.userId);
    await sql('UPDATE users SET email = $2 WHERE id = $1', [legacy.userId, legacyAddress]);
    const legacySalt = (await sql('SELECT kdf_salt FROM users WHERE id = $1', [legacy.userId])).rows[0].kdf_salt as Buffer;

    // It is found by its address as stored (every spelling of which normalises elsewhere since the rule).
    expect((await login(legacyAddress, legacy.authKey)).body.userId).toBe(legacy.userId);
    expect((await login(legacyAddress.toUpperCase(), legacy.authKey)).body.userId).toBe(legacy.userId);

    // Each is reached by its own address: the exact stored address first, then the normal form.
    expect((await login(legacyAddress, legacy.authKey)).body.userId).toBe(legacy.userId);
    expect((await login(normal, newer.authKey)).body.userId).toBe(newer.userId);
    expect((await login(normal.toUpperCase(), newer.authKey)).body.userId).toBe(newer.userId);
    expect((await login(normal, legacy.authKey)).status).toBe(401);
    expect(Buffer.from((await prelogin(legacyAddress)).body.kdf.salt, 'base64').equals(legacySalt)).toBe(true);
    expect(Buffer.from((await prelogin(normal)).body.kdf.salt, 'base64').equals(legacySalt)).toBe(false);

    // The start-up check names both sides of the shared normal form, and changes nothing.
    const found = await t.app.get(LegacyEmailCheck).report();
    expect(found).toContainEqual({ id: legacy.userId, sharesNormalFormWith: [newer.userId] });
    expect(found.map((a) => a.id)).not.toContain(newer.userId);
    const rows = (await sql('SELECT id, email FROM users WHERE id = ANY($1) ORDER BY created_at', [[legacy.userId, newer.userId]])).rows;
    expect(rows).toEqual([
      { id: legacy.userId, email: legacyAddress },
      { id: newer.userId, email: normal },
    ]);
    // And the address cannot be registered a third time in any spelling.
    const again = await api.request('POST', '/api/auth/register', { json: { email: legacyAddress, authKey: legacy.authKey, kdf: kdf(), keys: keyBundle() } });
    expect(again.body).toMatchObject({ statusCode: 409, code: 'EMAIL_TAKEN' });
  });

  it('a new registration cannot take the normal form of an older account, in any spelling, with the answer of a taken address', async () => {
    const local = `bob${randomBytes(4).toString('hex')}`;
    const normal = `${local}@example.com`;
    // 'ｂ' (U+FF42): stored as sent by an older server.
    const legacyAddress = `\uff42${local.slice(1)}@example.com`;
    const legacy = await api.register(`old-${normal}`);
    await sql('UPDATE users SET email = $2 WHERE id = $1', [legacy.userId, legacyAddress]);
    expect(await t.app.get(LegacyEmailCheck).find()).toContainEqual({ id: legacy.userId, sharesNormalFormWith: [] });
    // What the API does at start-up, for the accounts the upgrade finds.
    await t.app.get(LegacyEmailCheck).record();
    expect((await sql('SELECT normal_email FROM legacy_email_normal_forms WHERE user_id = $1', [legacy.userId])).rows).toEqual([{ normal_email: normal }]);

    const register = (email: string) => api.request('POST', '/api/auth/register', { json: { email, authKey: randomBytes(32).toString('base64'), kdf: kdf(), keys: keyBundle() } });
    const taken = await register((await api.register()).email);
    expect(taken.body).toMatchObject({ statusCode: 409, code: 'EMAIL_TAKEN' });
    for (const spelling of [normal, normal.toUpperCase(), `\uff22${local.slice(1).toUpperCase()}@EXAMPLE.COM`]) {
      const refused = await register(spelling);
      expect({ spelling, status: refused.status, body: refused.body }).toEqual({ spelling, status: taken.status, body: taken.body });
    }
    expect((await sql('SELECT id FROM users WHERE email = $1', [normal])).rows).toEqual([]);
    // The older account is untouched and still signs in by its own address.
    expect((await login(legacyAddress, legacy.authKey)).body.userId).toBe(legacy.userId);

    // Recording again changes nothing; once the older account is gone, its normal form is free.
    await t.app.get(LegacyEmailCheck).record();
    expect((await sql('SELECT count(*)::int AS n FROM legacy_email_normal_forms WHERE user_id = $1', [legacy.userId])).rows).toEqual([{ n: 1 }]);
    await sql('DELETE FROM users WHERE id = $1', [legacy.userId]);
    expect((await sql('SELECT count(*)::int AS n FROM legacy_email_normal_forms WHERE user_id = $1', [legacy.userId])).rows).toEqual([{ n: 0 }]);
    expect((await register(normal)).status).toBe(201);
  });
});
