import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentProvider } from '../../src/billing/ports/payment-provider';
import { FakePaymentProvider, TEST_STRIPE_ENV } from '../fakes/fake-payment-provider';
import { Api } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { BlobStore } from '../../src/storage/ports/blob-store';
import { describeFailures, fuzzContext, runFuzz } from './fuzz-context';
import { auditBooks } from './invariants';

/** The quick pass of the fuzzer (npm test); test/chaos/fuzz.chaos-spec.ts runs thousands of cases. */
const CASES = Number(process.env.FUZZ_CASES ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

describe('fuzzing every documented route from /docs-json', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({
      env: { ...TEST_STRIPE_ENV, MAX_BLOB_BYTES: String(4 * 1024 * 1024) },
      overrides: [{ provide: PaymentProvider, useValue: new FakePaymentProvider() }],
    });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it(`answers ${CASES} hostile requests without a 5xx, every 4xx in the contract's error shape`, async () => {
    const context = await fuzzContext(api);
    const { failures, statuses, operations } = await runFuzz(t.baseUrl, context, { count: CASES, concurrency: 8, seed: SEED });
    expect(operations).toBeGreaterThan(15);
    expect(failures.length, describeFailures(failures, SEED)).toBe(0);
    // The cases must actually reach the validators and the services, not just bounce off auth.
    expect(statuses[400] ?? 0).toBeGreaterThan(CASES / 10);
    expect(statuses[401] ?? 0).toBeGreaterThan(0);

    // Whatever got through left the books straight: every stored object has its row, usage adds up.
    const books = await auditBooks(t.db.pool, t.app.get(BlobStore));
    expect(books).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
  });
});
