import { pipeline, Transform } from 'node:stream';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest, onRouteHookHandler, preParsingHookHandler } from 'fastify';

const KEEP_RAW_BODY = 'mindvaultKeepRawBody';
const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/**
 * Marks a route whose handler needs the exact bytes it was sent (a signed webhook) besides the
 * parsed body. Only marked routes pay for the copy; read it with `rawBodyOf`.
 */
export const KeepRawBody = () => RouteConfig({ [KEEP_RAW_BODY]: true });

/** The bytes of a request to a @KeepRawBody() route; undefined for a request without a body. */
export function rawBodyOf(request: FastifyRequest): Buffer | undefined {
  return rawBodies.get(request);
}

/**
 * Fastify onRoute hook, added before any route is registered: gives each marked route a
 * preParsing step that records the body as it streams to the usual parser, so the parser and its
 * limits stay as they are for every route.
 */
export const keepRawBodyOfMarkedRoutes: onRouteHookHandler = (route) => {
  const config = route.config as Record<string, unknown> | undefined;
  if (!config?.[KEEP_RAW_BODY]) return;
  const existing = route.preParsing;
  route.preParsing = [...(existing ? (Array.isArray(existing) ? existing : [existing]) : []), recordRawBody];
};

const recordRawBody: preParsingHookHandler = (request, _reply, payload, done) => {
  const chunks: Buffer[] = [];
  const recorder = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      chunks.push(chunk);
      next(null, chunk);
    },
    flush(next) {
      rawBodies.set(request, Buffer.concat(chunks));
      next();
    },
  });
  // pipeline, not pipe: a client that goes away mid-body must fail the parse, not hang it.
  done(null, pipeline(payload, recorder, () => {}));
};
