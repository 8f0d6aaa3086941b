import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/api-error.js';
import { decodeEnvelope, generateDek } from '../src/crypto/hybrid-kem.js';
import { createDocument, createLinkShare, encryptDocument, encryptTitle, buildShareUrl } from '../src/index.js';
import { openShareLink, shareLinkApiBase } from '../src/vault/share-links.js';

describe('share links', () => {
  it("point the API at the link's origin and path prefix", () => {
    expect(shareLinkApiBase('https://vault.example/s/tok#key')).toBe('https://vault.example');
    expect(shareLinkApiBase('https://example.org/mindvault/s/tok/?x=1#key')).toBe('https://example.org/mindvault');
  });

  it('open with no account: fetch the share, open its envelope with the fragment key, decrypt', async () => {
    const dek = generateDek();
    const share = await createLinkShare(dek);
    const document = createDocument('Shared root');
    const blob = await encryptDocument(document, dek);
    const url = buildShareUrl('https://vault.example/app', 'tok_1', share.linkKey);
    const requests: { url: string; authorization: string | null }[] = [];
    const fetch = async (input: string, init: RequestInit) => {
      requests.push({ url: input, authorization: new Headers(init.headers).get('authorization') });
      if (input.endsWith('/blob')) return new Response(blob as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(blob.length) } });
      return Response.json({ encryptedTitle: await encryptTitle('Shared title', dek), envelope: share.envelope, versionId: 'v1', sizeBytes: blob.length });
    };
    expect(await openShareLink(url, { fetch })).toEqual({ title: 'Shared title', versionId: 'v1', document });
    expect(requests).toEqual([
      { url: 'https://vault.example/app/api/public/shares/tok_1', authorization: null },
      { url: 'https://vault.example/app/api/public/shares/tok_1/blob', authorization: null },
    ]);
    // The key never travels: no request carries the fragment.
    expect(requests.some((r) => r.url.includes('#'))).toBe(false);
    expect(decodeEnvelope(share.envelope).ephClassicalPublic.every((b) => b === 0)).toBe(true);
  });

  it('says so when the shared map has no saved version yet', async () => {
    const dek = generateDek();
    const share = await createLinkShare(dek);
    const fetch = async () => Response.json({ encryptedTitle: await encryptTitle('t', dek), envelope: share.envelope, versionId: null, sizeBytes: 0 });
    const error = await openShareLink(buildShareUrl('https://vault.example', 'tok', share.linkKey), { fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('NO_CONTENT_YET');
  });
});
