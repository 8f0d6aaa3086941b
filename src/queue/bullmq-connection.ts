import { Redis } from 'ioredis';

/**
 * Producers fail fast when Redis is down (an upload must not hang on the queue); workers wait
 * and reconnect forever, as BullMQ requires of a blocking connection.
 */
export function createRedisConnection(url: string, role: 'producer' | 'worker'): Redis {
  return role === 'producer'
    ? new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false })
    : new Redis(url, { maxRetriesPerRequest: null });
}
