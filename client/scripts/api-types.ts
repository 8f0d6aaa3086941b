/**
 * Renders client/src/api/openapi.ts from the server's OpenAPI document (GET /docs-json).
 *
 * The file is generated, never hand-edited. `npm run gen:api-types` (repository root) boots the
 * real server through the test harness, fetches /docs-json and rewrites the file; the same run
 * without --update is a test (test/e2e/client-api-types.e2e-spec.ts) that fails as soon as the
 * committed types differ from what the live server documents, so they cannot drift.
 */
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';

/** Relative to the repository root. */
export const API_TYPES_FILE = 'client/src/api/openapi.ts';

const HEADER = `${COMMENT_HEADER.trimEnd()}
// Source: the Mindvault server's GET /docs-json. Regenerate from the repository root with
//   npm run gen:api-types
// (boots the real server on a test database; test/e2e/client-api-types.e2e-spec.ts checks it).

`;

export async function renderApiTypes(document: unknown): Promise<string> {
  if (document === null || typeof document !== 'object' || !('openapi' in document)) {
    throw new Error('not an OpenAPI 3 document');
  }
  // NOTE: defaultNonNullable off: a request field with a server default (maxVersions) stays optional.
  const ast = await openapiTS(document as OpenAPI3, { silent: true, defaultNonNullable: false });
  return HEADER + astToString(ast);
}
