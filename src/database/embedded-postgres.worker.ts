import { parentPort, workerData } from 'node:worker_threads';
import { EmbeddedPostgresMessage, startEmbeddedPostgres } from './embedded-postgres';
import { EmbeddedStartRefused } from './embedded-postgres-placement';

/** Starts the embedded PostgreSQL off the main thread, then stops it when asked. */
async function run(): Promise<void> {
  const port = parentPort!;
  const { dataDir, pgPort } = workerData as { dataDir: string; pgPort: number };
  try {
    const database = await startEmbeddedPostgres(dataDir, pgPort);
    port.once('message', () => {
      void database.stop().then(() => port.postMessage({ stopped: true } satisfies EmbeddedPostgresMessage));
    });
    port.postMessage({ url: database.url } satisfies EmbeddedPostgresMessage);
  } catch (error) {
    const message: EmbeddedPostgresMessage =
      error instanceof EmbeddedStartRefused
        ? { refused: error.message }
        : { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    port.postMessage(message);
  }
}

void run();
