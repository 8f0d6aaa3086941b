/**
 * Runs work atomically. Repositories called inside `run` join the same database transaction
 * without passing it around, so a service can span several modules' repositories in one commit.
 * Nested `run` calls join the outer transaction.
 */
export abstract class UnitOfWork {
  abstract run<T>(work: () => Promise<T>): Promise<T>;
}
