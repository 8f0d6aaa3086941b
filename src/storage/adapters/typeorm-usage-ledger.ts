import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { toTier } from '../../billing/adapters/subscription.mapper';
import { effectiveTierSql } from '../../billing/adapters/effective-tier.sql';
import { TIERS, Tier } from '../../config/app-config';
import { SqlClient } from '../../database/sql-client';
import { Reservation, UsageAddResult, UsageLedger } from '../ports/usage-ledger';

interface CounterRow {
  usage_bytes: string;
  reserved_bytes: string;
  uploads_in_flight: number;
}

/** Drops expired reservations (of one user, or of all when $1 is null) and gives their bytes back. */
const PURGE_EXPIRED_SQL = `
  WITH gone AS (
    DELETE FROM upload_reservations WHERE expires_at <= now() AND ($1::uuid IS NULL OR user_id = $1::uuid)
    RETURNING user_id, bytes
  ), per_user AS (
    SELECT user_id, sum(bytes)::bigint AS bytes, count(*)::int AS n FROM gone GROUP BY user_id
  )
  UPDATE user_usage u SET reserved_bytes = u.reserved_bytes - p.bytes, uploads_in_flight = u.uploads_in_flight - p.n
  FROM per_user p WHERE u.user_id = p.user_id
  RETURNING p.n`;

/** Why a reservation must be refused, judged on the counter row the transaction holds locked; undefined if it fits. */
function refusal(row: CounterRow | undefined, bytes: number, limit: { limitBytes: number; maxInFlight: number }): Reservation | undefined {
  const usageBytes = Number(row?.usage_bytes ?? 0);
  const reservedBytes = Number(row?.reserved_bytes ?? 0);
  const inFlight = row?.uploads_in_flight ?? 0;
  // Checked in the contract's order: uploads in flight (429) before the quota (413).
  if (inFlight >= limit.maxInFlight) return { ok: false, reason: 'uploads', usageBytes, reservedBytes };
  if (usageBytes + reservedBytes + bytes > limit.limitBytes) return { ok: false, reason: 'quota', usageBytes, reservedBytes };
  return undefined;
}

@Injectable()
export class TypeOrmUsageLedger extends UsageLedger {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async usageOf(userId: string): Promise<number> {
    const rows = await this.db.rows<{ usage_bytes: string }>(
      'SELECT usage_bytes FROM user_usage WHERE user_id = $1',
      [userId],
    );
    return Number(rows[0]?.usage_bytes ?? 0);
  }

  async tryAdd(userId: string, bytes: number, limitBytes: number): Promise<UsageAddResult> {
    // NOTE: the limit is checked inside the UPDATE itself; the row lock it takes serialises
    // concurrent writers of one user, so there is no read-then-write window.
    const rows = await this.db.rows<{ usage_bytes: string }>(
      `INSERT INTO user_usage (user_id, usage_bytes) SELECT $1, $2::bigint WHERE $2::bigint <= $3::bigint
       ON CONFLICT (user_id) DO UPDATE SET usage_bytes = user_usage.usage_bytes + EXCLUDED.usage_bytes
         WHERE user_usage.usage_bytes + user_usage.reserved_bytes + EXCLUDED.usage_bytes <= $3::bigint
       RETURNING usage_bytes`,
      [userId, bytes, limitBytes],
    );
    if (rows.length === 1) return { ok: true, usageBytes: Number(rows[0].usage_bytes) };
    return { ok: false, usageBytes: await this.usageOf(userId) };
  }

  async reserve(userId: string, bytes: number, limit: { limitBytes: number; maxInFlight: number; ttlS: number }): Promise<Reservation> {
    const id = randomUUID();
    if ((await this.grab(id, userId, bytes, limit)).length === 1) return { ok: true, id };
    return this.reserveUnderLock(id, userId, bytes, limit);
  }

  async reserveUnderPlan(
    userId: string,
    bytes: number,
    rule: { limitBytesByTier: Record<Tier, number>; graceDays: number; now: Date; maxInFlight: number; ttlS: number },
  ): Promise<Reservation & { tier: Tier }> {
    const id = randomUUID();
    // The plan's limit and the grab in one statement: the tier is read in the statement's snapshot,
    // as a separate read just before it would have been.
    const rows = await this.db.rows<{ tier: string; id: string | null }>(
      `WITH plan AS (
         SELECT t.tier, ($6::bigint[])[COALESCE(array_position($7::text[], t.tier), 1)] AS limit_bytes
         FROM (SELECT ${effectiveTierSql('$2::uuid', '$8::timestamptz', '$9::float8')} AS tier) t
       ), grabbed AS (
         UPDATE user_usage SET reserved_bytes = reserved_bytes + $3, uploads_in_flight = uploads_in_flight + 1
         WHERE user_id = $2 AND uploads_in_flight < $4 AND usage_bytes + reserved_bytes + $3 <= (SELECT limit_bytes FROM plan)
         RETURNING user_id
       ), inserted AS (
         INSERT INTO upload_reservations (id, user_id, bytes, expires_at)
         SELECT $1, user_id, $3, now() + make_interval(secs => $5) FROM grabbed
         RETURNING id
       )
       SELECT plan.tier, (SELECT id FROM inserted) AS id FROM plan`,
      [
        id,
        userId,
        bytes,
        rule.maxInFlight,
        rule.ttlS,
        TIERS.map((tier) => rule.limitBytesByTier[tier]),
        TIERS,
        rule.now,
        rule.graceDays * 24 * 3600 * 1000,
      ],
    );
    const tier = toTier(rows[0]?.tier ?? 'free');
    if (rows[0]?.id) return { ok: true, id, tier };
    const limit = { limitBytes: rule.limitBytesByTier[tier], maxInFlight: rule.maxInFlight, ttlS: rule.ttlS };
    return { ...(await this.reserveUnderLock(id, userId, bytes, limit)), tier };
  }

  /** Holds `bytes` in one conditional statement; no row when refused (or when the user has no counter yet). */
  private grab(id: string, userId: string, bytes: number, limit: { limitBytes: number; maxInFlight: number; ttlS: number }) {
    return this.db.rows<{ id: string }>(
      `WITH grabbed AS (
         UPDATE user_usage SET reserved_bytes = reserved_bytes + $3, uploads_in_flight = uploads_in_flight + 1
         WHERE user_id = $2 AND uploads_in_flight < $5 AND usage_bytes + reserved_bytes + $3 <= $4
         RETURNING user_id
       )
       INSERT INTO upload_reservations (id, user_id, bytes, expires_at)
       SELECT $1, user_id, $3, now() + make_interval(secs => $6) FROM grabbed
       RETURNING id`,
      [id, userId, bytes, limit.limitBytes, limit.maxInFlight, limit.ttlS],
    );
  }

  /**
   * After a refused grab, or with no counter row yet: decide again under the counter row's lock,
   * so the reason given is the one that refused: read after the lock was gone, an upload finishing
   * meanwhile made "too many uploads" look like "quota exceeded" (413 for a 429). First make sure
   * there is a row, and drop this user's expired reservations (a process that died left them).
   */
  private reserveUnderLock(id: string, userId: string, bytes: number, limit: { limitBytes: number; maxInFlight: number; ttlS: number }): Promise<Reservation> {
    return this.db.run(async () => {
      await this.db.execute('INSERT INTO user_usage (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING', [userId]);
      await this.db.execute(PURGE_EXPIRED_SQL, [userId]);
      const row = await this.db.row<CounterRow>(
        'SELECT usage_bytes, reserved_bytes, uploads_in_flight FROM user_usage WHERE user_id = $1 FOR UPDATE',
        [userId],
      );
      const refused = refusal(row, bytes, limit);
      if (refused) return refused;
      // Room under the lock (an upload ended, or expired ones were dropped): this grab cannot fail.
      if ((await this.grab(id, userId, bytes, limit)).length === 1) return { ok: true, id };
      throw new Error('reservation refused although the locked counter has room');
    });
  }

  async settle(reservationId: string, userId: string, bytes: number, limitBytes: number): Promise<UsageAddResult> {
    // The DELETE runs even when the UPDATE refuses: hence only in a transaction that then rolls back.
    this.db.assertActive('UsageLedger.settle');
    const rows = await this.db.rows<{ usage_bytes: string }>(
      `WITH settled AS (DELETE FROM upload_reservations WHERE id = $1 RETURNING bytes)
       UPDATE user_usage u SET usage_bytes = u.usage_bytes + $3,
         reserved_bytes = u.reserved_bytes - COALESCE((SELECT bytes FROM settled), 0),
         uploads_in_flight = u.uploads_in_flight - (SELECT count(*) FROM settled)::int
       WHERE u.user_id = $2 AND u.usage_bytes + u.reserved_bytes - COALESCE((SELECT bytes FROM settled), 0) + $3 <= $4
       RETURNING u.usage_bytes`,
      [reservationId, userId, bytes, limitBytes],
    );
    if (rows.length === 1) return { ok: true, usageBytes: Number(rows[0].usage_bytes) };
    return { ok: false, usageBytes: await this.usageOf(userId) };
  }

  async release(reservationId: string): Promise<void> {
    await this.db.execute(
      `WITH gone AS (DELETE FROM upload_reservations WHERE id = $1 RETURNING user_id, bytes)
       UPDATE user_usage u SET reserved_bytes = u.reserved_bytes - gone.bytes, uploads_in_flight = u.uploads_in_flight - 1
       FROM gone WHERE u.user_id = gone.user_id`,
      [reservationId],
    );
  }

  async purgeExpiredReservations(): Promise<number> {
    const rows = await this.db.rows<{ n: number }>(PURGE_EXPIRED_SQL, [null]);
    return rows.reduce((sum, r) => sum + r.n, 0);
  }

  async lock(userId: string): Promise<number> {
    this.db.assertActive('UsageLedger.lock');
    await this.db.execute(
      'INSERT INTO user_usage (user_id, usage_bytes) VALUES ($1, 0) ON CONFLICT (user_id) DO NOTHING',
      [userId],
    );
    const rows = await this.db.rows<{ usage_bytes: string }>(
      'SELECT usage_bytes FROM user_usage WHERE user_id = $1 FOR UPDATE',
      [userId],
    );
    return Number(rows[0]?.usage_bytes ?? 0);
  }

  async set(userId: string, bytes: number): Promise<void> {
    await this.db.execute('UPDATE user_usage SET usage_bytes = $2 WHERE user_id = $1', [userId, bytes]);
  }

  async subtract(userId: string, bytes: number): Promise<void> {
    if (bytes === 0) return;
    // Floored at 0: a counter from before the charges took effect may hold less than the charges
    // now given back; the reconcile recount sets it to the exact figure.
    await this.db.execute('UPDATE user_usage SET usage_bytes = GREATEST(usage_bytes - $2, 0) WHERE user_id = $1', [
      userId,
      bytes,
    ]);
  }
}
