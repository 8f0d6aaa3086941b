import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextThinningAt, RetainedVersion, retentionTiers, tierIndexOf, versionsToDrop } from './retention-policy';

const NOW = new Date('2026-12-07T12:34:56Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A map's history: save times up to 120 days back (a few "in the future", a skewed clock), some pinned. */
const history = fc
  .array(fc.record({ ageMs: fc.integer({ min: -60_000, max: 120 * DAY }), pinned: fc.boolean() }), { minLength: 0, maxLength: 300 })
  .map((saves) =>
    saves
      .map((s, i) => ({ id: `v${i}`, savedAt: new Date(NOW.getTime() - s.ageMs), pinned: s.pinned && i % 5 === 0 }))
      .sort((a, b) => b.savedAt.getTime() - a.savedAt.getTime()),
  );
const scenario = fc.record({ versions: history, cap: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 1000 })), recentMax: fc.integer({ min: 1, max: 60 }), headIsNewest: fc.boolean() });

function inputOf(s: { versions: RetainedVersion[]; cap: number; recentMax: number; headIsNewest: boolean }) {
  const head = s.versions.length === 0 ? null : s.headIsNewest ? s.versions[0].id : s.versions[s.versions.length - 1].id;
  return { versions: s.versions, headVersionId: head, now: NOW, tiers: retentionTiers(s.recentMax), cap: s.cap };
}

describe('the retention policy', () => {
  it('never drops the head or a pinned version', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = inputOf(s);
        const dropped = new Set(versionsToDrop(input));
        for (const v of s.versions) if (v.pinned || v.id === input.headVersionId) expect(dropped.has(v.id)).toBe(false);
      }),
    );
  });

  it('never keeps more than the cap, unless the head and pinned versions alone are more', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = inputOf(s);
        const mandatory = s.versions.filter((v) => v.pinned || v.id === input.headVersionId).length;
        const kept = s.versions.length - versionsToDrop(input).length;
        expect(kept).toBeLessThanOrEqual(Math.max(s.cap, mandatory));
      }),
    );
  });

  it('drops nothing more when applied again to what it kept', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = inputOf(s);
        const dropped = new Set(versionsToDrop(input));
        expect(versionsToDrop({ ...input, versions: s.versions.filter((v) => !dropped.has(v.id)) })).toEqual([]);
      }),
    );
  });

  it('keeps the newest version of every tier when the cap has room for them', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = inputOf(s);
        const mandatory = s.versions.filter((v) => v.pinned || v.id === input.headVersionId).length;
        fc.pre(s.cap >= mandatory + input.tiers.length);
        const dropped = new Set(versionsToDrop(input));
        const newestOfTier = new Map<number, string>();
        for (const v of s.versions) {
          const t = tierIndexOf(NOW.getTime() - v.savedAt.getTime(), input.tiers);
          if (!newestOfTier.has(t)) newestOfTier.set(t, v.id);
        }
        for (const id of newestOfTier.values()) expect(dropped.has(id)).toBe(false);
      }),
    );
  });

  it('keeps one version per hour, day and week bucket in those tiers, and at most the recent limit', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = { ...inputOf(s), cap: 100_000, headVersionId: null, versions: s.versions.map((v) => ({ ...v, pinned: false })) };
        const dropped = new Set(versionsToDrop(input));
        const buckets = new Set<string>();
        let recent = 0;
        for (const v of input.versions) {
          if (dropped.has(v.id)) continue;
          const t = tierIndexOf(NOW.getTime() - v.savedAt.getTime(), input.tiers);
          const tier = input.tiers[t];
          if (tier.bucketS === 0) {
            recent += 1;
            continue;
          }
          const key = `${t}:${Math.floor((v.savedAt.getTime() - 4 * DAY) / (tier.bucketS * 1000))}`;
          expect(buckets.has(key)).toBe(false);
          buckets.add(key);
        }
        expect(recent).toBeLessThanOrEqual(s.recentMax);
      }),
    );
  });

  it('is deterministic: the same input drops the same versions, whatever order they come in', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = inputOf(s);
        expect(versionsToDrop({ ...input, versions: [...s.versions] })).toEqual(versionsToDrop(input));
      }),
    );
  });

  it('thins a day of autosaves to the last hour, then one per hour', () => {
    // A save every 5 minutes from 24 h ago to now: 289 versions.
    const versions = Array.from({ length: 289 }, (_, i) => ({ id: `v${i}`, savedAt: new Date(NOW.getTime() - i * 5 * 60_000), pinned: false }));
    const dropped = new Set(versionsToDrop({ versions, headVersionId: 'v0', now: NOW, tiers: retentionTiers(10), cap: 1000 }));
    const kept = versions.filter((v) => !dropped.has(v.id));
    // 10 of the last hour's 12, then one per UTC hour of the 23 before (the oldest, exactly 24 h
    // old, is in the daily tier and the newest of its day there).
    expect(kept.slice(0, 10).map((v) => v.id)).toEqual(versions.slice(0, 10).map((v) => v.id));
    expect(kept.length).toBe(10 + 24 + 1);
  });

  it('fills the cap with the head, the pinned, each tier\'s newest, then the newest others', () => {
    const at = (ageMs: number) => new Date(NOW.getTime() - ageMs);
    const versions = [
      { id: 'head', savedAt: at(0), pinned: false },
      { id: 'recent2', savedAt: at(60_000), pinned: false },
      { id: 'hourly', savedAt: at(2 * HOUR), pinned: false },
      { id: 'daily', savedAt: at(3 * DAY), pinned: false },
      { id: 'pinned', savedAt: at(20 * DAY), pinned: true },
      { id: 'weekly', savedAt: at(60 * DAY), pinned: false },
    ];
    const dropped = versionsToDrop({ versions, headVersionId: 'head', now: NOW, tiers: retentionTiers(10), cap: 5 });
    expect(dropped).toEqual(['recent2']);
  });

  it('keeps a map with 10,000 autosaves over 90 days to at most 120 versions, every tier covered', () => {
    // Autosaves at deterministic pseudo-random moments over 90 days (a linear congruential walk).
    let x = 12345;
    const ages = Array.from({ length: 10_000 }, () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((x / 2 ** 31) * 90 * DAY);
    }).sort((a, b) => a - b);
    ages[0] = 30_000; // the head, saved 30 s ago
    const versions = ages.map((age, i) => ({ id: `v${i}`, savedAt: new Date(NOW.getTime() - age), pinned: false }));
    const tiers = retentionTiers(30);
    const dropped = new Set(versionsToDrop({ versions, headVersionId: 'v0', now: NOW, tiers, cap: 120 }));
    const kept = versions.filter((v) => !dropped.has(v.id));
    expect(kept.length).toBeLessThanOrEqual(120);
    const perTier = tiers.map((_, t) => kept.filter((v) => tierIndexOf(NOW.getTime() - v.savedAt.getTime(), tiers) === t).length);
    // Every tier holds versions: the last hour's saves, ~23 hours, ~29 days, the weeks beyond 30 days.
    for (const n of perTier) expect(n).toBeGreaterThan(0);
    expect(perTier[1]).toBeGreaterThanOrEqual(20);
    expect(perTier[2]).toBeGreaterThanOrEqual(28);
    expect(perTier[3]).toBeGreaterThanOrEqual(8);
  });

  it('names the next moment a kept version changes tier', () => {
    const tiers = retentionTiers(10);
    const versions = [{ id: 'a', savedAt: new Date(NOW.getTime() - 10 * 60_000), pinned: false }, { id: 'b', savedAt: new Date(NOW.getTime() - 40 * DAY), pinned: false }];
    expect(nextThinningAt(versions, NOW, tiers)).toEqual(new Date(NOW.getTime() + 50 * 60_000));
    expect(nextThinningAt(versions.slice(1), NOW, tiers)).toBeNull();
    expect(nextThinningAt(versions.slice(1), NOW, tiers, [new Date(NOW.getTime() + DAY)])).toEqual(new Date(NOW.getTime() + DAY));
  });
});
