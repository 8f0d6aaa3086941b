import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import type { AppConfig } from '../src/config/app-config';
import { BullMqJobQueue } from '../src/queue/bullmq-job-queue';
import type { ReconcileReport } from '../src/storage/domain/reconcile-run';
import { freePort } from '../test/utils/free-port';
import type { Figure } from './figure';
import { runPool } from './http-client';
import { appEnv, resetPeakRss, rssOf, S3Settings, spawnNode, startPostgres, waitForHttp } from './infra';

export interface ReconcileBenchEnv {
  redisUrl: string;
  s3: S3Settings;
  jwtSecret: string;
}

const MiB = 1024 * 1024;
const SIZES = [30_000, 100_000];
const GOAL = 1.2;
const ROUNDS = 2;
/** Each seeded user owns 10 maps of 10 versions. */
const VERSIONS_PER_USER = 100;
/** One object in this many has no row (an orphan to delete), one row in this many no object. */
const ONE_IN = 100;
const OBJECT_BYTES = 64;

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * `reconcile`: one sweep of N stored objects in a worker process (the real one, on BullMQ, over
 * the filesystem blob store and a fresh database), for N = 30,000 and 100,000. Peak RSS of the
 * worker during the sweep must stay flat in N.
 */
export async function benchReconcile(env: ReconcileBenchEnv): Promise<Figure> {
  console.log('\n[reconcile] one reconcile sweep of 30,000 and of 100,000 stored objects (worker process)');
  const runs = new Map<number, SweepMeasure[]>(SIZES.map((n) => [n, []]));
  // Alternating sizes, a fresh worker and database each time, so the machine's drift hits both alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const n of SIZES) runs.get(n)!.push(await measureSweep(env, n));
  }
  const peakOf = (n: number) => Math.max(...runs.get(n)!.map((r) => r.peakRssBytes));
  const ratio = peakOf(SIZES[1]) / peakOf(SIZES[0]);
  return {
    name: 'reconcile sweep, worker peak RSS at 100,000 stored objects ÷ at 30,000 (time reported)',
    goal: `≤ ${GOAL}`,
    ratio,
    pass: ratio <= GOAL,
    raw: Object.fromEntries(
      [...runs].map(([n, rs]) => [
        `objects${n}`,
        {
          sweepSeconds: rs.map((r) => round3(r.sweepSeconds)),
          objectsPerS: rs.map((r) => Math.round(r.objects / r.sweepSeconds)),
          rssBeforeMiB: rs.map((r) => round1(r.rssBeforeBytes / MiB)),
          peakRssMiB: rs.map((r) => round1(r.peakRssBytes / MiB)),
          growthMiB: rs.map((r) => round1((r.peakRssBytes - r.rssBeforeBytes) / MiB)),
          seedSeconds: rs.map((r) => round1(r.seedSeconds)),
          report: rs[0].report,
        },
      ]),
    ),
    note:
      `filesystem blob store; ${VERSIONS_PER_USER} objects per user (10 maps × 10 versions); one object in ${ONE_IN} unreferenced ` +
      `(deleted), one row in ${ONE_IN} without its object (the sweep does not look for those), ${ONE_IN}th of N orphan-ledger ` +
      'entries, one user in ten with a wrong usage counter; peak = VmHWM after clear_refs and VmRSS sampled every 10 ms, the larger of the rounds',
  };
}

interface SweepMeasure {
  objects: number;
  sweepSeconds: number;
  seedSeconds: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
  report: Omit<ReconcileReport, 'usageCorrections'>;
}

async function measureSweep(env: ReconcileBenchEnv, objects: number): Promise<SweepMeasure> {
  const pg = await startPostgres();
  const dataDir = await mkdtemp(join(tmpdir(), 'mindvault-bench-gc-'));
  const metricsPort = await freePort();
  const prefix = `mvbench-gc-${objects}`;
  // The bench's environment without its S3 settings: this worker keeps its objects in files.
  const base = Object.fromEntries(Object.entries(appEnv({ ...env, databaseUrl: pg.url })).filter(([name]) => !name.startsWith('S3_')));
  const worker = spawnNode('reconcile worker', 'src/worker.js', {
    ...base,
    DATA_DIR: dataDir,
    QUEUE_PREFIX: prefix,
    WORKER_METRICS_PORT: String(metricsPort),
    // Only the sweep this bench asks for, and every unreferenced object counts, however young.
    RECONCILE_INTERVAL_S: '0',
    ORPHAN_GRACE_S: '0',
  });
  const pool = new Pool({ connectionString: pg.url, max: 4 });
  const queue = new BullMqJobQueue({ queue: { redisUrl: env.redisUrl, prefix, debounceMs: 0 } } as AppConfig);
  try {
    // Up once its metrics answer: the migrations ran before that.
    await waitForHttp(`http://127.0.0.1:${metricsPort}/metrics`, worker);
    let started = performance.now();
    const expected = await seed(pool, join(dataDir, 'blobs'), objects);
    const seedSeconds = (performance.now() - started) / 1000;
    console.log(`  ${objects} objects seeded in ${round1(seedSeconds)} s`);

    await sleep(2000);
    const rssBeforeBytes = rssOf(worker.pid);
    const hwmReset = resetPeakRss(worker.pid);
    let peak = rssBeforeBytes;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(worker.pid))), 10);
    const runId = randomUUID();
    await pool.query(`INSERT INTO reconcile_runs (id, requested_by, status, requested_at) VALUES ($1, NULL, 'queued', now())`, [runId]);
    started = performance.now();
    await queue.enqueue('reconcile-storage', { runId });
    let run: { status: string; report: ReconcileReport | null; error: string | null; seconds: number | null };
    for (;;) {
      const { rows } = await pool.query<typeof run>(
        `SELECT status, report, error, extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM reconcile_runs WHERE id = $1`,
        [runId],
      );
      run = rows[0];
      if (run.status === 'done' || run.status === 'failed') break;
      if (performance.now() - started > 600_000) throw new Error(`the sweep of ${objects} objects did not finish in 10 minutes`);
      await sleep(50);
    }
    clearInterval(sampler);
    if (hwmReset) peak = Math.max(peak, rssOf(worker.pid, 'VmHWM'));
    if (run.status !== 'done' || !run.report) throw new Error(`the sweep failed: ${run.error}\n${worker.tail()}`);
    const { usageCorrections: _listed, ...report } = run.report;
    for (const [field, value] of Object.entries(expected) as [keyof typeof expected, number][]) {
      if (report[field] !== value) throw new Error(`the sweep reported ${field} ${report[field]}, the seed expects ${value}`);
    }
    console.log(`  swept in ${round1(run.seconds ?? 0)} s, peak RSS ${round1(peak / MiB)} MiB (before ${round1(rssBeforeBytes / MiB)} MiB)`);
    return { objects, sweepSeconds: run.seconds ?? 0, seedSeconds, rssBeforeBytes, peakRssBytes: peak, report };
  } finally {
    await queue.onApplicationShutdown();
    await worker.stop();
    await pool.end();
    await pg.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Users of 10 maps × 10 versions (rows through SQL), an object file per version row except one in
 * ONE_IN, one unreferenced object per ONE_IN rows, ledger entries for objects already gone, and a
 * wrong counter for one user in ten. Returns what the sweep should report.
 */
async function seed(pool: Pool, blobDir: string, objects: number) {
  const users = objects / VERSIONS_PER_USER;
  const bytes = randomBytes(32);
  await pool.query(
    `INSERT INTO users (id, email, auth_key_hash, kdf_salt, kdf_memory_kib, kdf_iterations, kdf_parallelism,
                        classical_public_key, pq_public_key, classical_priv_encrypted, pq_priv_encrypted)
     SELECT gen_random_uuid(), 'gc-' || g || '@example.com', 'hash', $1, 65536, 3, 1, $1, $1, $1, $1 FROM generate_series(1, $2::int) g`,
    [bytes, users],
  );
  await pool.query(
    `INSERT INTO mind_maps (id, owner_id, encrypted_title, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek,
                            max_versions, head_version_id, size_bytes, version_count)
     SELECT gen_random_uuid(), u.id, $1, $1, $1, $1, 10, NULL, $2, 10 FROM users u, generate_series(1, 10)`,
    [bytes, OBJECT_BYTES],
  );
  await pool.query(
    `INSERT INTO map_versions (id, map_id, owner_id, object_key, size_bytes, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek)
     SELECT v.id, m.id, m.owner_id, 'users/' || m.owner_id || '/maps/' || m.id || '/' || v.id, $1,
            m.env_eph_classical_public, m.env_eph_pq_ciphertext, m.env_wrapped_dek
     FROM mind_maps m CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id FROM generate_series(1, 10) WHERE m.id IS NOT NULL) v`,
    [OBJECT_BYTES],
  );
  await pool.query('INSERT INTO user_usage (user_id, usage_bytes) SELECT owner_id, sum(size_bytes) FROM map_versions GROUP BY owner_id');
  const wrong = await pool.query('UPDATE user_usage SET usage_bytes = usage_bytes + 1 WHERE user_id IN (SELECT id FROM users ORDER BY id LIMIT $1)', [
    users / 10,
  ]);
  const ledger = await pool.query(
    `INSERT INTO orphan_objects (object_key, reason)
     SELECT 'users/' || gen_random_uuid() || '/maps/' || gen_random_uuid() || '/' || gen_random_uuid(), 'bench: delete failed'
     FROM generate_series(1, $1::int)`,
    [objects / ONE_IN],
  );
  await pool.query('ANALYZE');

  const { rows } = await pool.query<{ object_key: string }>('SELECT object_key FROM map_versions');
  const body = randomBytes(OBJECT_BYTES);
  const store = async (key: string) => {
    const path = join(blobDir, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  };
  let orphans = 0;
  await runPool(rows.length, 16, async (i) => {
    const key = rows[i].object_key;
    if (i % ONE_IN === 0) return;
    await store(key);
    if (i % ONE_IN === 1) {
      orphans++;
      await store(`${dirname(key)}/${randomUUID()}`);
    }
  });
  return {
    objectsScanned: objects,
    orphansDeleted: orphans,
    orphanBytesDeleted: orphans * OBJECT_BYTES,
    orphanDeleteFailures: 0,
    ledgerEntriesSettled: ledger.rowCount ?? 0,
    usersChecked: users,
    usageCorrectionCount: wrong.rowCount ?? 0,
  };
}
