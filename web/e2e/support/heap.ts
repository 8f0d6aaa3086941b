import { setTimeout as sleep } from 'node:timers/promises';
import type { CDPSession, Page } from 'playwright-core';

/**
 * Between two samples, in ms. Each sample is a full collection on the page's main thread: back to
 * back they would slow the export several times over. Memory a page accumulates stays until the
 * end, so sparse samples still see it; a short spike between two may be missed.
 */
const SAMPLE_GAP_MS = 50;

/** The page's live JavaScript memory: the V8 heap plus array buffers' backing stores (where the zip's bytes live). */
async function liveBytes(cdp: CDPSession): Promise<number> {
  // Garbage first: only what the page still holds counts, not what V8 has yet to collect.
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  return usage.usedSize + usage.backingStorageSize;
}

/**
 * Runs `work` while sampling the page's live JavaScript memory; answers where it was before and
 * its peak during, sampled every SAMPLE_GAP_MS.
 */
export async function heapDuring(page: Page, work: () => Promise<void>): Promise<{ before: number; peak: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const before = await liveBytes(cdp);
    let peak = before;
    let running = true;
    const sampling = (async () => {
      while (running) {
        peak = Math.max(peak, await liveBytes(cdp));
        await sleep(SAMPLE_GAP_MS);
      }
    })();
    try {
      await work();
    } finally {
      running = false;
      await sampling;
    }
    return { before, peak };
  } finally {
    await cdp.detach();
  }
}
