import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createHttpApp } from './bootstrap/create-http-app';
import { ConfigError, loadConfig } from './config/app-config';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { runUntilSignal } from './bootstrap/run-until-signal';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const database = config.database.url
    ? { url: config.database.url, stop: async () => {} }
    : await startEmbeddedPostgres(config.database.embeddedDir, config.database.embeddedPort);
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
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
