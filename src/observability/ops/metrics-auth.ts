import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * With a token set, every request to the metrics listener must carry it: `Authorization: Bearer
 * <token>` (Prometheus) or Basic auth with the token as password (a browser opening the queue
 * dashboard). Compared in constant time, as SHA-256 digests so the lengths always match.
 */
export function requireToken(instance: FastifyInstance, token: string): void {
  const expected = digest(token);
  instance.addHook('onRequest', (request, reply, done) => {
    if (presented(request.headers.authorization).some((candidate) => timingSafeEqual(digest(candidate), expected))) {
      done();
      return;
    }
    void reply.code(401).header('www-authenticate', 'Basic realm="mindvault metrics", charset="UTF-8"').send({ statusCode: 401, error: 'Unauthorized', code: 'UNAUTHENTICATED', message: 'metrics token required' });
  });
}

function presented(header: string | undefined): string[] {
  if (!header) return [];
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme.toLowerCase() === 'bearer') return [value];
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? [decoded.slice(colon + 1)] : [];
  }
  return [];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
