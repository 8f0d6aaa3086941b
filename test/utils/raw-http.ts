import { request } from 'node:http';

/**
 * Sends a request whose body is not what its headers promise (too short, chunked) and reports
 * what came back, or that the connection was cut: things fetch refuses to send.
 */
export function rawRequest(
  url: string,
  options: { method: string; headers: Record<string, string | number>; chunks: Buffer[]; abortAfterChunks?: boolean },
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
      // Give the server time to start streaming, then vanish mid-body.
      setTimeout(() => {
        req.destroy();
        resolve({ aborted: true });
      }, 200);
    } else {
      req.end();
    }
  });
}
