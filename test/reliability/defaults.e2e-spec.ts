import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKdfParams } from '../../src/auth/prelogin-params';
import { Api, eventually, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { captureProcessOutput } from '../utils/process-output';
import { signJwt } from '../utils/jwt';
import { openRequest } from '../utils/raw-http';

/** The JWT secret every install shared before secrets were generated: published in the source. */
const OLD_BUILT_IN_SECRET = 'mindvault-development-secret-change-me-please';

/**
 * No usable defaults: without JWT_SECRET/PRELOGIN_SECRET each install has secrets of its own, and
 * nothing forged or predicted with the old public one works; the docs can be switched off; a
 * client that hangs up is logged as that, not as a server fault.
 */
describe('defaults', () => {
  let t: TestApp;
  let api: Api;
  let user: TestUser;
  const logs: string[] = [];
  let stopCapture: (() => void) | undefined;

  beforeAll(async () => {
    stopCapture = captureProcessOutput(logs);
    t = await createTestApp({ env: { LOG_LEVEL: 'info' } });
    api = new Api(t.baseUrl);
    user = await api.register();
  });
  afterAll(async () => {
    await t?.close();
    stopCapture?.();
  });

  it('refuses an access token forged with the old built-in secret', async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = signJwt({ sub: user.userId, iat: now, exp: now + 600 }, OLD_BUILT_IN_SECRET);
    const res = await api.request('GET', '/api/mindmaps', { token: forged });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect((await api.request('GET', '/api/mindmaps', { token: user.accessToken })).status).toBe(200);
  });

  it('derives prelogin fakes from their own secret, neither the JWT secret nor the old built-in one', async () => {
    const email = 'nobody-at-all@example.com';
    const res = await api.request<{ kdf: { salt: string } }>('POST', '/api/auth/prelogin', { json: { email } });
    expect(res.status).toBe(200);
    const salt = (secret: string) => fakeKdfParams(secret, email).salt.toString('base64');
    expect(res.body.kdf.salt).toBe(salt(t.config.auth.preloginSecret));
    expect(res.body.kdf.salt).not.toBe(salt(OLD_BUILT_IN_SECRET));
    expect(res.body.kdf.salt).not.toBe(salt(t.config.auth.jwtSecret));
  });

  it('logs a client that hangs up mid-body as such, with no error and no stack', async () => {
    const before = logs.length;
    for (const path of ['/api/auth/login', '/api/mindmaps']) {
      const req = openRequest(t.baseUrl + path, 'POST', {
        'content-type': 'application/json',
        'content-length': 4000,
        authorization: `Bearer ${user.accessToken}`,
      });
      await req.write('{"email": "');
      req.destroy();
      await req.closed;
    }
    await eventually(async () => logs.slice(before).join('').split('client closed the connection').length === 3);
    const said = logs.slice(before).join('');
    expect(said).toContain('POST /api/auth/login');
    expect(said).toContain('POST /api/mindmaps');
    expect(said).not.toMatch(/ERROR|INTERNAL|\bat .*\.js:\d+/);
  });
});

describe('docs switched off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SWAGGER_ENABLED: 'false' } });
  });
  afterAll(() => t?.close());

  it('serves neither the Swagger UI nor the OpenAPI document', async () => {
    for (const path of ['/docs', '/docs-json']) {
      const res = await fetch(t.baseUrl + path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('NOT_FOUND');
    }
  });
});

describe('deployment files', () => {
  const compose = readFileSync('docker-compose.yml', 'utf8');

  it('commit no credentials: every secret in docker-compose.yml comes from the environment, listed in .env.example', () => {
    const secrets = [...compose.matchAll(/^\s+([A-Z0-9_]*(?:PASSWORD|SECRET|ACCESS_KEY|SECRET_KEY|ROOT_USER)[A-Z0-9_]*):\s*(.+)$/gm)];
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    for (const [, name, value] of secrets) expect(value, name).toMatch(/^\$\{[A-Z0-9_]+(:[?-][^}]*)?\}$/);
    expect(compose).not.toMatch(/postgres:\/\/[^:]+:(?!\$\{)[^@]+@/);
    const example = readFileSync('.env.example', 'utf8');
    for (const name of ['JWT_SECRET', 'PRELOGIN_SECRET', 'POSTGRES_PASSWORD', 'S3_ACCESS_KEY', 'S3_SECRET_KEY']) expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
  });

  it('publish the API only: no storage console, and any other port on loopback', () => {
    const published = [...compose.matchAll(/ports:\s*\[([^\]]*)\]/g)].map((m) => m[1]);
    expect(published.filter((port) => !port.startsWith('"127.0.0.1:'))).toEqual(['"3000:3000"']);
    expect(compose).not.toContain('console-address');
    expect(compose).toMatch(/MINIO_BROWSER: "off"/);
  });
});
