import { performance } from 'node:perf_hooks';
import type { Pool, PoolClient } from 'pg';
import { requestTimings } from './request-timings';

const TIMED = Symbol('queries timed');
type Query = (...args: unknown[]) => unknown;

/**
 * Adds each query's time to the current request's timings (Server-Timing `db`): every pooled
 * client's `query` is wrapped once, the first time the pool hands it out.
 */
export function timeQueries(pool: Pool): void {
  pool.on('acquire', (client: PoolClient & { [TIMED]?: true }) => {
    if (client[TIMED]) return;
    client[TIMED] = true;
    const query = client.query as unknown as Query;
    (client as unknown as { query: Query }).query = function timedQuery(this: unknown, ...args: unknown[]) {
      const timings = requestTimings.current();
      if (!timings) return query.apply(this, args);
      const started = performance.now();
      const finish = () => {
        timings.dbMs += performance.now() - started;
        timings.dbCalls++;
      };
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (...results: unknown[]) => {
          finish();
          return (callback as Query)(...results);
        };
        return query.apply(this, args);
      }
      const result = query.apply(this, args);
      return result instanceof Promise ? result.finally(finish) : result;
    };
  });
}
