/**
 * Version names (docs/crypto.md §7a): the vector file opens with keys derived here and by
 * node:crypto independently, and a name the server moves to another version, map or user fails.
 */
import { hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ctx, DecryptionError, decryptVersionLabel, deriveLabelKey, encryptVersionLabel, fromBase64, InvalidInputError, uuidBytes } from '../src/index.js';
import { fromHex, openIndependently, toHex } from './helpers.js';

const v = JSON.parse(readFileSync(new URL('./vectors/version-label.json', import.meta.url), 'utf8')) as {
  dek: string;
  userId: string;
  mapId: string;
  versionId: string;
  labelKey: string;
  label: string;
  encryptedLabel: string;
};
const dek = fromHex(v.dek);
const context = { userId: v.userId, mapId: v.mapId, versionId: v.versionId };
const purpose = ctx('mindvault/v2/content/version-label', uuidBytes(v.userId), uuidBytes(v.mapId), uuidBytes(v.versionId));

describe('version names', () => {
  it('derives the vector key here and with node:crypto', () => {
    expect(toHex(deriveLabelKey(dek, v.mapId))).toBe(v.labelKey);
    const independent = hkdfSync('sha256', dek, new Uint8Array(0), ctx('mindvault/v2/label-key', uuidBytes(v.mapId)), 32);
    expect(Buffer.from(independent).toString('hex')).toBe(v.labelKey);
  });

  it('opens the vector, also with an independent AES-GCM and the documented layout', async () => {
    expect(await decryptVersionLabel(v.encryptedLabel, { ...context, dek })).toBe(v.label);
    const opened = openIndependently(fromHex(v.labelKey), fromBase64(v.encryptedLabel), 5, purpose);
    expect(Buffer.from(opened).toString('utf8')).toBe(v.label);
  });

  it('round-trips a name and refuses it on another version, map or user, or under another key', async () => {
    const sealed = await encryptVersionLabel('Before the reorg ✂', { ...context, dek });
    expect(await decryptVersionLabel(sealed, { ...context, dek })).toBe('Before the reorg ✂');
    const other = '6f1c2b1e-9a51-4c1f-8f0e-2f4a3c5d6e7f';
    for (const moved of [{ ...context, versionId: other }, { ...context, mapId: other }, { ...context, userId: other }]) {
      await expect(decryptVersionLabel(sealed, { ...moved, dek })).rejects.toBeInstanceOf(DecryptionError);
    }
    await expect(decryptVersionLabel(sealed, { ...context, dek: new Uint8Array(32) })).rejects.toBeInstanceOf(DecryptionError);
    await expect(decryptVersionLabel('bm90IGEgbGFiZWw=', { ...context, dek })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('refuses an empty name or one over 256 bytes', async () => {
    await expect(encryptVersionLabel('', { ...context, dek })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(encryptVersionLabel('é'.repeat(129), { ...context, dek })).rejects.toBeInstanceOf(InvalidInputError);
    expect(await decryptVersionLabel(await encryptVersionLabel('x'.repeat(256), { ...context, dek }), { ...context, dek })).toHaveLength(256);
  });
});
