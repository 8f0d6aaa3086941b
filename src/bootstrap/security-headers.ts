import helmet, { FastifyHelmetOptions } from '@fastify/helmet';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';

/**
 * Helmet's headers, worked out once. @fastify/helmet rebuilds helmet's whole middleware on every
 * request, which cost a quarter of an authenticated GET's CPU; with no CSP nonces and no per-route
 * options the headers never change, so @fastify/helmet computes them once, on a private instance,
 * and every reply gets that set.
 */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const headersOf = async (configure: (probe: FastifyInstance) => Promise<void>) => {
    const probe = Fastify({ logger: false });
    await configure(probe);
    probe.get('/', async () => 'probe');
    const res = await probe.inject({ method: 'GET', url: '/' });
    await probe.close();
    return res.headers;
  };
  const plain = await headersOf(async () => {});
  const secured = await headersOf(async (probe) => void (await probe.register(helmet, options)));
  return Object.fromEntries(
    Object.entries(secured)
      .filter(([name, value]) => !(name in plain) && value !== undefined)
      .map(([name, value]) => [name, String(value)]),
  );
}

/**
 * Stamps `headers` on every reply, before any handler or error handler runs; replies to paths
 * under `except.prefix` get `except.headers` instead.
 */
export function addSecurityHeaders(
  instance: FastifyInstance,
  headers: Record<string, string>,
  except?: { prefix: string; headers: Record<string, string> },
): void {
  instance.addHook('onRequest', (request, reply, done) => {
    void reply.headers(except && request.url.startsWith(except.prefix) ? except.headers : headers);
    done();
  });
}
