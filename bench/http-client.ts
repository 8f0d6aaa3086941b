import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** One keep-alive agent for the whole bench, as a real client library would have. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface Answer {
  status: number;
  body: Buffer;
  /** Wall time of the whole exchange in ms. */
  ms: number;
}

/**
 * Sends `body` (a buffer, or `repeat` copies of it streamed with backpressure, never held whole)
 * and reads the whole answer.
 */
export function send(
  method: string,
  url: string,
  options: { headers?: Record<string, string | number>; body?: Buffer; repeat?: number } = {},
): Promise<Answer> {
  const started = performance.now();
  const repeat = options.repeat ?? 1;
  const length = options.body ? options.body.length * repeat : 0;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { ...(options.body ? { 'content-length': length } : {}), ...options.headers } });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - started }));
    });
    if (!options.body) return void req.end();
    const chunk = options.body;
    let sent = 0;
    const pump = () => {
      while (sent < repeat) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

export async function json<T>(method: string, url: string, body?: unknown, token?: string): Promise<T> {
  const res = await send(method, url, {
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${res.body.toString('utf8')}`);
  return (res.body.length > 0 ? JSON.parse(res.body.toString('utf8')) : undefined) as T;
}

/** Runs `count` tasks with at most `concurrency` at a time; returns the results in order. */
export async function runPool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  });
  await Promise.all(lanes);
  return results;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const median = (values: number[]) => percentile(values, 50);
