/**
 * Version retention: which of a map's versions to drop, as one pure, deterministic function of
 * (version times, pinned flags, now, plan). docs/api.md, "Version history", states the same rules.
 *
 * A version falls in the first tier whose age bound it is under (age = now − savedAt; a version
 * saved "in the future", by a skewed clock, is 0 old). In a tier with `bucketS` 0 every version is
 * kept, at most `maxVersions` of them (the newest); in the others only the newest version of each
 * bucket, buckets being fixed UTC periods (hours, days, weeks starting Monday 00:00 UTC). Buckets
 * nest (an hour in a day in a week) and never move with `now`, so a version kept as the newest of
 * its day stays the newest of its day: thinning never has to undo itself.
 *
 * The head and pinned versions are never dropped. The map's cap is the hard ceiling: past it, the
 * head and pinned versions come first, then the newest of each tier, then the others newest first.
 */

export interface RetentionTier {
  name: string;
  /** Versions younger than this (seconds) and not in an earlier tier fall in this one; null: no end. */
  maxAgeS: number | null;
  /** 0: every version; else one version (the newest) per fixed UTC period of this many seconds. */
  bucketS: number;
  /** Most versions the tier keeps (its newest); null: no limit but the map's cap. */
  maxVersions: number | null;
}

export interface RetainedVersion {
  id: string;
  savedAt: Date;
  /** Pinned by its owner or by a live share link: never dropped. */
  pinned: boolean;
}

export interface RetentionInput {
  /** A map's versions, newest save first (ties in savedAt keep this order: earlier is newer). */
  versions: readonly RetainedVersion[];
  headVersionId: string | null;
  now: Date;
  tiers: readonly RetentionTier[];
  /** The map's maxVersions: the most versions kept, unless the head and pinned ones alone are more. */
  cap: number;
}

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;
const WEEK_S = 7 * DAY_S;
/** 1970-01-05T00:00:00Z was a Monday: weeks are counted from there (hours and days divide it). */
const BUCKET_EPOCH_MS = 4 * DAY_S * 1000;

/** The tiers of every plan; only the recent tier's size differs. */
export function retentionTiers(recentMax: number): RetentionTier[] {
  return [
    { name: 'recent', maxAgeS: HOUR_S, bucketS: 0, maxVersions: recentMax },
    { name: 'hourly', maxAgeS: DAY_S, bucketS: HOUR_S, maxVersions: null },
    { name: 'daily', maxAgeS: 30 * DAY_S, bucketS: DAY_S, maxVersions: null },
    { name: 'weekly', maxAgeS: null, bucketS: WEEK_S, maxVersions: null },
  ];
}

/** The index of the tier a version of this age (ms) falls in. */
export function tierIndexOf(ageMs: number, tiers: readonly RetentionTier[]): number {
  const i = tiers.findIndex((t) => t.maxAgeS === null || Math.max(0, ageMs) < t.maxAgeS * 1000);
  return i === -1 ? tiers.length - 1 : i;
}

/** The ids of the versions to drop. Applying it again to what it keeps drops nothing. */
export function versionsToDrop(input: RetentionInput): string[] {
  const { tiers, now } = input;
  // Newest first; a stable sort keeps the caller's order (save order) among equal times.
  const ordered = [...input.versions].sort((a, b) => b.savedAt.getTime() - a.savedAt.getTime());
  const mandatory = new Set(ordered.filter((v) => v.pinned || v.id === input.headVersionId).map((v) => v.id));

  const tierKept = new Set<string>();
  const tierNewest: string[] = [];
  const seenBuckets = tiers.map(() => new Set<number>());
  const keptInTier = tiers.map(() => 0);
  const tierSeen = tiers.map(() => false);
  for (const v of ordered) {
    const t = tierIndexOf(now.getTime() - v.savedAt.getTime(), tiers);
    const tier = tiers[t];
    if (!tierSeen[t]) tierNewest.push(v.id);
    tierSeen[t] = true;
    if (tier.maxVersions !== null && keptInTier[t] >= tier.maxVersions) continue;
    if (tier.bucketS > 0) {
      const bucket = Math.floor((v.savedAt.getTime() - BUCKET_EPOCH_MS) / (tier.bucketS * 1000));
      if (seenBuckets[t].has(bucket)) continue;
      seenBuckets[t].add(bucket);
    }
    keptInTier[t] += 1;
    tierKept.add(v.id);
  }

  // The cap: head and pinned, then each tier's newest, then the rest newest first.
  const priority = [
    ...ordered.filter((v) => mandatory.has(v.id)).map((v) => v.id),
    ...tierNewest.filter((id) => !mandatory.has(id)),
    ...ordered.filter((v) => tierKept.has(v.id) && !mandatory.has(v.id) && !tierNewest.includes(v.id)).map((v) => v.id),
  ];
  const kept = new Set(priority.slice(0, Math.max(input.cap, mandatory.size)));
  return ordered.filter((v) => !kept.has(v.id)).map((v) => v.id);
}

/**
 * When thinning may next drop something without a new save: the first moment one of `kept` ages
 * into the next tier (or a share link holding one ends, `holdsEndAt`). Null: never, until a save.
 */
export function nextThinningAt(kept: readonly RetainedVersion[], now: Date, tiers: readonly RetentionTier[], holdsEndAt: readonly Date[] = []): Date | null {
  let next = Number.POSITIVE_INFINITY;
  for (const v of kept) {
    for (const t of tiers) {
      if (t.maxAgeS === null) continue;
      const at = v.savedAt.getTime() + t.maxAgeS * 1000;
      if (at > now.getTime() && at < next) next = at;
    }
  }
  for (const end of holdsEndAt) if (end.getTime() > now.getTime() && end.getTime() < next) next = end.getTime();
  return Number.isFinite(next) ? new Date(next) : null;
}
