/** Outcome of a conditional add: `usageBytes` is the counter after (ok) or as found (refused). */
export type UsageAddResult = { ok: true; usageBytes: number } | { ok: false; usageBytes: number };

import type { Tier } from '../../config/app-config';

/** A reservation held, or why none was: `uploads` when too many are in flight, else `quota`. */
export type Reservation =
  | { ok: true; id: string }
  | { ok: false; reason: 'quota' | 'uploads'; usageBytes: number; reservedBytes: number };

/**
 * Each user's stored bytes, all versions counted: one counter row per user, never derived by
 * listing the blob store, with the bytes reserved by uploads in flight and how many those are.
 *
 * Invariant: usage + reserved <= limit after every `reserve`, `settle` and `tryAdd` (a downgrade
 * may leave usage over a new limit; then they refuse until it fits). Each of them is one
 * conditional statement on the counter row, so concurrent callers can never break it.
 * A reservation ends in `settle` (its bytes become stored bytes), in `release`, or at its expiry
 * (a process that died cannot leak one: `purgeExpiredReservations`, and a refused `reserve` drops
 * the user's own expired ones first). Joins the caller's UnitOfWork transaction.
 */
export abstract class UsageLedger {
  abstract usageOf(userId: string): Promise<number>;
  /** Charges `bytes` if usage + reserved + bytes stays within `limitBytes`. */
  abstract tryAdd(userId: string, bytes: number, limitBytes: number): Promise<UsageAddResult>;
  /**
   * Holds `bytes` for an upload about to stream, for at most `ttlS` seconds: refused when
   * `maxInFlight` uploads of the user hold one already, or when usage + reserved + bytes would
   * pass `limitBytes`.
   */
  abstract reserve(userId: string, bytes: number, limit: { limitBytes: number; maxInFlight: number; ttlS: number }): Promise<Reservation>;
  /**
   * `reserve` under the limit of the user's plan, decided in the same statement: the user's
   * effective tier (effectiveTier's rule, at `now` with `graceDays`), whose limit is
   * `limitBytesByTier[tier]`. Answers the tier it judged by, with the reservation or the refusal.
   */
  abstract reserveUnderPlan(
    userId: string,
    bytes: number,
    rule: { limitBytesByTier: Record<Tier, number>; graceDays: number; now: Date; maxInFlight: number; ttlS: number },
  ): Promise<Reservation & { tier: Tier }>;
  /**
   * Turns the reservation into `bytes` of stored usage, checking usage + other reservations +
   * bytes <= `limitBytes` (the reservation may have expired meanwhile). Only inside a transaction
   * the caller rolls back when this refuses.
   */
  abstract settle(reservationId: string, userId: string, bytes: number, limitBytes: number): Promise<UsageAddResult>;
  /** Gives the reservation's bytes back; nothing when it was settled or expired already. */
  abstract release(reservationId: string): Promise<void>;
  /** Ends every reservation past its expiry; returns how many. */
  abstract purgeExpiredReservations(): Promise<number>;
  /** Gives `bytes` back, never below 0. */
  abstract subtract(userId: string, bytes: number): Promise<void>;
  /**
   * Locks the user's counter until the transaction ends (creating it at 0), waiting for any
   * upload, prune or delete of that user in flight; returns the counter. Call inside a transaction.
   */
  abstract lock(userId: string): Promise<number>;
  /** Overwrites the counter: only for the reconcile job, under `lock`. */
  abstract set(userId: string, bytes: number): Promise<void>;
}
