import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { placeEmbeddedPostgres } from './embedded-postgres-placement';

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

/** The embedded cluster, and where its files are: not the `dataDir` asked for when they had to move. */
export interface EmbeddedDatabase extends RunningDatabase {
  dataDir: string;
}

const USER = 'mindvault';
const DATABASE = 'mindvault';

/**
 * The zero-install default: real PostgreSQL binaries from npm, with a persistent data directory.
 * Only for development; production sets DATABASE_URL.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const place = await placeEmbeddedPostgres(dataDir);
  if (place.movedFrom) {
    logger.warn(`${place.movedFrom} is out of reach of the postgres OS user that runs PostgreSQL for root: the cluster lives in ${place.dataDir}`);
  }
  // NOTE: the package is ESM-only; a dynamic import keeps this CommonJS build loading it.
  const { default: EmbeddedPostgres } = await place.load();
  const pg = new EmbeddedPostgres({
    databaseDir: place.dataDir,
    port,
    user: USER,
    password: USER,
    persistent: true,
    // NOTE: initdb without its fsyncs takes half the time, and the first `npm start` waits for it. A
    // machine crash in those seconds could leave a broken cluster, which only a development
    // database (this one) may risk; everything written afterwards is synced as usual.
    initdbFlags: ['--no-sync'],
    // Running as root (containers, CI) needs a separate OS user for postgres.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (error: unknown) => logger.error(String(error)),
  });
  if (!existsSync(join(place.dataDir, 'PG_VERSION'))) {
    logger.log(`initialising a PostgreSQL data directory in ${place.dataDir}`);
    await pg.initialise();
  }
  await pg.start();
  const client = pg.getPgClient();
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  logger.log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return { url: `postgres://${USER}:${USER}@127.0.0.1:${port}/${DATABASE}`, dataDir: place.dataDir, stop: () => pg.stop() };
}

/** What embedded-postgres.worker.ts answers startEmbeddedPostgresAside. */
export type EmbeddedPostgresMessage = { url: string } | { error: string } | { stopped: true };

/**
 * startEmbeddedPostgres on a worker thread: PostgreSQL starts (or first initialises, the longest
 * step of a first start) while the caller's thread does other work, e.g. loads the application.
 */
export function startEmbeddedPostgresAside(dataDir: string, port: number): Promise<RunningDatabase> {
  const worker = new Worker(join(__dirname, 'embedded-postgres.worker.js'), { workerData: { dataDir, pgPort: port } });
  const next = () =>
    new Promise<EmbeddedPostgresMessage>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  return next().then((started) => {
    if ('error' in started) throw new Error(`embedded PostgreSQL did not start: ${started.error}`);
    if (!('url' in started)) throw new Error('embedded PostgreSQL worker answered out of turn');
    return {
      url: started.url,
      stop: async () => {
        const stopped = next();
        worker.postMessage('stop');
        await stopped;
        await worker.terminate();
      },
    };
  });
}
