import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentProvider } from '../../src/billing/ports/payment-provider';
import { FakePaymentProvider, TEST_STRIPE_ENV } from '../fakes/fake-payment-provider';
import { Api, envelope, kdf, keyBundle, MapDetail, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { captureProcessOutput } from '../utils/process-output';
import { signJwt, unsignedJwt } from '../utils/jwt';
import { checkAnswer, OpenApiDocument } from './fuzzer';

/**
 * Security sweep over the whole documented surface: every bearer route tried with another user's
 * ids and with forged tokens, refresh-token families, security headers, and the logs of the whole
 * suite (at the most verbose level) searched for anything secret.
 */
describe('security', () => {
  let t: TestApp;
  let api: Api;
  let doc: OpenApiDocument;
  const logs: string[] = [];
  const secrets = new Set<string>();
  let stopCapture: (() => void) | undefined;

  beforeAll(async () => {
    stopCapture = captureProcessOutput(logs);
    t = await createTestApp({
      blob: 's3',
      env: { ...TEST_STRIPE_ENV, LOG_LEVEL: 'trace' },
      overrides: [{ provide: PaymentProvider, useValue: new FakePaymentProvider() }],
    });
    api = new Api(t.baseUrl);
    doc = (await (await fetch(`${t.baseUrl}/docs-json`)).json()) as OpenApiDocument;
  });

  afterAll(async () => {
    await t?.close();
    stopCapture?.();
  });

  /** A user with a map, two saved versions and a share, every secret of it remembered for the log check. */
  async function victim(): Promise<{ user: TestUser; map: MapDetail; versions: string[]; share: { shareId: string; token: string }; bytes: Buffer[] }> {
    const user = await api.register();
    const map = await api.createMap(user);
    const bytes = [randomBytes(3000), randomBytes(4000)];
    const versions: string[] = [];
    for (const b of bytes) {
      const res = await api.upload(user, map.id, b);
      expect(res.status).toBe(201);
      versions.push(res.body.versionId);
    }
    const share = await api.request<{ shareId: string; token: string }>('POST', `/api/mindmaps/${map.id}/shares`, {
      token: user.accessToken,
      json: { envelope: envelope(), keyVersion: 1 },
    });
    expect(share.status).toBe(201);
    for (const s of [user.accessToken, user.refreshToken, user.refreshToken.split('.')[1], user.authKey, map.encryptedTitle, share.body.token]) {
      secrets.add(s);
    }
    for (const v of Object.values(map.envelope)) secrets.add(v);
    for (const b of bytes) secrets.add(b.toString('base64')).add(b.toString('hex').slice(0, 64));
    return { user, map, versions, share: share.body, bytes };
  }

  /**
   * Every bearer route but logout-all, which names nothing of anyone and would end the caller's own
   * sessions mid-sweep (test/e2e/sessions.e2e-spec.ts covers it).
   */
  function bearerOperations(): { method: string; path: string }[] {
    return Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.security?.some((s) => 'bearer' in s) && path !== '/api/auth/logout-all')
        .map(([method]) => ({ method: method.toUpperCase(), path })),
    );
  }

  it('leaks nothing of one user to another on any bearer route', async () => {
    const a = await victim();
    const b = await api.register();
    const bMap = await api.createMap(b);
    const before = await api.request<MapDetail>('GET', `/api/mindmaps/${a.map.id}`, { token: a.user.accessToken });

    const operations = bearerOperations();
    expect(operations.length).toBeGreaterThan(10);
    const answers: { route: string; status: number; body: unknown }[] = [];
    for (const { method, path } of operations) {
      // Every id in the path is A's: her map, her version, her share, her user id.
      for (const mapId of [a.map.id, bMap.id]) {
        const filled = path
          .replace('{id}', path.startsWith('/api/admin/users') ? a.user.userId : mapId)
          .replace('{versionId}', a.versions[0])
          .replace('{shareId}', a.share.shareId);
        if (filled === path && mapId === bMap.id) continue;
        const json = bodyFor(method, path, a, b);
        const res = path.endsWith('/blob') && method === 'PUT'
          ? await api.upload(b, filled.split('/')[3], randomBytes(100))
          : await api.request(method, filled + (method === 'GET' && path.endsWith('/blob') ? `?versionId=${a.versions[0]}` : ''), {
              token: b.accessToken,
              json,
            });
        answers.push({ route: `${method} ${filled}`, status: res.status, body: res.body });
      }
    }
    const leaks = answers.filter((x) => {
      const text = Buffer.isBuffer(x.body) ? x.body.toString('latin1') : JSON.stringify(x.body);
      const echoesA = [a.map.id, a.map.encryptedTitle, a.versions[0], a.versions[1], a.share.shareId, a.share.token, ...Object.values(a.map.envelope)]
        .some((s) => text.includes(s));
      const bytesOfA = Buffer.isBuffer(x.body) && a.bytes.some((bytes) => (x.body as Buffer).includes(bytes.subarray(0, 64)));
      // Routes on A's things must fail; the only successes allowed are B's own lists and reads.
      const touchedA = x.route.includes(a.map.id) || x.route.includes(a.versions[0]) || x.route.includes(a.share.shareId) || x.route.includes(a.user.userId);
      return echoesA || bytesOfA || (touchedA && x.status < 400) || checkAnswer(x.status, x.body) !== undefined;
    });
    expect(leaks, JSON.stringify(leaks.slice(0, 5)).slice(0, 2000)).toEqual([]);
    for (const x of answers.filter((y) => y.route.includes(a.map.id) && !y.route.includes('/api/admin/'))) {
      expect([404], x.route).toContain(x.status);
    }

    // And nothing of A changed: her map, versions, share and usage are as they were.
    const after = await api.request<MapDetail>('GET', `/api/mindmaps/${a.map.id}`, { token: a.user.accessToken });
    expect(after.body).toEqual(before.body);
    const shared = await api.request('GET', `/api/public/shares/${a.share.token}`);
    expect(shared.status).toBe(200);
    const usage = await t.db.pool.query('SELECT user_id, usage_bytes FROM user_usage WHERE user_id = ANY($1::uuid[])', [[a.user.userId, b.userId]]);
    const byUser = Object.fromEntries(usage.rows.map((r: { user_id: string; usage_bytes: string }) => [r.user_id, Number(r.usage_bytes)]));
    expect(byUser[a.user.userId]).toBe(7000);
    expect(byUser[b.userId] ?? 0).toBe(0);
  });

  it('answers 401 UNAUTHENTICATED to every forged, expired or foreign token on every bearer route', async () => {
    const user = await api.register();
    const other = await api.register();
    const secret = t.config.auth.jwtSecret;
    const now = Math.floor(Date.now() / 1000);
    const [header, payload, signature] = user.accessToken.split('.');
    const swapped = Buffer.from(JSON.stringify({ sub: other.userId, iat: now, exp: now + 600 })).toString('base64url');
    const forged: Record<string, string | undefined> = {
      missing: undefined,
      tamperedPayload: `${header}.${swapped}.${signature}`,
      badSignature: `${header}.${payload}.${signature.slice(0, -3)}abc`,
      expired: signJwt({ sub: user.userId, ver: 0, iat: now - 7200, exp: now - 60 }, secret),
      algNone: unsignedJwt({ sub: user.userId, iat: now, exp: now + 600 }),
      algNoneUpper: `${Buffer.from('{"alg":"NONE","typ":"JWT"}').toString('base64url')}.${payload}.`,
      otherKey: signJwt({ sub: user.userId, ver: 0, iat: now, exp: now + 600 }, randomBytes(32).toString('hex')),
      hs512SameKey: signJwt({ sub: user.userId, ver: 0, iat: now, exp: now + 600 }, secret, { alg: 'HS512', typ: 'JWT' }),
      unknownUser: signJwt({ sub: randomUUID(), ver: 0, iat: now, exp: now + 600 }, secret),
      subNotUuid: signJwt({ sub: "' OR 1=1 --", ver: 0, iat: now, exp: now + 600 }, secret),
      // Signed with the right key but never expiring: jsonwebtoken alone would take it.
      noExp: signJwt({ sub: user.userId, ver: 0, iat: now }, secret),
      refreshTokenAsAccess: user.refreshToken,
    };
    const failures: string[] = [];
    for (const { method, path } of bearerOperations()) {
      const filled = path.replace(/\{[^}]+\}/g, randomUUID());
      for (const [name, token] of Object.entries(forged)) {
        const res = await api.request(method, filled, { token, json: ['GET', 'DELETE'].includes(method) ? undefined : {} });
        if (res.status !== 401 || (res.body as { code?: string }).code !== 'UNAUTHENTICATED' || checkAnswer(res.status, res.body)) {
          failures.push(`${name} ${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 100)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('revokes the whole family, and only that family, when a spent refresh token comes back', async () => {
    const user = await api.register();
    const second = await api.request<{ accessToken: string; refreshToken: string }>('POST', '/api/auth/login', {
      json: { email: user.email, authKey: user.authKey },
    });
    const rotated = await api.request<{ refreshToken: string; accessToken: string }>('POST', '/api/auth/refresh', {
      json: { refreshToken: user.refreshToken },
    });
    expect(rotated.status).toBe(200);
    const reuse = await api.request('POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_REUSED');
    const successor = await api.request('POST', '/api/auth/refresh', { json: { refreshToken: rotated.body.refreshToken } });
    expect(successor.status).toBe(401);
    const otherFamily = await api.request('POST', '/api/auth/refresh', { json: { refreshToken: second.body.refreshToken } });
    expect(otherFamily.status).toBe(200);
  });

  it('sends helmet security headers on JSON, bytes, errors and docs alike', async () => {
    const a = await victim();
    const responses = [
      await fetch(`${t.baseUrl}/health`),
      await fetch(`${t.baseUrl}/api/mindmaps/${a.map.id}`, { headers: { authorization: `Bearer ${a.user.accessToken}` } }),
      await fetch(`${t.baseUrl}/api/mindmaps/${a.map.id}/blob`, { headers: { authorization: `Bearer ${a.user.accessToken}` } }),
      await fetch(`${t.baseUrl}/api/public/shares/${a.share.token}/blob`),
      await fetch(`${t.baseUrl}/api/mindmaps/${randomUUID()}`, { headers: { authorization: `Bearer ${a.user.accessToken}` } }),
      await fetch(`${t.baseUrl}/api/mindmaps`),
      await fetch(`${t.baseUrl}/no/such/route`),
      await fetch(`${t.baseUrl}/docs-json`),
    ];
    for (const res of responses) {
      await res.arrayBuffer();
      expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), res.url).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security'), res.url).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy'), res.url).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy'), res.url).toBe('same-origin');
      expect(res.headers.get('x-dns-prefetch-control'), res.url).toBe('off');
      expect(res.headers.get('x-powered-by'), res.url).toBeNull();
    }
  });

  it('never writes a token, authKey, key, title or ciphertext to the logs, even at the most verbose level', async () => {
    // Exercise the paths that log: sign-ups and sign-ins, saves, reads, shares, failures and a 5xx.
    const a = await victim();
    const login = await api.request<{ accessToken: string; refreshToken: string }>('POST', '/api/auth/login', {
      json: { email: a.user.email, authKey: a.user.authKey },
    });
    secrets.add(login.body.accessToken).add(login.body.refreshToken);
    await api.request('POST', '/api/auth/login', { json: { email: a.user.email, authKey: randomBytes(32).toString('base64') } });
    const refreshed = await api.request<{ refreshToken: string }>('POST', '/api/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
    secrets.add(refreshed.body.refreshToken);
    await api.request('POST', '/api/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
    const newKeys = keyBundle();
    const newKdf = kdf();
    for (const v of [...Object.values(newKeys), newKdf.salt]) secrets.add(v);
    const changed = await api.request<{ accessToken: string; refreshToken: string }>('PUT', '/api/auth/password', {
      token: a.user.accessToken,
      json: {
        currentAuthKey: a.user.authKey,
        newAuthKey: randomBytes(32).toString('base64'),
        kdf: newKdf,
        classicalPrivEncrypted: newKeys.classicalPrivEncrypted,
        pqPrivEncrypted: newKeys.pqPrivEncrypted,
        keyVersion: 1,
      },
    });
    // The password change ended every earlier session; the rest goes on with its new tokens.
    const owner = { ...a.user, ...changed.body };
    secrets.add(owner.accessToken).add(owner.refreshToken);
    await api.request('GET', `/api/mindmaps/${a.map.id}/blob`, { token: owner.accessToken });
    await api.request('GET', `/api/public/shares/${a.share.token}/blob`);
    await api.request('GET', `/api/public/shares/${a.share.token}x`);
    await api.request('POST', '/api/mindmaps', { token: owner.accessToken, json: { encryptedTitle: a.map.encryptedTitle, envelope: 'oops' } });
    // A 5xx: the blob store goes away mid-suite (it is the last test, nothing needs it after).
    await t.s3!.stop();
    const down = await api.upload(owner, a.map.id, a.bytes[0]);
    expect(down.status).toBe(503);
    await api.request('GET', `/api/mindmaps/${a.map.id}/blob`, { token: owner.accessToken });

    const captured = logs.join('');
    expect(captured.length).toBeGreaterThan(1000);
    expect(captured).toContain('BLOB_STORE_UNAVAILABLE');
    // The per-request lines are scanned too: the share token travels in that route's path.
    expect(captured).toContain('"route":"/api/public/shares/:token/blob"');
    const found = [...secrets].filter((s) => s.length >= 16 && captured.includes(s));
    expect(found.map((s) => `${s.slice(0, 12)}… (${s.length} chars)`)).toEqual([]);
    for (const bytes of a.bytes) expect(captured.includes(bytes.subarray(0, 48).toString('latin1'))).toBe(false);
  });
});

/** A body that would pass validation for the routes that need one, built around A's ids. */
function bodyFor(method: string, path: string, a: { map: MapDetail; versions: string[] }, b: TestUser): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (path === '/api/mindmaps/{id}' && method === 'PATCH') return { maxVersions: 5, encryptedTitle: randomBytes(20).toString('base64') };
  if (path === '/api/mindmaps/{id}/shares') return { envelope: envelope(), keyVersion: 1, versionId: a.versions[0] };
  if (path === '/api/auth/keys') return { currentAuthKey: b.authKey, keys: keyBundle(), keyVersion: 2, maps: [{ id: a.map.id, envelope: envelope() }] };
  if (path === '/api/admin/users/{id}') return { disabled: true };
  if (path === '/api/mindmaps') return { encryptedTitle: randomBytes(20).toString('base64'), envelope: envelope(), keyVersion: 1 };
  return {};
}
