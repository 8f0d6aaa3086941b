import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyRotationBodyLimit, keyRotationBodyLimitFor } from '../../src/auth/key-rotation-limit';
import { Api, envelope, keyBundle, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { openRequest } from '../utils/raw-http';

const MiB = 1024 * 1024;

/**
 * What one request may cost is bounded by what its caller is allowed: a free account's key
 * rotation is read only up to what a free account can need, and validation stops early and
 * answers briefly however hostile the body.
 */
describe('request cost bounded by the caller', () => {
  let t: TestApp;
  let api: Api;
  let free: TestUser;
  let team: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
    free = await api.register();
    team = await api.register();
    await t.db.pool.query(`INSERT INTO tier_overrides (user_id, tier) VALUES ($1, 'team')`, [team.userId]);
  });
  afterAll(() => t?.close());

  /** Sends the headers and 16 KiB of a body announced as `declared` bytes; the answer must come anyway. */
  async function partialBody(token: string, declared: number | 'chunked', sent = 16 * 1024) {
    const length: Record<string, string | number> = declared === 'chunked' ? { 'transfer-encoding': 'chunked' } : { 'content-length': declared };
    const req = openRequest(`${t.baseUrl}/api/auth/keys`, 'PUT', { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...length });
    await req.write(Buffer.alloc(sent, 0x20));
    const answer = await req.answer;
    req.destroy();
    if ('closed' in answer) throw new Error('connection closed without an answer');
    return { status: answer.status, body: JSON.parse(answer.body) as Record<string, unknown> };
  }

  it("refuses a free account's rotation body over what 100 maps need, from its Content-Length, before reading it", async () => {
    const freeLimit = keyRotationBodyLimitFor(t.config.tiers.free);
    expect(freeLimit).toBe(16 * 1024 + 100 * 4 * 1024);
    expect(keyRotationBodyLimit(t.config)).toBeGreaterThan(30 * MiB);
    const res = await partialBody(free.accessToken, 3 * MiB);
    expect(res).toEqual({
      status: 413,
      body: { statusCode: 413, error: 'PayloadTooLarge', code: 'BODY_TOO_LARGE', message: `request body over ${freeLimit} bytes`, limitBytes: freeLimit },
    });
  });

  it('cuts a chunked rotation body as it passes the caller limit', async () => {
    const res = await partialBody(free.accessToken, 'chunked', keyRotationBodyLimitFor(t.config.tiers.free) + 64 * 1024);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'BODY_TOO_LARGE', limitBytes: keyRotationBodyLimitFor(t.config.tiers.free) });
  });

  it("reads a team account's body of the same size: the limit follows the caller's plan", async () => {
    const maps = Array.from({ length: 600 }, () => ({ id: crypto.randomUUID(), envelope: envelope() }));
    const json = { currentAuthKey: team.authKey, keys: keyBundle(), keyVersion: 2, maps };
    expect(JSON.stringify(json).length).toBeGreaterThan(keyRotationBodyLimitFor(t.config.tiers.free));
    const asTeam = await api.request('PUT', '/api/auth/keys', { token: team.accessToken, json });
    expect(asTeam.body).toMatchObject({ statusCode: 404, code: 'MAP_NOT_FOUND' });
    const asFree = await api.request('PUT', '/api/auth/keys', { token: free.accessToken, json: { ...json, currentAuthKey: free.authKey } });
    expect(asFree.body).toMatchObject({ statusCode: 413, code: 'BODY_TOO_LARGE' });
  });

  it('answers 400, not 500, to a 38 MiB base64 field', async () => {
    const json = { currentAuthKey: 'A'.repeat(38 * MiB), keys: keyBundle(), keyVersion: 2, maps: [] };
    const res = await api.request('PUT', '/api/auth/keys', { token: team.accessToken, json });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'currentAuthKey' }] });
  });

  it('refuses unknown properties at the first one, naming it, however many there are', async () => {
    const body: Record<string, unknown> = { email: 'someone@example.com', authKey: randomBytes(32).toString('base64') };
    for (let i = 0; i < 5000; i++) body[`x${i}`] = 1; // about 50 KB, within the 64 KiB limit
    const res = await api.request('POST', '/api/auth/login', { json: body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'BadRequest',
      code: 'VALIDATION_FAILED',
      message: 'request validation failed',
      details: [{ field: 'x0', messages: ['property x0 should not exist'] }],
    });
  });

  it('names an unknown property inside a nested object by its path', async () => {
    const maps = [{ id: crypto.randomUUID(), envelope: { ...envelope(), extra: true } }];
    const res = await api.request('PUT', '/api/auth/keys', { token: free.accessToken, json: { currentAuthKey: free.authKey, keys: keyBundle(), keyVersion: 2, maps } });
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'maps.0.envelope.extra', messages: ['property extra should not exist'] }] });
  });

  it('lists at most 20 problems, and says how many there were', async () => {
    const maps = Array.from({ length: 100 }, () => ({ id: 'not-a-uuid', envelope: {}, versionEnvelopes: [{}, {}] }));
    const res = await api.request<{ details: unknown[]; message: string }>('PUT', '/api/auth/keys', {
      token: free.accessToken,
      json: { currentAuthKey: free.authKey, keys: keyBundle(), keyVersion: 2, maps },
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toHaveLength(20);
    expect(res.body.message).toMatch(/^request validation failed \(the first 20 of \d+ problems\)$/);
    expect(JSON.stringify(res.body).length).toBeLessThan(8 * 1024);
  });
});
