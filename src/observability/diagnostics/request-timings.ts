import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/** Where one request spent its time, in ms; phases may overlap (the guard's read is database time too). */
export class RequestTimings {
  readonly startedAt = performance.now();
  /** When the route's own onRequest hooks (rate limit, access check) began; -1 until they ended. */
  authStartedAt = 0;
  authMs = -1;
  dbMs = 0;
  dbCalls = 0;
  blobMs = 0;
  blobCalls = 0;

  /** The Server-Timing header value (RFC: `name;dur=ms;desc="…"`). */
  header(): string {
    const now = performance.now();
    // A request refused in onRequest (401, 429) never reached the end of the access check.
    const auth = this.authMs >= 0 ? this.authMs : this.authStartedAt > 0 ? now - this.authStartedAt : 0;
    return (
      `auth;dur=${ms(auth)}, db;dur=${ms(this.dbMs)};desc="${this.dbCalls} queries", ` +
      `blob;dur=${ms(this.blobMs)};desc="${this.blobCalls} calls", total;dur=${ms(now - this.startedAt)}`
    );
  }
}

/**
 * The current request's timings. Only set up with DIAGNOSTICS_ENABLED (see diagnostics hooks);
 * otherwise nothing runs in it and `current()` is always undefined.
 */
const storage = new AsyncLocalStorage<RequestTimings>();

export const requestTimings = {
  run<T>(timings: RequestTimings, work: () => T): T {
    return storage.run(timings, work);
  },
  current(): RequestTimings | undefined {
    return storage.getStore();
  },
};

function ms(value: number): string {
  return value.toFixed(2);
}
