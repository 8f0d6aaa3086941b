/** Quota charges, in bytes: what a version costs at the least, and what each map costs. */
export interface Charges {
  minVersionBytes: number;
  mapBytes: number;
}

/**
 * Bytes of quota one version costs: its body, but never less than the minimum, because its row
 * and bookkeeping are not free. Rule: every add to and subtract from a user's usage for a version
 * goes through this, so what a delete or prune gives back is exactly what was charged.
 */
export function versionCharge(sizeBytes: number, charges: Charges): number {
  return Math.max(sizeBytes, charges.minVersionBytes);
}

/** What a set of versions costs together: the sum of their charges. */
export function versionsCharge(versions: readonly { sizeBytes: number }[], charges: Charges): number {
  return versions.reduce((sum, v) => sum + versionCharge(v.sizeBytes, charges), 0);
}
