import type { BrowserContext, Page } from 'playwright-core';

export interface CapturedRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

/**
 * Every request the browser makes in `context`, with all headers (cookies included) and the
 * body as sent, and every event stream it read (as `stream:<url>`, what arrived so far): what a hostile
 * server or network would see.
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
  // The event stream is the one answer read here too: what the server tells every device live.
  // Event streams are read through the DevTools protocol, which hands over a streamed answer's
  // bytes as they arrive (Playwright gives a response body only once it has ended normally).
  const streams = new Map<string, { url: string; headers: Record<string, string>; chunks: Buffer[] }>();
  const watchPage = (page: Page) => {
    pending.push(
      (async () => {
        const cdp = await context.newCDPSession(page);
        cdp.on('Network.responseReceived', (event) => {
          if (event.response.mimeType !== 'text/event-stream') return;
          const stream = { url: event.response.url, headers: event.response.headers as Record<string, string>, chunks: [] as Buffer[] };
          streams.set(event.requestId, stream);
          cdp.send('Network.streamResourceContent', { requestId: event.requestId }).then(
            (answer) => void stream.chunks.unshift(Buffer.from(answer.bufferedData, 'base64')),
            () => undefined,
          );
        });
        cdp.on('Network.dataReceived', (event) => {
          if (event.data) streams.get(event.requestId)?.chunks.push(Buffer.from(event.data, 'base64'));
        });
        await cdp.send('Network.enable');
      })().catch(() => undefined),
    );
  };
  for (const page of context.pages()) watchPage(page);
  context.on('page', watchPage);
  return {
    requests,
    settled: async () => {
      await Promise.all(pending);
      const read = [...streams.values()].map((st) => ({ url: `stream:${st.url}`, headers: st.headers, body: Buffer.concat(st.chunks) }));
      return [...requests, ...read];
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
