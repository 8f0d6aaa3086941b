import { Logger } from '@nestjs/common';
import * as pg from 'pg';

const logger = new Logger('DatabasePool');

/**
 * pg's pool behind TypeORM: SqlClient sends its statements to it, metrics and diagnostics read its
 * counts and watch its clients. TypeORM builds the pool from the `driver` it is given (a public
 * option, "the driver object, defaults to require('pg')"): that driver is pg itself with a Pool
 * that, once built, registers here. So there is one pool, built from the DataSource's options and
 * closed when the DataSource is destroyed (TypeOrmModule's shutdown hook), with no reach into
 * TypeORM's driver.
 */
export class DatabasePool {
  private current: pg.Pool | undefined;
  /** pg as TypeORM's `driver` option takes it. */
  readonly driver: typeof pg;

  constructor() {
    const register = (pool: pg.Pool) => {
      // A second DataSource on this driver would swap the pool under SqlClient, and its destroy would end it.
      if (this.current) throw new Error('a DatabasePool serves one DataSource: build the other one without its driver');
      this.current = pool;
    };
    class RegisteredPool extends pg.Pool {
      constructor(config?: pg.PoolConfig) {
        super(config);
        register(this);
      }
    }
    // Inherits everything else from pg (types, defaults) without touching it. `native` is null:
    // TypeORM swaps in pg.native when pg-native is installed, and that Pool would not register.
    this.driver = Object.create(pg, { Pool: { value: RegisteredPool }, native: { value: null } }) as typeof pg;
  }

  /** The pool, once the database module has connected. */
  get pool(): pg.Pool {
    if (!this.current) throw new Error('the database pool is not open yet');
    return this.current;
  }
}

/**
 * The pool's 'error' listener (TypeORM's `poolErrorHandler` option): an idle connection that dies
 * (a restart, a failover, pg_terminate_backend) is dropped by the pool, the next query opens a new
 * one, and the process lives on. Only the SQLSTATE and message are logged: pg-pool hangs the client
 * on the error, and with it the connection parameters, password included.
 */
export function logIdleConnectionError(error: Error & { code?: unknown }): void {
  const code = typeof error.code === 'string' ? ` (${error.code})` : '';
  logger.warn(`an idle database connection failed and was dropped: ${error.message}${code}`);
}
