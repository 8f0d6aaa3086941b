import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_STRIPE_ENV } from '../fakes/fake-payment-provider';
import { makeAdmin } from '../utils/admin';
import { Api, kdf, keyBundle, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

/** Each refusal is the one docs/api.md names, never a neighbour's code or a 500. */
describe('documented refusals', () => {
  let t: TestApp;
  let api: Api;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { ...TEST_STRIPE_ENV } });
    api = new Api(t.baseUrl);
    user = await api.register();
  });
  afterAll(() => t?.close());

  it('refuses uploads past MAX_CONCURRENT_UPLOADS with 429 TOO_MANY_UPLOADS, never a 413 far below the quota', async () => {
    const owner = await api.register();
    const maps = await Promise.all(Array.from({ length: 8 }, () => api.createMap(owner, { maxVersions: 50 })));
    const refusals: unknown[] = [];
    // The wrong reason came from a second read after the refusal, when an upload ended between
    // the two: rounds of 8 uploads (4 allowed at once) ending at about the same time.
    for (let round = 0; round < 15; round++) {
      const results = await Promise.all(maps.map((map) => api.upload(owner, map.id, randomBytes(1024))));
      for (const res of results) {
        if (res.status === 201) continue;
        refusals.push(res.body);
        expect(res.body, `round ${round}`).toMatchObject({ statusCode: 429, code: 'TOO_MANY_UPLOADS', maxConcurrent: 4 });
      }
    }
    expect(refusals.length).toBeGreaterThan(0);
  });

  it.each([
    ['text/plain', '{"email":"a@example.com"}'],
    ['application/octet-stream', '{"email":"a@example.com"}'],
    ['application/x-www-form-urlencoded', 'email=a@example.com'],
  ])('answers 415 UNSUPPORTED_MEDIA_TYPE to a %s body on a JSON route', async (type, body) => {
    for (const [method, path, token] of [
      ['POST', '/api/auth/prelogin', undefined],
      ['POST', '/api/mindmaps', user.accessToken],
    ] as const) {
      const res = await api.request(method, path, { token, body: Buffer.from(body), headers: { 'content-type': type } });
      expect(res.status, `${type} ${path}`).toBe(415);
      expect(res.body).toMatchObject({ statusCode: 415, error: 'UnsupportedMediaType', code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
  });

  it('still takes octet-stream on the upload route, and refuses JSON there with 415', async () => {
    const map = await api.createMap(user);
    expect((await api.upload(user, map.id, randomBytes(64))).status).toBe(201);
    const json = await api.upload(user, map.id, Buffer.from('{}'), { 'content-type': 'application/json' });
    expect(json.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers 400 to NUL and other control characters in a query, a path or a body, not a 500', async () => {
    const admin = await api.register();
    await makeAdmin(t, admin);
    for (const query of ['%00', 'a%01b', '%7F', '%C2%85']) {
      const res = await api.request('GET', `/api/admin/users?query=${query}`, { token: admin.accessToken });
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'query' }] });
    }
    expect((await api.request('GET', '/api/admin/users?query=ok', { token: admin.accessToken })).status).toBe(200);
    const login = await api.request('POST', '/api/auth/login', { json: { email: 'a\u0000@example.com', authKey: randomBytes(32).toString('base64') } });
    expect(login.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: [{ field: 'email' }] });
    const prelogin = await api.request('POST', '/api/auth/prelogin', { json: { email: 'a@example.com\u001f' } });
    expect(prelogin.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: [{ field: 'email' }] });
  });

  it('answers 400 to a correctly signed webhook event without an id, and applies nothing', async () => {
    const payload = JSON.stringify({ object: 'event', type: 'invoice.payment_failed', created: Math.floor(Date.now() / 1000), data: { object: { id: 'in_1', customer: 'cus_1' } } });
    const signature = new Stripe(TEST_STRIPE_ENV.STRIPE_SECRET_KEY).webhooks.generateTestHeaderString({ payload, secret: TEST_STRIPE_ENV.STRIPE_WEBHOOK_SECRET });
    const res = await api.request('POST', '/api/billing/webhook', { body: Buffer.from(payload), headers: { 'content-type': 'application/json', 'stripe-signature': signature } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'id' }] });
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM processed_billing_events');
    expect(rows[0].n).toBe(0);
  });

  it('lets exactly 5 login attempts on one account through at the default settings, as documented', async () => {
    const email = `throttle-${randomBytes(4).toString('hex')}@example.com`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await api.request('POST', '/api/auth/login', { json: { email, authKey: randomBytes(32).toString('base64') } })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('registers one account per person: lookalike emails are refused, compatibility forms and case are the same account', async () => {
    const local = `ada${randomBytes(3).toString('hex')}`;
    const ada = await api.register(`${local}@example.com`);
    const fullWidth = [...local].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
    const again = (email: string) => api.request('POST', '/api/auth/register', { json: { email, authKey: randomBytes(32).toString('base64'), kdf: kdf(), keys: keyBundle() } });
    for (const email of [`${local.toUpperCase()}@EXAMPLE.COM`, `${fullWidth}@example.com`]) {
      expect((await again(email)).body, email).toMatchObject({ statusCode: 409, code: 'EMAIL_TAKEN' });
    }
    for (const email of [`${local}\u200b@example.com`, `"${local}"@example.com`, `${local.replace('a', '\u0430')}@example.com`, `${local}@ex\u0430mple.com`, '\u0430\u0441\u0435@example.com']) {
      const res = await again(email);
      expect(res.body, JSON.stringify(email)).toMatchObject({ statusCode: 400, error: 'BadRequest', code: 'EMAIL_NOT_ACCEPTED' });
    }
    // Signing in takes any spelling that normalises to the address.
    const login = await api.request('POST', '/api/auth/login', { json: { email: `${fullWidth.toUpperCase()}@Example.com`, authKey: ada.authKey } });
    expect(login.status).toBe(200);
  });
});
