import type { BodyLimitOf } from '../common/http/body-limit';

/**
 * Most maps one rotation may carry: every map the account owns. Until plans cap the maps a user
 * may own, this is the cap the rotation body is sized for; a plan cap must stay at or below it.
 */
export const MAX_MAPS_PER_ROTATION = 10_000;

/**
 * Version envelopes (old envelopes of a map's versions, left by an earlier rotation) one rotation
 * is sized for, over all its maps: one per map on average. Usually there are none.
 */
const VERSION_ENVELOPES_PER_ROTATION = MAX_MAPS_PER_ROTATION;

/** The key bundle with both private keys at their 4096-byte maximum, base64, plus the JSON around it. */
const KEY_BUNDLE_BYTES = 16 * 1024;
/**
 * One `{ id, envelope }` entry (36 + 44 + 1452 + 88 uuid/base64 characters and its names), or one
 * `{ previousWrappedDek, envelope }`, with room for whitespace.
 */
const ENTRY_BYTES = 2 * 1024;

/** PUT /api/auth/keys: a rotation of the largest account still fits (about 39 MiB). */
export const keyRotationBodyLimit: BodyLimitOf = () =>
  KEY_BUNDLE_BYTES + (MAX_MAPS_PER_ROTATION + VERSION_ENVELOPES_PER_ROTATION) * ENTRY_BYTES;
