import { TIERS } from '../../config/app-config';

/**
 * effectiveTier (domain/entitlement.ts) as one SQL expression of type text, for a statement that
 * must judge by the user's plan without a round trip of its own to read it: the admin override;
 * else the highest tier of an entitled subscription (active or trialing, or past due for less than
 * the grace period since past_due_since, else current_period_end, else now); else 'free'.
 * `user`, `now` and `graceMs` are the statement's parameter references (uuid, timestamptz, and the
 * grace period in milliseconds), so the clock and the grace are the caller's, as in effectiveTier.
 * The tier-source contract checks the two agree. Pass what it gives through toTier().
 */
export function effectiveTierSql(user: string, now: string, graceMs: string): string {
  const rank = `CASE s.tier ${TIERS.map((tier, i) => `WHEN '${tier}' THEN ${i}`).join(' ')} ELSE 0 END`;
  return `COALESCE(
    (SELECT o.tier FROM tier_overrides o WHERE o.user_id = ${user}),
    (SELECT s.tier FROM subscriptions s
     WHERE s.user_id = ${user}
       AND (s.status IN ('active', 'trialing')
            OR (s.status = 'past_due'
                AND ${now} < COALESCE(s.past_due_since, s.current_period_end, ${now}) + ${graceMs} * interval '1 millisecond'))
     ORDER BY ${rank} DESC LIMIT 1),
    'free')`;
}
