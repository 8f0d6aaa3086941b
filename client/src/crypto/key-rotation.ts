/**
 * Key rotation: a new pair of key pairs, and every owned map's DEK re-wrapped for it. The DEKs
 * themselves do not change, so content blobs, titles and link shares stay valid as they are.
 */
import type { MapEnvelope, RotateKeysRequest } from '../contract.js';
import { DecryptionError, InvalidInputError } from './errors.js';
import { publicKeysOf, unwrapDek, wrapDek } from './hybrid-kem.js';
import { type AccountKeyPairs, buildKeyBundle, generateKeyPairs } from './key-bundle.js';
import { wipe } from './bytes.js';

export interface RotationInput {
  /** Currently unlocked key pairs, which open every envelope in `maps`. */
  currentKeyPairs: AccountKeyPairs;
  /** keyVersion from GET /api/auth/keys; the request carries this + 1. */
  currentKeyVersion: number;
  /** Seals the new private keys; rotation keeps the password. */
  keyEncryptionKey: Uint8Array;
  /** Every owned map: the server refuses a rotation that leaves one out (ROTATION_INCOMPLETE). */
  maps: MapEnvelope[];
}

export interface Rotation {
  /** Body of PUT /api/auth/keys. */
  request: RotateKeysRequest;
  /** Use these once the server accepted the request; until then the current ones stay valid. */
  keyPairs: AccountKeyPairs;
}

/**
 * Pure apart from randomness: nothing is sent. Any envelope that does not open throws (naming the
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
    let dek: Uint8Array;
    try {
      dek = await unwrapDek(map.envelope, input.currentKeyPairs);
    } catch (cause) {
      if (cause instanceof DecryptionError) {
        throw new DecryptionError(cause.reason, `map ${map.id}: ${cause.message}`, { cause });
      }
      throw cause;
    }
    maps.push({ id: map.id, envelope: await wrapDek(dek, recipient) });
    wipe(dek);
  }
  return {
    request: {
      keys: await buildKeyBundle(keyPairs, input.keyEncryptionKey),
      keyVersion: input.currentKeyVersion + 1,
      maps,
    },
    keyPairs,
  };
}
