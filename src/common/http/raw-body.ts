import type { FastifyRequest } from 'fastify';
import { mergeRouteConfig, routeConfigOf } from './route-config';

const KEEP_RAW_BODY = 'mindvaultKeepRawBody';
const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/**
 * Marks a route whose handler needs the exact bytes it was sent (a signed webhook) instead of a
 * parsed body: its JSON is not parsed at all (the handler verifies the bytes, then parses them).
 * Read them with `rawBodyOf`.
 */
export const KeepRawBody = () => mergeRouteConfig({ [KEEP_RAW_BODY]: true });

/** The bytes of a request to a @KeepRawBody() route; undefined for a request without a body. */
export function rawBodyOf(request: FastifyRequest): Buffer | undefined {
  return rawBodies.get(request);
}

/** Called by the JSON parser: true when it kept the bytes and must not parse them. */
export function keptRawBody(request: FastifyRequest, body: Buffer): boolean {
  if (!routeConfigOf(request.routeOptions.config)[KEEP_RAW_BODY]) return false;
  rawBodies.set(request, body);
  return true;
}
