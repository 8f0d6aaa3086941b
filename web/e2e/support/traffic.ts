import type { BrowserContext } from 'playwright-core';

export interface CapturedRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

/**
 * Every request the browser makes in `context`, with all headers (cookies included) and the
 * body as sent: what a hostile server or network would see.
 */
export function captureTraffic(context: BrowserContext): { requests: CapturedRequest[]; settled: () => Promise<CapturedRequest[]> } {
  const requests: CapturedRequest[] = [];
  const pending: Promise<void>[] = [];
  context.on('request', (request) => {
    pending.push(
      request.allHeaders().then((headers) => {
        requests.push({ url: request.url(), headers, body: request.postDataBuffer() });
      }),
    );
  });
  return {
    requests,
    settled: async () => {
      await Promise.all(pending);
      return requests;
    },
  };
}

/** The secrets (as UTF-8 and as they could be URL-encoded) that appear anywhere in the traffic. */
export function leakedSecrets(requests: CapturedRequest[], secrets: string[]): string[] {
  const leaked = new Set<string>();
  for (const request of requests) {
    const haystacks = [request.url, decodeURIComponentSafe(request.url), JSON.stringify(request.headers), request.body?.toString('utf8') ?? '', request.body?.toString('latin1') ?? ''];
    for (const secret of secrets) {
      if (haystacks.some((h) => h.includes(secret) || h.includes(encodeURIComponent(secret)))) leaked.add(secret);
    }
  }
  return [...leaked];
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
