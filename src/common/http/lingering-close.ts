import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface LingerRule {
  /** Milliseconds, at most, of reading after the answer; 0 closes at once. */
  maxMs: number;
  /** Bytes, at most, read and discarded after the answer. */
  maxBytes: number;
}

/** How often a lingering socket's byte count is looked at, ms. */
const CHECK_EVERY_MS = 50;

/**
 * An answer sent before its request's body was read (401, 413, 415, 429, a failed upload) closes
 * the connection: keeping it would mean reading any amount of body to reach the next request. But
 * closing a socket with unread bytes in its receive buffer makes the kernel send a reset, and a
 * client still sending (Node's fetch, a browser) then reports EPIPE or "network error" instead
 * of the answer already on its way: "storage full" became "connection reset". So, like nginx's
 * lingering close, the server sends its answer, shuts its side (FIN), and keeps reading and
 * discarding until the client is done, `maxMs` have passed or `maxBytes` were read, whichever
 * comes first; then it closes.
 */
export function lingerAfterEarlyAnswers(instance: FastifyInstance, rule: LingerRule): void {
  instance.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete) {
      void reply.header('connection', 'close');
      // A client that hung up mid-body has no socket left to linger on (Node sets it to null).
      const socket = request.raw.socket as Socket | null;
      if (rule.maxMs > 0 && socket) lingerOnClose(socket, rule);
    }
    done(null, payload);
  });
}

const lingering = new WeakSet<Socket>();

/**
 * Node's HTTP server ends a `connection: close` answer's socket with destroySoon(): FIN, then
 * destroy() as soon as the answer is flushed, unread bytes or not. Here destroySoon() sends the
 * FIN alone (the server's sockets are half-open capable) and leaves the destroy to the rule. The
 * HTTP parser keeps consuming what arrives and discards it (the request is dumped).
 */
function lingerOnClose(socket: Socket, rule: LingerRule): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  socket.destroySoon = () => {
    const startBytes = socket.bytesRead;
    const startMs = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const close = () => {
      clearTimeout(timer);
      socket.destroy();
    };
    const check = () => {
      if (socket.destroyed) return;
      if (Date.now() - startMs >= rule.maxMs || socket.bytesRead - startBytes > rule.maxBytes) return close();
      timer = setTimeout(check, CHECK_EVERY_MS);
      timer.unref();
    };
    socket.once('end', close);
    socket.once('error', close);
    socket.end();
    socket.resume();
    check();
  };
}
