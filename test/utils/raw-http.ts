import { request } from 'node:http';

/**
 * Sends a request whose body is not what its headers promise (too short, chunked) and reports
 * what came back, or that the connection was cut: things fetch refuses to send.
 */
export function rawRequest(
  url: string,
  options: {
    method: string;
    headers: Record<string, string | number>;
    chunks: Buffer[];
    abortAfterChunks?: boolean;
    /** With abortAfterChunks: vanish once this settles, instead of after a fixed pause. */
    abortWhen?: Promise<unknown>;
  },
): Promise<{ status?: number; body?: string; aborted: boolean }> {
  return new Promise((resolve) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body, aborted: false }));
      res.on('error', () => resolve({ status: res.statusCode, body, aborted: true }));
    });
    req.on('error', () => resolve({ aborted: true }));
    for (const chunk of options.chunks) req.write(chunk);
    if (options.abortAfterChunks) {
      const vanish = () => {
        req.destroy();
        resolve({ aborted: true });
      };
      // Give the server time to start streaming (or wait for the caller's sign that it has), then vanish mid-body.
      if (options.abortWhen) void options.abortWhen.finally(vanish);
      else setTimeout(vanish, 200);
    } else {
      req.end();
    }
  });
}

export interface StreamingRequest {
  /** Sends part of the body; a write after the server closed the connection is dropped. */
  write(chunk: Buffer): void;
  end(): void;
  /** The answer, or `aborted` when the connection was cut before one came. */
  response: Promise<{ status?: number; body?: string; aborted: boolean }>;
}

/** A request whose body the test sends piece by piece, so it can act between the pieces. */
export function streamingRequest(url: string, options: { method: string; headers: Record<string, string | number> }): StreamingRequest {
  let closed = false;
  const req = request(url, { method: options.method, headers: options.headers });
  const response = new Promise<{ status?: number; body?: string; aborted: boolean }>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body, aborted: false }));
      res.on('error', () => resolve({ status: res.statusCode, body, aborted: true }));
    });
    req.on('error', () => {
      closed = true;
      resolve({ aborted: true });
    });
    req.on('close', () => (closed = true));
  });
  return {
    write: (chunk) => void (closed || req.write(chunk)),
    end: () => void (closed || req.end()),
    response,
  };
}

export interface OpenRequest {
  /** Sends part of the body; false once the connection is gone. */
  write(chunk: Buffer | string): Promise<boolean>;
  end(): void;
  /** The answer, or `closed` if the server cut the connection without one. */
  answer: Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string } | { closed: true }>;
  /** Resolves once the connection is closed, by either side. */
  closed: Promise<void>;
  destroy(): void;
}

/**
 * A request whose body the test sends piece by piece (or never finishes), to see what the server
 * answers before the body is complete: a limit checked up front, a trickle cut.
 */
export function openRequest(url: string, method: string, headers: Record<string, string | number>): OpenRequest {
  const req = request(url, { method, headers });
  let gone = false;
  const closed = new Promise<void>((done) => req.once('close', () => ((gone = true), done())));
  const answer = new Promise<Awaited<OpenRequest['answer']>>((resolve) => {
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', () => setImmediate(() => resolve({ closed: true })));
    req.once('close', () => setImmediate(() => resolve({ closed: true })));
  });
  req.flushHeaders();
  return {
    write: (chunk) =>
      new Promise((done) => {
        if (gone || req.destroyed) return done(false);
        req.write(chunk, (error) => done(!error));
      }),
    end: () => req.end(),
    answer,
    closed,
    destroy: () => req.destroy(),
  };
}

export interface StalledRequest {
  /** Settles when the server answers, or with `aborted` when the connection is cut. */
  answer: Promise<{ status?: number; body?: string; aborted: boolean }>;
  /** Whether an answer (or a cut) has come yet. */
  settled(): boolean;
  /** The client vanishes. */
  abort(): void;
}

/** Declares `contentLength`, sends `first` and then stalls, as a slow or hostile client does. */
export function stalledRequest(url: string, headers: Record<string, string | number>, contentLength: number, first: Buffer): StalledRequest {
  let done = false;
  let req!: ReturnType<typeof request>;
  const answer = new Promise<{ status?: number; body?: string; aborted: boolean }>((resolve) => {
    req = request(url, { method: 'PUT', headers: { ...headers, 'content-length': contentLength } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body, aborted: false }));
      res.on('error', () => resolve({ status: res.statusCode, body, aborted: true }));
    });
    req.on('error', () => resolve({ aborted: true }));
    req.write(first);
  }).finally(() => (done = true));
  return { answer, settled: () => done, abort: () => req.destroy() };
}
