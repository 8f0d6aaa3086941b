import type { FastifyInstance, FastifyRequest } from 'fastify';
import { JsonTooDeep } from '../errors/common.errors';
import { keptRawBody } from './raw-body';

/** Deepest nesting of arrays and objects a JSON body may have; the deepest DTO needs 4. */
export const MAX_JSON_DEPTH = 32;

/**
 * Replaces Fastify's JSON parser with one that refuses bodies nested deeper than MAX_JSON_DEPTH
 * before parsing them (deep nesting overflowed the validator's recursion: a 500), and keeps the
 * bytes unparsed for @KeepRawBody() routes. Parsing itself is still Fastify's (prototype-poisoning
 * checks included); the size limit is the route's `bodyLimit`, checked while reading.
 */
export function installJsonParser(instance: FastifyInstance): void {
  const parse = instance.getDefaultJsonParser('error', 'error');
  instance.removeContentTypeParser('application/json');
  instance.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer | string, done) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    if (keptRawBody(request, bytes)) return done(null, undefined);
    if (nestingDepthExceeds(bytes, MAX_JSON_DEPTH)) return done(new JsonTooDeep(MAX_JSON_DEPTH), undefined);
    parse(request, bytes.toString('utf8'), done);
  });
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]);
const CLOSE = new Set([0x5d, 0x7d]);

/** One pass over the bytes: true as soon as brackets outside strings nest deeper than `max`. */
export function nestingDepthExceeds(bytes: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (OPEN.has(byte)) {
      if (++depth > max) return true;
    } else if (CLOSE.has(byte)) {
      depth--;
    }
  }
  return false;
}
