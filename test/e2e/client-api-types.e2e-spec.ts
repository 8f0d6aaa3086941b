import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../../client/scripts/api-types';
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
});
