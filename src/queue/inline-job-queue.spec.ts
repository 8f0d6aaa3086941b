import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/app-config';
import { InlineJobQueue } from './inline-job-queue';
import { JobMeter } from './job-meter';
import { JobRegistry } from './job-registry';

/** Runs are not what these tests look at. */
class NoJobMeter extends JobMeter {
  observe(): void {}
}

describe('the in-process queue', () => {
  let queue: InlineJobQueue | undefined;
  afterEach(() => queue?.beforeApplicationShutdown());

  function setUp(handler: (mapId: string) => Promise<void>) {
    const registry = new JobRegistry(new NoJobMeter());
    registry.register('prune-versions', ({ mapId }) => handler(mapId));
    // A 1 ms backoff: the retry schedule is the same, only shorter.
    queue = new InlineJobQueue(registry, loadConfig({ JOB_DEBOUNCE_MS: '30', LOG_LEVEL: 'silent' }), 1);
    return queue;
  }

  it('merges repeats of one map within the window and keeps other maps apart', async () => {
    const runs: string[] = [];
    const q = setUp(async (mapId) => void runs.push(mapId));
    for (let i = 0; i < 5; i++) await q.enqueue('prune-versions', { mapId: 'a' });
    await q.enqueue('prune-versions', { mapId: 'b' });
    await q.idle();
    expect(runs.sort()).toEqual(['a', 'b']);
  });

  it('queues a repeat that arrives while the job runs, so none is lost', async () => {
    let runs = 0;
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const q = setUp(async () => {
      runs++;
      if (runs === 1) {
        started();
        await new Promise<void>((r) => (release = r));
      }
    });
    await q.enqueue('prune-versions', { mapId: 'a' });
    await running;
    await q.enqueue('prune-versions', { mapId: 'a' });
    release();
    await q.idle();
    expect(runs).toBe(2);
  });

  it('retries a failing job with backoff and counts it failed at the end', async () => {
    let attempts = 0;
    const q = setUp(async () => {
      attempts++;
      if (attempts < 2) throw new Error('transient');
    });
    await q.enqueue('prune-versions', { mapId: 'a' });
    await q.idle();
    expect(attempts).toBe(2);
    expect(await q.counts()).toEqual({ waiting: 0, active: 0, failed: 0 });
  });

  it('counts a job failed once every attempt failed', async () => {
    let attempts = 0;
    const q = setUp(async () => {
      attempts++;
      throw new Error('permanent');
    });
    await q.enqueue('prune-versions', { mapId: 'a' });
    await q.idle();
    expect(attempts).toBe(5);
    expect(await q.counts()).toEqual({ waiting: 0, active: 0, failed: 1 });
  });

  it("runs a job outside the enqueuing caller's async context (its transaction), as a worker would", async () => {
    const callerContext = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const q = setUp(async () => void seen.push(callerContext.getStore()));
    await callerContext.run('inside the caller', () => q.enqueue('prune-versions', { mapId: 'a' }));
    await q.idle();
    await callerContext.run('inside the caller', async () => {
      await q.enqueue('prune-versions', { mapId: 'b' });
      await q.beforeApplicationShutdown();
    });
    expect(seen).toEqual([undefined, undefined]);
  });

  it('runs pending jobs on shutdown instead of dropping them', async () => {
    const runs: string[] = [];
    const q = setUp(async (mapId) => void runs.push(mapId));
    await q.enqueue('prune-versions', { mapId: 'late' });
    await q.beforeApplicationShutdown();
    expect(runs).toEqual(['late']);
  });
});
