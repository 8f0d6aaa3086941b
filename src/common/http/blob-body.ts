import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BLOB_CONTENT_TYPE } from '../domain/blob-content-type';
import { UnsupportedMediaType } from '../errors/common.errors';
import { mergeRouteConfig, routeConfigOf } from './route-config';

const ACCEPTS_BLOB = 'mindvaultAcceptsBlob';

/** Marks a route whose handler streams an `application/octet-stream` body itself (an upload). */
export const AcceptsBlobBody = () => mergeRouteConfig({ [ACCEPTS_BLOB]: true });

/**
 * The body types the server takes besides JSON: octet-stream on @AcceptsBlobBody() routes, left
 * unparsed for the handler to stream, and nothing else. Any other body, octet-stream on a JSON
 * route or Fastify's default text/plain included, is 415 UNSUPPORTED_MEDIA_TYPE (docs/api.md),
 * not a 400 from validating a body that was never JSON.
 */
export function installBlobParser(instance: FastifyInstance): void {
  instance.removeContentTypeParser('text/plain');
  instance.addContentTypeParser(BLOB_CONTENT_TYPE, (request: FastifyRequest, _payload, done) => {
    if (routeConfigOf(request.routeOptions.config)[ACCEPTS_BLOB]) done(null, undefined);
    else done(new UnsupportedMediaType('this route takes application/json'), undefined);
  });
}
