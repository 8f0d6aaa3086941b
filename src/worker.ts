import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { nestLogLevels } from './bootstrap/log-levels';
import { runUntilSignal } from './bootstrap/run-until-signal';
import { ConfigError, loadConfig } from './config/app-config';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (!config.database.url || !config.queue.redisUrl) {
    throw new ConfigError('the worker needs DATABASE_URL and REDIS_URL; without Redis the API runs jobs itself');
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, config.database.url), {
    logger: nestLogLevels(config.logLevel),
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoNestLogger));
  new Logger('Worker').log('processing jobs');
  runUntilSignal(() => app.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
