import * as pg from 'pg';

/**
 * pg's pool behind TypeORM, for what reads its counts or watches its clients (metrics,
 * diagnostics). TypeORM builds the pool from the `driver` it is given (a public option): that
 * driver is pg itself with a Pool that, once built, registers here. Queries go to the same pool
 * through SqlClient, never through this.
 */
export class DatabasePool {
  private current: pg.Pool | undefined;
  /** pg as TypeORM's `driver` option takes it. */
  readonly driver: typeof pg;

  constructor() {
    const register = (pool: pg.Pool) => (this.current = pool);
    class RegisteredPool extends pg.Pool {
      constructor(config?: pg.PoolConfig) {
        super(config);
        register(this);
      }
    }
    // Inherits everything else from pg (types, defaults, the lazy `native`) without touching it.
    this.driver = Object.create(pg, { Pool: { value: RegisteredPool } }) as typeof pg;
  }

  /** The pool, once the database module has connected. */
  get pool(): pg.Pool {
    if (!this.current) throw new Error('the database pool is not open yet');
    return this.current;
  }
}
