import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentProviderError } from '../billing.errors';
import { StripePaymentProvider } from './stripe-payment-provider';

const config = {
  secretKey: 'sk_test_unit',
  webhookSecret: 'whsec_unit',
  prices: { pro: 'price_pro', team: 'price_team' },
  successUrl: 'https://app.example.test/ok',
  cancelUrl: 'https://app.example.test/cancel',
};

/** Stripe's API as the adapter sees it, on loopback: how each subscription answers a cancel. */
const ANSWERS: Record<string, { status: number; body: unknown }> = {
  sub_live: { status: 200, body: { id: 'sub_live', object: 'subscription', status: 'canceled' } },
  sub_gone: { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such subscription' } } },
  sub_outage: { status: 500, body: { error: { type: 'api_error', message: 'Stripe is having a bad day' } } },
  sub_refused: { status: 400, body: { error: { type: 'invalid_request_error', code: 'parameter_invalid', message: 'nope' } } },
};

describe('StripePaymentProvider.cancelSubscription', () => {
  let server: Server;
  let provider: StripePaymentProvider;
  const requests: { method: string; url: string; auth: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
      const id = /^\/v1\/subscriptions\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
      const answer = ANSWERS[id] ?? { status: 404, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    provider = new StripePaymentProvider(config, { host: '127.0.0.1', port: (server.address() as AddressInfo).port, protocol: 'http' });
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('cancels with DELETE /v1/subscriptions/:id under the secret key', async () => {
    await provider.cancelSubscription('sub_live');
    expect(requests.at(-1)).toEqual({ method: 'DELETE', url: '/v1/subscriptions/sub_live', auth: 'Bearer sk_test_unit' });
  });

  it('counts a subscription Stripe no longer knows as cancelled', async () => {
    await expect(provider.cancelSubscription('sub_gone')).resolves.toBeUndefined();
  });

  it('rejects with PaymentProviderError on an outage or any other refusal, so the job retries', async () => {
    await expect(provider.cancelSubscription('sub_outage')).rejects.toBeInstanceOf(PaymentProviderError);
    await expect(provider.cancelSubscription('sub_refused')).rejects.toBeInstanceOf(PaymentProviderError);
  });
});
