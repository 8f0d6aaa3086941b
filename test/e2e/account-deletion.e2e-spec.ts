import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentProvider } from '../../src/billing/ports/payment-provider';
import { BlobStore } from '../../src/storage/ports/blob-store';
import { userPrefix } from '../../src/storage/blob-key';
import { FakePaymentProvider, TEST_STRIPE_ENV } from '../fakes/fake-payment-provider';
import { auditBooks } from '../reliability/invariants';
import { Api, b64, envelope, eventually, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { rowsMentioning } from '../utils/rows-mentioning';
import { checkoutSession, newId, signedEvent, subscription } from '../utils/stripe-events';

describe('account deletion (DELETE /api/auth/account)', () => {
  let t: TestApp;
  let api: Api;
  const payments = new FakePaymentProvider();

  beforeAll(async () => {
    t = await createTestApp({ blob: 's3', env: TEST_STRIPE_ENV, overrides: [{ provide: PaymentProvider, useValue: payments }] });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  const deleteAccount = (user: TestUser, currentAuthKey: unknown = user.authKey) =>
    api.request('DELETE', '/api/auth/account', { token: user.accessToken, json: { currentAuthKey } });

  /** Stored keys under the user's prefix, straight from the blob store. */
  async function objectsOf(userId: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const object of t.app.get(BlobStore).list(userPrefix(userId))) keys.push(object.key);
    return keys;
  }

  /** What a real user leaves behind: maps with history, share links, two sessions, a second factor, a recovery key and an active subscription. */
  async function populatedUser() {
    const user = await api.register();
    for (let i = 0; i < 2; i++) {
      const map = await api.createMap(user);
      for (let v = 0; v < 3; v++) expect((await api.upload(user, map.id, randomBytes(200 + v))).status).toBe(201);
      const share = await api.request('POST', `/api/mindmaps/${map.id}/shares`, { token: user.accessToken, json: { envelope: envelope(), keyVersion: 1 } });
      expect(share.status).toBe(201);
    }
    const second = await api.request<{ refreshToken: string; accessToken: string }>('POST', '/api/auth/login', {
      json: { email: user.email, authKey: user.authKey },
    });
    expect(second.status).toBe(200);
    // A second factor too (its sealed secret, backup codes and an open login challenge are rows of the user).
    const totp = await api.request<{ secret: string }>('POST', '/api/auth/2fa/totp', { token: user.accessToken, json: { currentAuthKey: user.authKey } });
    const code = await generate({ secret: totp.body.secret });
    expect((await api.request('POST', '/api/auth/2fa/totp/confirm', { token: user.accessToken, json: { code } })).status).toBe(200);
    const challenge = await api.request<{ challengeToken: string }>('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } });
    expect(challenge.body).toMatchObject({ code: 'SECOND_FACTOR_REQUIRED' });
    // And a recovery key (its wrapping and verifier are a row of the user).
    const recovery = { recoveryAuthKey: randomBytes(32).toString('base64'), classicalPrivEncrypted: randomBytes(62).toString('base64'), pqPrivEncrypted: randomBytes(94).toString('base64') };
    expect((await api.request('PUT', '/api/auth/recovery', { token: user.accessToken, json: { currentAuthKey: user.authKey, keyVersion: 1, recovery } })).status).toBe(204);
    const ids = { customer: newId('cus'), subscription: newId('sub') };
    for (const event of [
      signedEvent('checkout.session.completed', checkoutSession({ userId: user.userId, ...ids })),
      signedEvent('customer.subscription.created', subscription({ id: ids.subscription, customer: ids.customer, status: 'active', userId: user.userId })),
    ]) {
      const res = await api.request('POST', '/api/billing/webhook', {
        body: Buffer.from(event.payload),
        headers: { 'content-type': 'application/json', 'stripe-signature': event.signature },
      });
      expect(res.status).toBe(200);
    }
    expect((await api.request<{ effectiveTier: string }>('GET', '/api/billing/subscription', { token: user.accessToken })).body.effectiveTier).toBe('pro');
    expect(await objectsOf(user.userId)).toHaveLength(6);
    return { user, second: second.body, subscriptionId: ids.subscription };
  }

  it('refuses a missing or wrong currentAuthKey, and a bearer token alone, deleting nothing', async () => {
    const { user } = await populatedUser();
    const missing = await api.request('DELETE', '/api/auth/account', { token: user.accessToken, json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const wrong = await deleteAccount(user, b64(32));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'INVALID_CREDENTIALS', message: 'currentAuthKey is wrong' });
    const anonymous = await api.request('DELETE', '/api/auth/account', { json: { currentAuthKey: user.authKey } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'UNAUTHENTICATED' });

    expect(await objectsOf(user.userId)).toHaveLength(6);
    expect((await api.request('GET', '/api/mindmaps', { token: user.accessToken })).status).toBe(200);
  });

  it('deletes every row and object of the user, ends its sessions, and leaves the event in the audit log without the email', async () => {
    const bystander = await api.register();
    const theirMap = await api.createMap(bystander);
    const theirBytes = randomBytes(333);
    await api.upload(bystander, theirMap.id, theirBytes);
    const { user, second, subscriptionId } = await populatedUser();

    const res = await deleteAccount(user);
    expect(res.status).toBe(204);

    // The books: no row anywhere names the user but the audit entry; nothing is stored under it.
    expect(await rowsMentioning(t.db.pool, user.userId)).toEqual([
      { table: 'audit_log', column: 'actor_id' },
      { table: 'audit_log', column: 'target_id' },
    ]);
    expect(await rowsMentioning(t.db.pool, user.email)).toEqual([]);
    expect(await objectsOf(user.userId)).toEqual([]);
    const audit = await t.db.pool.query('SELECT action, via, before, after FROM audit_log WHERE target_id = $1', [user.userId]);
    expect(audit.rows).toEqual([
      { action: 'account.delete', via: 'api', before: { role: 'user', maps: 2, versions: 6, subscriptionsToCancel: 1 }, after: null },
    ]);

    // Every session is over, the login is gone, and the email is free again.
    for (const token of [user.accessToken, second.accessToken]) {
      expect((await api.request('GET', '/api/mindmaps', { token })).status).toBe(401);
    }
    for (const refreshToken of [user.refreshToken, second.refreshToken]) {
      expect((await api.request('POST', '/api/auth/refresh', { json: { refreshToken } })).body).toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    }
    expect((await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } })).body).toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });

    // The subscription is cancelled with the provider, and nothing waits any more.
    await eventually(async () => payments.cancelled.has(subscriptionId));
    await eventually(async () => (await t.db.pool.query('SELECT 1 FROM pending_subscription_cancellations')).rowCount === 0);

    // Others are untouched, and the books of everyone left balance.
    const theirs = await api.request<Buffer>('GET', `/api/mindmaps/${theirMap.id}/blob`, { token: bystander.accessToken });
    expect(theirs.status).toBe(200);
    expect(Buffer.compare(theirs.body, theirBytes)).toBe(0);
    const books = await auditBooks(t.db.pool, t.app.get(BlobStore));
    expect(books).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [], reservationsLeft: [] });

    const again = await api.register(user.email);
    expect(again.userId).not.toBe(user.userId);
  });

  it('answers at once during a payment provider outage and retries the cancellation until the provider confirms it', async () => {
    const { user, subscriptionId } = await populatedUser();
    payments.outages = 2;
    const res = await deleteAccount(user);
    expect(res.status).toBe(204);
    expect((await api.request('GET', '/api/mindmaps', { token: user.accessToken })).status).toBe(401);
    expect(await objectsOf(user.userId)).toEqual([]);

    await eventually(async () => payments.cancelled.has(subscriptionId));
    expect(payments.cancelAttempts.filter((id) => id === subscriptionId)).toHaveLength(3);
    await eventually(async () => (await t.db.pool.query('SELECT 1 FROM pending_subscription_cancellations')).rowCount === 0);
    expect(await rowsMentioning(t.db.pool, subscriptionId)).toEqual([]);
  });
});
