/** One administrative action: who did what to which object, and the object before and after. */
export interface AuditEntry {
  /** The administrator; null for the command line, which acts as the operator. */
  actorId: string | null;
  via: 'api' | 'cli';
  /** Dotted verb, e.g. `user.update`, `storage.reconcile`. */
  action: string;
  targetId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * The append-only audit trail of administrative actions. `record` joins the caller's
 * transaction, so an action and its entry commit or fail together.
 */
export abstract class AuditLog {
  abstract record(entry: AuditEntry): Promise<void>;
}
