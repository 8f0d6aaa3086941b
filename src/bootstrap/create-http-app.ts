import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DynamicModule, LogLevel, NestApplicationOptions } from '@nestjs/common';
import { AppModule } from '../app.module';
import { keepRawBodyOfMarkedRoutes } from '../common/http/raw-body';
import { createValidationPipe } from '../common/http/validation.pipe';
import { AppConfig } from '../config/app-config';
import { BLOB_CONTENT_TYPE } from '../common/domain/blob-content-type';
import { instrumentHttp } from '../observability/instrument-http';
import { requestIdGenerator } from '../observability/logging/request-id';
import { addSecurityHeaders, helmetHeaders } from './security-headers';
import { setUpSwagger } from './swagger';
import { nestLogLevels } from './log-levels';
import { serveWebApp } from '../web/serve-web-app';

/** JSON bodies (key rotation carries an envelope per map) are capped here; blobs stream past it. */
const JSON_BODY_LIMIT = 16 * 1024 * 1024;

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
    bodyLimit: JSON_BODY_LIMIT,
    logger: false,
    trustProxy: config.http.trustProxy,
    genReqId: requestIdGenerator(() => config.http.trustProxy),
  });
  // Blobs are not parsed: the handler streams the raw request straight to the blob store.
  adapter.getInstance().addContentTypeParser(BLOB_CONTENT_TYPE, (_request, _payload, done) => done(null, undefined));
  // Signed webhooks need their exact bytes; only routes marked @KeepRawBody() keep a copy.
  adapter.getInstance().addHook('onRoute', keepRawBodyOfMarkedRoutes);
  const app = await create(AppModule.forRoot(config, databaseUrl), adapter, {
    logger: nestLogLevels(config.logLevel) as LogLevel[],
    bufferLogs: true,
  });
  instrumentHttp(app, config);
  // NOTE: the API serves JSON and bytes only; the CSP would also block the Swagger UI page.
  addSecurityHeaders(app.getHttpAdapter().getInstance(), await helmetHeaders({ contentSecurityPolicy: false }));
  app.useGlobalPipes(createValidationPipe());
  setUpSwagger(app);
  await serveWebApp(app, { distDir: config.web.distDir, billingEnabled: config.billing.stripe !== undefined });
  await app.init();
  return app;
}
