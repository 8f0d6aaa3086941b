import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config';
import { createPinoLogger } from './pino-logger';

/** The pino logger itself, for the per-request line (hot path: no Nest logger wrapping). */
export const PINO = Symbol('pino');

/**
 * Nest's logger as pino (nestjs-pino): every `Logger` in the code writes JSON lines with its
 * context. NOTE: nestjs-pino's per-request middleware (pino-http, a child logger and an
 * async-local store per request) is not mounted (`forRoutes: []`); one Fastify hook writes the
 * request line instead (see logRequests). nestjs-pino keeps one root logger per process: the first
 * app built in a process sets it.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    const logger: Logger = createPinoLogger(config);
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] })],
      providers: [{ provide: PINO, useValue: logger }],
      exports: [PINO],
    };
  }
}
