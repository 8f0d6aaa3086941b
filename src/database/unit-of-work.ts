/**
 * Runs work atomically. Repositories called inside `run` join the same database transaction
 * without passing it around, so a service can span several modules' repositories in one commit.
 * Nested `run` calls join the outer transaction.
 */
export abstract class UnitOfWork {
  abstract run<T>(work: () => Promise<T>): Promise<T>;

  /** True inside `run`. */
  abstract isActive(): boolean;

  /** For work that is only correct inside the caller's transaction (row locks, multi-statement swaps). */
  assertActive(operation: string): void {
    if (!this.isActive()) throw new TransactionRequired(operation);
  }
}

/** A programming error: a method that relies on the caller's transaction was called outside one. */
export class TransactionRequired extends Error {
  constructor(operation: string) {
    super(`${operation} must run inside a transaction (UnitOfWork.run)`);
    this.name = 'TransactionRequired';
  }
}
