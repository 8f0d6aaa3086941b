import { createParser, EventSourceMessage } from 'eventsource-parser';

export interface ReceivedEvent {
  id?: string;
  type: string;
  data: Record<string, unknown>;
}

/** An open GET /api/events, read as a browser would: frames parsed by eventsource-parser. */
export interface TestEventStream {
  status: number;
  headers: Headers;
  /** The error body when the status is not 200. */
  body?: Record<string, unknown>;
  /** Everything received so far, in order. */
  received: ReceivedEvent[];
  retryMs?: number;
  heartbeats: number;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Waits for the next event of `type` not yet taken (by next or all) and returns it. */
  next(type: string, timeoutMs?: number): Promise<ReceivedEvent>;
  close(): void;
}

export async function openEventStream(
  baseUrl: string,
  options: { token?: string; ticket?: string; lastEventId?: string; query?: string } = {},
): Promise<TestEventStream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
  const query = options.query ?? (options.ticket ? `?ticket=${options.ticket}` : '');
  const response = await fetch(`${baseUrl}/api/events${query}`, { headers, signal: controller.signal });
  if (response.status !== 200) {
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
      received: [],
      heartbeats: 0,
      ended: Promise.resolve(),
      next: () => Promise.reject(new Error(`stream refused: ${response.status}`)),
      close: () => undefined,
    };
  }
  const received: ReceivedEvent[] = [];
  let taken = 0;
  const waiters = new Set<() => void>();
  const stream: TestEventStream = {
    status: 200,
    headers: response.headers,
    received,
    heartbeats: 0,
    ended: Promise.resolve(),
    next: async (type, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = received.findIndex((e, i) => i >= taken && e.type === type);
        if (index >= 0) {
          taken = index + 1;
          return received[index];
        }
        if (Date.now() > deadline) throw new Error(`no ${type} event within ${timeoutMs} ms; got ${JSON.stringify(received.slice(taken))}`);
        await new Promise<void>((done) => {
          const timer = setTimeout(done, Math.max(1, deadline - Date.now()));
          waiters.add(() => {
            clearTimeout(timer);
            done();
          });
        });
      }
    },
    close: () => controller.abort(),
  };
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => {
      received.push({ id: message.id, type: message.event ?? 'message', data: JSON.parse(message.data) as Record<string, unknown> });
      for (const wake of [...waiters]) wake();
      waiters.clear();
    },
    onRetry: (ms) => void (stream.retryMs = ms),
    onComment: () => void (stream.heartbeats += 1),
  });
  stream.ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted by close(), or cut by the server
    }
    for (const wake of [...waiters]) wake();
  })();
  return stream;
}
