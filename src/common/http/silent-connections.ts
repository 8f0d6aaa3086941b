import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * On close, the connections that never sent a byte are dropped at once. Node's server close
 * waits for every connection, and one that was opened and then left silent (a client's spare
 * connection; seen next to event streams whose reader stalled) is neither idle nor busy to it:
 * the close waited for the socket's idle timeout (a minute). Nothing is in flight on such a
 * connection, so nothing is lost.
 */
export function dropSilentConnectionsOnClose(instance: FastifyInstance): void {
  const open = new Set<Socket>();
  instance.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  instance.addHook('preClose', (done) => {
    for (const socket of open) if (socket.bytesRead === 0) socket.destroy();
    done();
  });
}
