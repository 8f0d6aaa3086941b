import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentProvider } from '../../src/billing/ports/payment-provider';
import { BlobStore } from '../../src/storage/ports/blob-store';
import { FakePaymentProvider, TEST_STRIPE_ENV } from '../fakes/fake-payment-provider';
import { describeFailures, fuzzContext, runFuzz } from '../reliability/fuzz-context';
import type { FuzzOutcome } from '../reliability/fuzzer';
import { auditBooks } from '../reliability/invariants';
import { Api } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

/** The long run of the OpenAPI fuzzer: a new seed each run (printed, so a failure replays). */
const CASES = Number(process.env.FUZZ_CASES ?? 8000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000_007);

describe('fuzzing every documented route, at length', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      blob: 's3',
      env: { ...TEST_STRIPE_ENV, MAX_BLOB_BYTES: String(4 * 1024 * 1024) },
      overrides: [{ provide: PaymentProvider, useValue: new FakePaymentProvider() }],
    });
  });
  afterAll(() => t?.close());

  it(`answers ${CASES} hostile requests without a 5xx, every 4xx in the contract's error shape`, async () => {
    console.log(`fuzz seed ${SEED}`);
    const api = new Api(t.baseUrl);
    // A fresh context every 1000 cases: some cases delete the map or rotate the keys they go deep with.
    const failures: FuzzOutcome[] = [];
    for (let done = 0; done < CASES; done += 1000) {
      const context = await fuzzContext(api);
      const run = await runFuzz(t.baseUrl, context, { count: Math.min(1000, CASES - done), concurrency: 8, seed: SEED + done });
      failures.push(...run.failures);
    }
    expect(failures.length, describeFailures(failures, SEED)).toBe(0);
    const books = await auditBooks(t.db.pool, t.app.get(BlobStore));
    expect(books).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
  });
});
