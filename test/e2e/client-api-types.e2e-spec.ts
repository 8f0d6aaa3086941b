import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../../client/scripts/api-types';
import { PRIVATE_KEY_BLOB_MAX_BYTES, WRAPPED_DEK_MAX_BYTES, WRAPPED_DEK_MIN_BYTES } from '../../client/src/contract';
import { PRIV_MAX } from '../../src/auth/dto/key-bundle.dto';
import { WRAPPED_DEK_MAX, WRAPPED_DEK_MIN } from '../../src/common/http/envelope.dto';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * The client's API types are generated from the live OpenAPI document. Run with --update
 * (`npm run gen:api-types`) to rewrite them; a plain run fails while they are stale.
 */
describe('the client SDK API types', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('match the OpenAPI document the server serves at /docs-json', async () => {
    const response = await fetch(`${t.baseUrl}/docs-json`);
    expect(response.status).toBe(200);
    const rendered = await renderApiTypes(await response.json());
    await expect(
      rendered,
      `${API_TYPES_FILE} is stale against the server's /docs-json: run \`npm run gen:api-types\` and commit the result`,
    ).toMatchFileSnapshot(resolve(__dirname, '../..', API_TYPES_FILE));
  });

  it("agree with the server's validators on key-material lengths", () => {
    expect([WRAPPED_DEK_MIN_BYTES, WRAPPED_DEK_MAX_BYTES]).toEqual([WRAPPED_DEK_MIN, WRAPPED_DEK_MAX]);
    expect(PRIVATE_KEY_BLOB_MAX_BYTES).toBe(PRIV_MAX);
  });
});
