import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { createRedisConnection } from '../../queue/bullmq-connection';
import { QUEUE_NAME } from '../../queue/jobs';

export const QUEUE_DASHBOARD_PATH = '/queues';

/**
 * Bull Board for the BullMQ queue at /queues on the metrics listener. Jobs can be looked at and
 * failed ones retried; nothing can be removed, cleaned or added from it (the overdue sweep and
 * the reconcile job own that). Returns what closes its Redis connection.
 */
export async function mountQueueDashboard(instance: FastifyInstance, redisUrl: string, prefix: string): Promise<() => Promise<void>> {
  const connection = createRedisConnection(redisUrl, 'producer');
  // NOTE: without a listener ioredis prints every reconnect failure as an unhandled error.
  connection.on('error', () => {});
  const queue = new Queue(QUEUE_NAME, { connection, prefix });
  const board = new FastifyAdapter();
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(queue, { readOnlyMode: true, allowRetries: true })], serverAdapter: board });
  await instance.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  return async () => {
    await queue.close();
    connection.disconnect();
  };
}
