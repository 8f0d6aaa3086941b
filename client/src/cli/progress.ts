/**
 * Progress of uploads and downloads on stderr, for large files only: a line redrawn in place on
 * a terminal, a few milestone lines (25/50/75/100%) otherwise, so logs stay short.
 */
import type { ProgressCallback } from '../api/http-client.js';
import type { CliIo } from './io.js';

/** Smaller transfers finish before a progress line would help. */
export const PROGRESS_MIN_BYTES = 1024 * 1024;
const REDRAW_MS = 100;

export interface Progress {
  update: ProgressCallback;
  /** Ends a redrawn line; safe to call when nothing was shown. */
  done(): void;
}

export function progress(io: CliIo, label: string): Progress {
  let shown = false;
  let lastDraw = 0;
  let nextMilestone = 0;
  return {
    update(done, total) {
      if (total === undefined || total < PROGRESS_MIN_BYTES) return;
      const percent = Math.floor((done / total) * 100);
      const line = `${label} ${formatBytes(done)} / ${formatBytes(total)} (${percent}%)`;
      if (io.status) {
        const now = Date.now();
        if (done < total && now - lastDraw < REDRAW_MS) return;
        lastDraw = now;
        io.status(line);
        shown = true;
      } else if (percent >= nextMilestone) {
        io.err(line);
        nextMilestone = Math.min(100, (Math.floor(percent / 25) + 1) * 25);
        if (percent === 100) nextMilestone = 101;
      }
    },
    done() {
      if (shown) io.status?.(null);
      shown = false;
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
