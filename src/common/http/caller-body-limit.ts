import { Transform, TransformCallback } from 'node:stream';
import type { onRouteHookHandler, preParsingHookHandler } from 'fastify';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import type { TierPlan } from '../../config/app-config';
import { BodyTooLarge } from '../errors/common.errors';
import { mergeRouteConfig, routeConfigOf } from './route-config';

const CALLER_BODY_LIMIT = 'mindvaultCallerBodyLimit';

/** Bytes a body may have for a caller on this plan. */
export type CallerBodyLimitOf = (plan: TierPlan) => number;

/**
 * Lowers an @Authenticated() route's body limit to what the caller's own plan can need. The
 * route's `@BodyLimit` stays the ceiling for every plan; this one is decided per request, after
 * the token is checked and before a byte of the body is read, so a free account cannot make the
 * server read (and validate) a body sized for the largest plan.
 */
export const CallerBodyLimit = (limit: CallerBodyLimitOf) => mergeRouteConfig({ [CALLER_BODY_LIMIT]: limit });

/**
 * Fastify onRoute hook, added after the token check's: a too-large Content-Length is 413
 * BODY_TOO_LARGE (with the caller's `limitBytes`) at once; a chunked body is cut as it passes it.
 */
export function limitBodiesByCaller(planOf: (userId: string) => Promise<TierPlan>): onRouteHookHandler {
  return (route) => {
    const limitOf = routeConfigOf(route.config)[CALLER_BODY_LIMIT] as CallerBodyLimitOf | undefined;
    if (!limitOf) return;
    const check: preParsingHookHandler = async (request, _reply, payload) => {
      const principal = (request as AuthenticatedRequest).principal;
      if (!principal) throw new Error('CallerBodyLimit on a route that is not @Authenticated()');
      const limit = limitOf(await planOf(principal.userId));
      if (Number(request.headers['content-length']) > limit) throw new BodyTooLarge(limit);
      return payload.pipe(new ByteLimit(limit));
    };
    route.preParsing = [...toArray(route.preParsing), check];
  };
}

/** Passes bytes through until more than `limit` went by, then fails with BodyTooLarge. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) done(new BodyTooLarge(this.limit));
    else done(null, chunk);
  }
}

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
