import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Api } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { openRequest } from '../utils/raw-http';

const redisUrl = inject('redisUrl');
const MiB = 1024 * 1024;

/**
 * Limits that hold behind a proxy and across processes: the per-IP budget follows X-Forwarded-For
 * only from a trusted proxy, lives in Redis when there is one (one budget for every API process),
 * and logins also slow down per account, whichever addresses the guesses come from.
 */
describe('rate limits', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });
  async function app(env: Record<string, string>) {
    const t = await createTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '3', ...env } });
    apps.push(t);
    return { t, api: new Api(t.baseUrl) };
  }
  const prelogin = (api: Api, forwardedFor?: string) =>
    api.request('POST', '/api/auth/prelogin', {
      json: { email: 'someone@example.com' },
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    });
  const statuses = async (requests: (() => Promise<{ status: number }>)[]) => {
    const out: number[] = [];
    for (const send of requests) out.push((await send()).status);
    return out;
  };

  it('ignores X-Forwarded-For from an untrusted peer: every address it names shares the peer’s budget', async () => {
    const { api } = await app({});
    const answers = await statuses(['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'].map((ip) => () => prelogin(api, ip)));
    expect(answers).toEqual([200, 200, 200, 429]);
  });

  it('honours X-Forwarded-For from a trusted proxy, taking the nearest address the proxy did not vouch for', async () => {
    const { api } = await app({ TRUST_PROXY: '127.0.0.1/32' });
    expect(await statuses([1, 2, 3, 4].map(() => () => prelogin(api, '1.1.1.1')))).toEqual([200, 200, 200, 429]);
    const limited = await prelogin(api, '1.1.1.1');
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'TooManyRequests', code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another client behind the same proxy has its own budget …
    expect((await prelogin(api, '2.2.2.2')).status).toBe(200);
    // … and a client cannot escape its own by writing another address in front of it.
    expect((await prelogin(api, '9.9.9.9, 1.1.1.1')).status).toBe(429);
  });

  it('answers 429 before reading the body', async () => {
    const { t, api } = await app({});
    await statuses([1, 2, 3].map(() => () => prelogin(api)));
    const req = openRequest(`${t.baseUrl}/api/auth/prelogin`, 'POST', { 'content-type': 'application/json', 'content-length': 16 * MiB });
    await req.write(Buffer.alloc(1024, 0x20));
    const answer = await req.answer;
    req.destroy();
    expect(answer).toMatchObject({ status: 429 });
  });

  // The attempt that earns a wait and the ones judged by it are sent together: sent one after the
  // other, the wait (1 s for the first) could be over before the next arrives on a slow machine,
  // since each answer waits for an Argon2 verification. Whichever is counted first earns the wait.
  it('slows down logins per account, whatever address they come from, and for unknown emails alike', async () => {
    const { api } = await app({ TRUST_PROXY: '127.0.0.1', LOGIN_FREE_ATTEMPTS: '3', AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
    const user = await api.register();
    let ip = 0;
    const login = (email: string, authKey: string) =>
      api.request('POST', '/api/auth/login', { json: { email, authKey }, headers: { 'x-forwarded-for': `10.0.0.${++ip}` } });
    const wrong = () => randomBytes(32).toString('base64');
    for (const email of [user.email, 'nobody-here@example.com']) {
      // Exactly the three free attempts are answered normally (the third starts a one-second wait) …
      expect(await statuses([1, 2].map(() => () => login(email, wrong())))).toEqual([401, 401]);
      const [third, fourth] = await Promise.all([login(email, wrong()), login(email, wrong())]);
      // … then the account waits, whichever address asks, the same for a real and an unknown email.
      expect([third.status, fourth.status].sort()).toEqual([401, 429]);
      const throttled = third.status === 429 ? third : fourth;
      expect(throttled.body).toMatchObject({ statusCode: 429, code: 'LOGIN_THROTTLED', retryAfterS: 1 });
      expect(throttled.headers.get('retry-after')).toBe('1');
    }
    // Two more counted attempts, each after the wait before it, earn 2 s and then 4 s: long enough
    // that the right key, sent next, is judged inside the wait however slow the machine is.
    expect(await eventuallyStatus(() => login(user.email, wrong()), 401)).toBe(401);
    expect(await eventuallyStatus(() => login(user.email, wrong()), 401)).toBe(401);
    const waiting = await login(user.email, user.authKey);
    expect(waiting.body).toMatchObject({ statusCode: 429, code: 'LOGIN_THROTTLED' });
    // Once the wait is over it signs in, and the count starts over.
    expect(await eventuallyStatus(() => login(user.email, user.authKey), 200)).toBe(200);
    expect(await statuses([1, 2, 3].map(() => () => login(user.email, wrong())))).toEqual([401, 401, 401]);
  });

  it.skipIf(!redisUrl)('shares one budget, and one account count, between two API processes on one Redis', async () => {
    const env = { REDIS_URL: redisUrl, QUEUE_PREFIX: `mvrl-${randomBytes(4).toString('hex')}`, LOGIN_FREE_ATTEMPTS: '2', AUTH_RATE_LIMIT_PER_MINUTE: '6' };
    const [a, b] = [await app(env), await app(env)];
    const answers = await statuses([a, b, a, b, a, b, a, b].map(({ api }) => () => prelogin(api)));
    expect(answers).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);

    const other = { REDIS_URL: redisUrl, QUEUE_PREFIX: `mvrl-${randomBytes(4).toString('hex')}`, LOGIN_FREE_ATTEMPTS: '2' };
    const [c, d] = [await app(other), await app(other)];
    const email = 'shared-account@example.com';
    const login = (api: Api) => api.request('POST', '/api/auth/login', { json: { email, authKey: randomBytes(32).toString('base64') } });
    // One free attempt on c, then one on each process at once: the first counted earns a wait the
    // others are judged by, which only a shared count can give (apart, each would answer 401).
    expect((await login(c.api)).status).toBe(401);
    const together = await Promise.all([d, c, d].map(({ api }) => login(api)));
    expect(together.map((r) => r.status).sort()).toEqual([401, 429, 429]);
  });
});

/** Repeats `send` until it answers `status` (a wait of the server's choosing, e.g. Retry-After). */
async function eventuallyStatus(send: () => Promise<{ status: number }>, status: number, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await send();
    if (res.status === status || Date.now() > deadline) return res.status;
    await new Promise((done) => setTimeout(done, 100));
  }
}
