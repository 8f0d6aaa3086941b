import type { BodyLimitOf } from '../common/http/body-limit';
import type { CallerBodyLimitOf } from '../common/http/caller-body-limit';
import { TIERS, TierPlan } from '../config/app-config';

/**
 * Most maps one rotation may carry: every map the account owns, which no plan lets pass 10,000
 * (MAX_MAPS_* stop there for this reason).
 */
export const MAX_MAPS_PER_ROTATION = 10_000;

/** The key bundle with both private keys at their 4096-byte maximum, base64, plus the JSON around it. */
const KEY_BUNDLE_BYTES = 16 * 1024;
/**
 * One `{ id, envelope }` entry (36 + 44 + 1452 + 88 uuid/base64 characters and its names), or one
 * `{ previousWrappedDek, envelope }`, with room for whitespace.
 */
const ENTRY_BYTES = 2 * 1024;

/**
 * PUT /api/auth/keys for one caller: a rotation of every map the caller's plan allows still fits,
 * with as many version envelopes (old envelopes left by an earlier rotation; usually none) as it
 * has maps. Free (100 maps): 16 KiB + 400 KiB; team (10,000): about 39 MiB.
 */
export const keyRotationBodyLimitFor: CallerBodyLimitOf = (plan: TierPlan) => KEY_BUNDLE_BYTES + 2 * plan.maxMaps * ENTRY_BYTES;

/** The route's ceiling, whoever calls: the limit of the plan with the most maps. */
export const keyRotationBodyLimit: BodyLimitOf = (config) => Math.max(...TIERS.map((tier) => keyRotationBodyLimitFor(config.tiers[tier])));
