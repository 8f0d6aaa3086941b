import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HASHED_ASSET_CACHE, REVALIDATE_CACHE, WEB_APP_CSP } from './web-app-headers';

export interface WebAppOptions {
  /** The Vite build: index.html, assets/ and any public files. */
  distDir: string;
  /** Whether checkout can work; the app hides "upgrade" otherwise. */
  billingEnabled: boolean;
}

/** Paths the app never claims: a GET there that matches no route stays the API's 404. */
const SERVER_PREFIXES = ['/api/', '/docs', '/health', '/metrics', '/queues'];

/**
 * Serves the browser app from the API's origin (no CORS): the hashed assets with a year-long
 * immutable cache, every other GET that looks like a page (no file extension, outside the API)
 * with index.html, so client-side routes such as /maps/<id> and /s/<token> survive a reload.
 * The API, /docs and /health are untouched. Without a build the API runs alone.
 */
export async function serveWebApp(app: NestFastifyApplication, options: WebAppOptions): Promise<void> {
  const indexPath = join(options.distDir, 'index.html');
  if (!existsSync(indexPath)) {
    new Logger('WebApp').warn(`no web app at ${options.distDir} (npm run build): serving the API only`);
    return;
  }
  const indexHtml = withBillingFlag(readFileSync(indexPath, 'utf8'), options.billingEnabled);

  await app.register(fastifyStatic, {
    root: options.distDir,
    prefix: '/',
    // One route per file found at start-up; anything else falls to the page route below.
    wildcard: false,
    index: false,
    // Swagger's own @fastify/static registration already decorates the reply.
    decorateReply: false,
    allowedPath: (path) => path !== '/index.html',
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? HASHED_ASSET_CACHE : REVALIDATE_CACHE);
      reply.header('content-security-policy', WEB_APP_CSP);
    },
  });

  const instance = app.getHttpAdapter().getInstance();
  instance.get('/*', (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    const lastSegment = path.slice(path.lastIndexOf('/') + 1);
    if (SERVER_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix)) || lastSegment.includes('.')) {
      return reply.callNotFound();
    }
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', REVALIDATE_CACHE)
      .header('content-security-policy', WEB_APP_CSP)
      .send(indexHtml);
  });
}

/** The app reads this meta tag at start (an inline script would need a CSP hash). */
function withBillingFlag(html: string, enabled: boolean): string {
  return html.replace('</head>', `  <meta name="mindvault-billing" content="${enabled ? 'enabled' : 'disabled'}">\n  </head>`);
}
