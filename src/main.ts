import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { runUntilSignal } from './bootstrap/run-until-signal';
import { EmbeddedStartRefused } from './database/embedded-postgres-placement';
import { ConfigError, loadConfig } from './config/app-config';
import { RunningDatabase, startEmbeddedPostgresAside } from './database/embedded-postgres';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const starting: Promise<RunningDatabase> = config.database.url
    ? Promise.resolve({ url: config.database.url, stop: async () => {} })
    : startEmbeddedPostgresAside(config.database.dataDir, config.database.embeddedPort);
  // NOTE: the application's modules are loaded only now, while PostgreSQL starts on its worker
  // thread: the two longest steps of a start overlap instead of adding up.
  // (A failure meanwhile is reported by the await below, not as an unhandled rejection.)
  starting.catch(() => undefined);
  const { createHttpApp } = await import('./bootstrap/create-http-app.js');
  const database = await starting;
  const app = await createHttpApp(config, database.url);
  await app.listen({ port: config.http.port, host: config.http.host });
  const logger = new Logger('Mindvault');
  logger.log(`listening on http://${config.http.host}:${config.http.port} (docs at /docs)`);
  if (!config.queue.redisUrl) logger.log('no REDIS_URL: version pruning runs in this process');
  if (config.blob.driver === 'fs') logger.log(`blobs on the filesystem under ${config.blob.rootDir}`);
  runUntilSignal(async () => {
    // NOTE: close() drops the connections idle at that moment; one that falls idle later, when its
    // in-flight upload is answered, would hold the exit until its keep-alive timed out (72 s).
    const server = app.getHttpServer();
    const reaper = setInterval(() => server.closeIdleConnections(), 100);
    try {
      await app.close();
    } finally {
      clearInterval(reaper);
    }
    await database.stop();
  });
}

main().catch((error: unknown) => {
  // A refusal the operator must act on is printed as its message alone, without a stack.
    console.error(error instanceof ConfigError || error instanceof EmbeddedStartRefused ? error.message : error);
  process.exit(1);
});
