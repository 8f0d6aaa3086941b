import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/api-error.js';
import { decodeEnvelope, generateDek } from '../src/crypto/hybrid-kem.js';
import { deriveTitleKey } from '../src/crypto/content-cipher.js';
import { buildShareUrl, createDocument, createLinkShare, encryptDocument, encryptTitle, TamperingError } from '../src/index.js';
import { openShareLink, shareLinkApiBase } from '../src/vault/share-links.js';

const place = { userId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', mapId: 'c0ffee00-1234-4abc-8def-0123456789ab' };

/** A public API that answers with `share` and serves `blob`, recording what was asked. */
function publicApi(share: object, blob: Uint8Array) {
  const requests: { url: string; authorization: string | null }[] = [];
  const fetch = async (input: string, init: RequestInit) => {
    requests.push({ url: input, authorization: new Headers(init.headers).get('authorization') });
    if (input.endsWith('/blob')) return new Response(blob as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(blob.length) } });
    return Response.json(share);
  };
  return { fetch, requests };
}

describe('share links', () => {
  it("point the API at the link's origin and path prefix", () => {
    expect(shareLinkApiBase('https://vault.example/s/tok#key')).toBe('https://vault.example');
    expect(shareLinkApiBase('https://example.org/mindvault/s/tok/?x=1#key')).toBe('https://example.org/mindvault');
  });

  it('open with no account: fetch the share, open its envelope with the fragment key, decrypt', async () => {
    const dek = generateDek();
    const share = await createLinkShare({ kind: 'map', ...place, epoch: 1, dek });
    const document = createDocument('Shared root');
    const { blob } = await encryptDocument(document, { ...place, dek, seq: 2 });
    const url = buildShareUrl('https://vault.example/app', 'tok_1', share.linkKey);
    const encryptedTitle = await encryptTitle('Shared title', 1, { ...place, dek });
    const { fetch, requests } = publicApi({ encryptedTitle, envelope: share.envelope, versionId: 'v1', sizeBytes: blob.length }, blob);
    expect(await openShareLink(url, { fetch })).toEqual({ title: 'Shared title', versionId: 'v1', document });
    expect(requests).toEqual([
      { url: 'https://vault.example/app/api/public/shares/tok_1', authorization: null },
      { url: 'https://vault.example/app/api/public/shares/tok_1/blob', authorization: null },
    ]);
    // The key never travels: no request carries the fragment.
    expect(requests.some((r) => r.url.includes('#'))).toBe(false);
    expect(decodeEnvelope(share.envelope).ephClassicalPublic.every((b) => b === 0)).toBe(true);
  });

  it('a version link refuses any other version the server serves in its place', async () => {
    const dek = generateDek();
    const pinned = await encryptDocument(createDocument('pinned'), { ...place, dek, seq: 2 });
    const other = await encryptDocument(createDocument('other'), { ...place, dek, seq: 3 });
    const share = await createLinkShare({ kind: 'version', ...place, seq: 2, contentKey: pinned.contentKey, titleKey: deriveTitleKey(dek, place.mapId) });
    const url = buildShareUrl('https://vault.example', 'tok', share.linkKey);
    const encryptedTitle = await encryptTitle('T', 1, { ...place, dek });
    const answer = { encryptedTitle, envelope: share.envelope, versionId: 'v2', sizeBytes: 1 };
    expect((await openShareLink(url, publicApi(answer, pinned.blob))).document.root.text).toBe('pinned');
    await expect(openShareLink(url, publicApi(answer, other.blob))).rejects.toBeInstanceOf(TamperingError);
  });

  it('says so when the shared map has no saved version yet', async () => {
    const dek = generateDek();
    const share = await createLinkShare({ kind: 'map', ...place, epoch: 1, dek });
    const encryptedTitle = await encryptTitle('t', 1, { ...place, dek });
    const fetch = async () => Response.json({ encryptedTitle, envelope: share.envelope, versionId: null, sizeBytes: 0 });
    const error = await openShareLink(buildShareUrl('https://vault.example', 'tok', share.linkKey), { fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('NO_CONTENT_YET');
  });
});
