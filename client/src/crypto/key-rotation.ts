/**
 * Key rotation: a new pair of key pairs, and every owned map's DEK re-wrapped for it: the map's
 * envelope and every distinct envelope recorded for its versions, so that the new keys alone open
 * every version and the old private keys can be destroyed. The DEKs themselves do not change, so
 * content blobs, titles and link shares stay valid as they are.
 */
import type { Envelope, MapEnvelope, RotateKeysRequest, VersionEnvelope } from '../contract.js';
import { DecryptionError, InvalidInputError } from './errors.js';
import { publicKeysOf, unwrapDek, wrapDek } from './hybrid-kem.js';
import { type AccountKeyPairs, buildKeyBundle, generateKeyPairs } from './key-bundle.js';
import { wipe } from './bytes.js';

/** A map as a rotation sees it: its envelope and the envelopes recorded for its versions. */
export interface RotatingMap {
  id: string;
  envelope: Envelope;
  /** Envelopes of the map's versions (GET .../versions); duplicates and the map's own are skipped. */
  versionEnvelopes?: Envelope[];
}

export interface RotationInput {
  /** Currently unlocked key pairs, which open every envelope in `maps`. */
  currentKeyPairs: AccountKeyPairs;
  /** keyVersion from GET /api/auth/keys; the request carries this + 1. */
  currentKeyVersion: number;
  /** Seals the new private keys; rotation keeps the password. */
  keyEncryptionKey: Uint8Array;
  /** The current authKey (base64): the server refuses a rotation without the password's proof. */
  currentAuthKey: string;
  /** Every owned map: the server refuses a rotation that leaves one out (ROTATION_INCOMPLETE). */
  maps: RotatingMap[];
}

export interface Rotation {
  /** Body of PUT /api/auth/keys. */
  request: RotateKeysRequest;
  /** Use these once the server accepted the request; until then the current ones stay valid. */
  keyPairs: AccountKeyPairs;
}

/**
 * Pure apart from randomness: nothing is sent. A map envelope that does not open throws (naming the
 * map) before a request is produced, so a rotation never silently drops a map's key.
 */
export async function rotateAccountKeys(input: RotationInput): Promise<Rotation> {
  if (!Number.isInteger(input.currentKeyVersion) || input.currentKeyVersion < 1) {
    throw new InvalidInputError('currentKeyVersion must be a positive integer');
  }
  const keyPairs = generateKeyPairs();
  const recipient = publicKeysOf(keyPairs);
  const maps: MapEnvelope[] = [];
  for (const map of input.maps) {
    const dek = await openNaming(map.envelope, input.currentKeyPairs, map.id);
    try {
      const versionEnvelopes: VersionEnvelope[] = [];
      const seen = new Set([map.envelope.wrappedDek]);
      for (const envelope of map.versionEnvelopes ?? []) {
        if (seen.has(envelope.wrappedDek)) continue;
        seen.add(envelope.wrappedDek);
        versionEnvelopes.push({ previousWrappedDek: envelope.wrappedDek, envelope: await rewrapVersion(envelope, dek, input.currentKeyPairs, recipient) });
      }
      maps.push({ id: map.id, envelope: await wrapDek(dek, recipient), ...(versionEnvelopes.length > 0 ? { versionEnvelopes } : {}) });
    } finally {
      wipe(dek);
    }
  }
  return {
    request: {
      currentAuthKey: input.currentAuthKey,
      keys: await buildKeyBundle(keyPairs, input.keyEncryptionKey),
      keyVersion: input.currentKeyVersion + 1,
      maps,
    },
    keyPairs,
  };
}

/**
 * A version envelope the current keys cannot open was left behind by a rotation made before
 * rotations re-wrapped every version envelope; such versions were always read with the map's data
 * key (rotation never changed it), so that key is what its replacement wraps.
 */
async function rewrapVersion(
  envelope: Envelope,
  mapDek: Uint8Array,
  current: AccountKeyPairs,
  recipient: ReturnType<typeof publicKeysOf>,
): Promise<Envelope> {
  let dek: Uint8Array;
  try {
    dek = await unwrapDek(envelope, current);
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    return wrapDek(mapDek, recipient);
  }
  try {
    return await wrapDek(dek, recipient);
  } finally {
    wipe(dek);
  }
}

async function openNaming(envelope: Envelope, keyPairs: AccountKeyPairs, mapId: string): Promise<Uint8Array> {
  try {
    return await unwrapDek(envelope, keyPairs);
  } catch (cause) {
    if (cause instanceof DecryptionError) {
      throw new DecryptionError(cause.reason, `map ${mapId}: ${cause.message}`, { cause });
    }
    throw cause;
  }
}
