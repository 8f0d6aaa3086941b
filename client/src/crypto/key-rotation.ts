/**
 * Key rotation: a new pair of key pairs, and every owner envelope of every owned map — the map's
 * and each distinct one recorded with its versions — re-wrapped for them (bound to the new
 * keyVersion, authenticated under the new account MAC key). Data keys and their epochs do not
 * change, so content blobs, titles and link shares stay valid as they are, and the old private
 * keys are needed for nothing afterwards.
 */
import type { Envelope, KeyBundleInput } from '../contract.js';
import { wipe } from './bytes.js';
import { DecryptionError, InvalidInputError } from './errors.js';
import { envelopeFormat, unwrapOwnerDek, wrapOwnerDek } from './hybrid-kem.js';
import { type AccountKeyPairs, buildKeyBundle, generateKeyPairs } from './key-bundle.js';

export interface RotationMapInput {
  id: string;
  envelope: Envelope;
  /** The envelopes recorded with the map's versions (duplicates allowed; each is re-wrapped once). */
  versionEnvelopes: Envelope[];
}

export interface RotationInput {
  userId: string;
  /** Currently unlocked key pairs, which open every envelope in `maps`. */
  currentKeyPairs: AccountKeyPairs;
  /** keyVersion from GET /api/auth/keys; the new bundle is sealed for this + 1. */
  currentKeyVersion: number;
  /** Seals the new private keys; rotation keeps the password. */
  keyEncryptionKey: Uint8Array;
  /** Every owned map: the server refuses a rotation that leaves one out (ROTATION_INCOMPLETE). */
  maps: RotationMapInput[];
  /** Accept unauthenticated v1 envelopes: only while upgrading a legacy account. */
  allowLegacy?: boolean;
}

export interface RotatedEnvelope {
  /** The envelope as stored now. */
  previous: Envelope;
  envelope: Envelope;
}

export interface RotatedMap {
  id: string;
  envelope: Envelope;
  /** One entry per distinct version envelope of the input. */
  versionEnvelopes: RotatedEnvelope[];
}

export interface Rotation {
  keys: KeyBundleInput;
  keyVersion: number;
  maps: RotatedMap[];
  /** Use these once the server accepted the request; until then the current ones stay valid. */
  keyPairs: AccountKeyPairs;
}

/**
 * Pure apart from randomness: nothing is sent. Any envelope that does not verify and open throws
 * (naming the map) before a request is produced, so a rotation never re-signs a planted key nor
 * silently drops a map's key.
 */
export async function rotateAccountKeys(input: RotationInput): Promise<Rotation> {
  if (!Number.isInteger(input.currentKeyVersion) || input.currentKeyVersion < 1) {
    throw new InvalidInputError('currentKeyVersion must be a positive integer');
  }
  const keyVersion = input.currentKeyVersion + 1;
  const keyPairs = generateKeyPairs();
  const maps: RotatedMap[] = [];
  for (const map of input.maps) {
    const place = { userId: input.userId, mapId: map.id };
    const open = async (envelope: Envelope) => {
      try {
        return await unwrapOwnerDek(envelope, input.currentKeyPairs, { ...place, keyVersion: input.currentKeyVersion }, { allowLegacy: input.allowLegacy === true });
      } catch (cause) {
        if (cause instanceof DecryptionError) throw new DecryptionError(cause.reason, `map ${map.id}: ${cause.message}`, { cause });
        throw cause;
      }
    };
    const wrap = (opened: { dek: Uint8Array; epoch: number }) => wrapOwnerDek(opened.dek, opened.epoch, keyPairs, { ...place, keyVersion });
    const current = await open(map.envelope);
    try {
      const seen = new Set<string>();
      const versionEnvelopes: RotatedEnvelope[] = [];
      for (const previous of map.versionEnvelopes) {
        if (seen.has(previous.wrappedDek)) continue;
        seen.add(previous.wrappedDek);
        let opened;
        try {
          opened = await open(previous);
        } catch (error) {
          // v1 rotations re-wrapped only the map's envelope, leaving its versions with envelopes for
          // retired keys; those versions were always read with the map's data key (rotation never
          // changed it), so that key is what the replacement wraps. Never in v2: there it is tampering.
          if (!(input.allowLegacy === true && error instanceof DecryptionError && envelopeFormat(previous) === 'v1')) throw error;
          opened = { dek: Uint8Array.from(current.dek), epoch: current.epoch };
        }
        try {
          versionEnvelopes.push({ previous, envelope: await wrap(opened) });
        } finally {
          wipe(opened.dek);
        }
      }
      maps.push({ id: map.id, envelope: await wrap(current), versionEnvelopes });
    } finally {
      wipe(current.dek);
    }
  }
  return { keys: await buildKeyBundle(keyPairs, input.keyEncryptionKey, { keyVersion }), keyVersion, maps, keyPairs };
}
