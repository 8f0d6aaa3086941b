import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { addServerTiming } from './diagnostics/server-timing';
import { PINO } from './logging/logging.module';
import { echoRequestId } from './logging/request-id';
import { logRequests } from './logging/request-log';
import { AppMetrics } from './metrics/app-metrics';
import { meterHttp } from './metrics/http-metrics';

/**
 * The HTTP side of observability, on the app's Fastify instance before its routes exist: Nest's
 * logs through pino, the request id echoed, one log line and one histogram sample per request,
 * and (diagnostics on) Server-Timing.
 */
export function instrumentHttp(app: NestFastifyApplication, config: AppConfig): void {
  app.useLogger(app.get(PinoNestLogger));
  const instance = app.getHttpAdapter().getInstance();
  echoRequestId(instance);
  logRequests(instance, app.get<Logger>(PINO));
  if (config.metrics.enabled) meterHttp(instance, app.get(AppMetrics));
  if (config.diagnostics.enabled) addServerTiming(instance);
}
