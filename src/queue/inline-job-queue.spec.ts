import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/app-config';
import { InlineJobQueue } from './inline-job-queue';
import { JobRegistry } from './job-registry';

describe('the in-process queue', () => {
  let queue: InlineJobQueue | undefined;
  afterEach(() => queue?.beforeApplicationShutdown());

  function setUp(handler: (mapId: string) => Promise<void>) {
    const registry = new JobRegistry();
    registry.register('prune-versions', ({ mapId }) => handler(mapId));
    queue = new InlineJobQueue(registry, loadConfig({ JOB_DEBOUNCE_MS: '30', LOG_LEVEL: 'silent' }));
    return queue;
  }

  it('merges repeats of one map within the window and keeps other maps apart', async () => {
    const runs: string[] = [];
    const q = setUp(async (mapId) => void runs.push(mapId));
    for (let i = 0; i < 5; i++) await q.enqueue('prune-versions', { mapId: 'a' });
    await q.enqueue('prune-versions', { mapId: 'b' });
    await new Promise((r) => setTimeout(r, 100));
    expect(runs.sort()).toEqual(['a', 'b']);
  });

  it('queues a repeat that arrives while the job runs, so none is lost', async () => {
    let runs = 0;
    let release!: () => void;
    const q = setUp(async () => {
      runs++;
      if (runs === 1) await new Promise<void>((r) => (release = r));
    });
    await q.enqueue('prune-versions', { mapId: 'a' });
    await new Promise((r) => setTimeout(r, 60));
    await q.enqueue('prune-versions', { mapId: 'a' });
    release();
    await new Promise((r) => setTimeout(r, 100));
    expect(runs).toBe(2);
  });

  it('retries a failing job with backoff and counts it failed at the end', async () => {
    let attempts = 0;
    const q = setUp(async () => {
      attempts++;
      if (attempts < 2) throw new Error('transient');
    });
    await q.enqueue('prune-versions', { mapId: 'a' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(attempts).toBe(2);
    expect(await q.counts()).toEqual({ waiting: 0, active: 0, failed: 0 });
  });

  it('runs pending jobs on shutdown instead of dropping them', async () => {
    const runs: string[] = [];
    const q = setUp(async (mapId) => void runs.push(mapId));
    await q.enqueue('prune-versions', { mapId: 'late' });
    await q.beforeApplicationShutdown();
    expect(runs).toEqual(['late']);
  });
});
