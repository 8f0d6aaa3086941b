import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DynamicModule, LogLevel, NestApplicationOptions } from '@nestjs/common';
import { AppModule } from '../app.module';
import { createValidationPipe } from '../common/http/validation.pipe';
import { AppConfig } from '../config/app-config';
import { installBlobParser } from '../common/http/blob-body';
import { instrumentHttp } from '../observability/instrument-http';
import { requestIdGenerator } from '../observability/logging/request-id';
import { addSecurityHeaders, helmetHeaders } from './security-headers';
import { DOCS_PREFIX, setUpSwagger } from './swagger';
import { nestLogLevels } from './log-levels';
import { serveWebApp } from '../web/serve-web-app';
import { installRequestGuards, serverOptions } from './http-hardening';
import { trustedProxyCheck } from '../common/http/trusted-proxies';

/** Instantiates the root module; tests pass one that binds fakes of outside services (Stripe). */
export type NestAppFactory = (
  root: DynamicModule,
  adapter: FastifyAdapter,
  options: NestApplicationOptions,
) => Promise<NestFastifyApplication>;

const nestFactory: NestAppFactory = (root, adapter, options) => NestFactory.create<NestFastifyApplication>(root, adapter, options);

/** Builds the HTTP app exactly as production runs it; tests call this too. */
export async function createHttpApp(
  config: AppConfig,
  databaseUrl: string,
  create: NestAppFactory = nestFactory,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    ...serverOptions(config),
    logger: false,
    genReqId: requestIdGenerator(trustedProxyCheck(config.http.trustProxy)),
  });
  // Blobs are not parsed: the handler streams the raw request straight to the blob store.
  installBlobParser(adapter.getInstance());
  const app = await create(AppModule.forRoot(config, databaseUrl), adapter, {
    logger: nestLogLevels(config.logLevel) as LogLevel[],
    bufferLogs: true,
    // JSON is parsed by installRequestGuards' parser (depth-bounded); nothing else is parsed.
    bodyParser: false,
  });
  instrumentHttp(app, config);
  await installRequestGuards(app, config);
  // CSP everywhere but the Swagger UI, whose page it would block.
  const [headers, docsHeaders] = await Promise.all([helmetHeaders({}), helmetHeaders({ contentSecurityPolicy: false })]);
  addSecurityHeaders(app.getHttpAdapter().getInstance(), headers, { prefix: DOCS_PREFIX, headers: docsHeaders });
  app.useGlobalPipes(createValidationPipe());
  if (config.http.swaggerEnabled) setUpSwagger(app);
  await serveWebApp(app, { distDir: config.web.distDir, billingEnabled: config.billing.stripe !== undefined });
  await app.init();
  return app;
}
