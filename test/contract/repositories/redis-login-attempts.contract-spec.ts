import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { RedisLoginAttempts } from '../../../src/auth/login-throttle/redis-login-attempts';
import { createRedisConnection } from '../../../src/queue/bullmq-connection';
import { describeLoginAttemptsContract } from './login-attempts.contract';

describeLoginAttemptsContract('RedisLoginAttempts on Redis', async () => {
  const url = inject('redisUrl')!;
  const prefix = `contract-${randomBytes(6).toString('hex')}`;
  const redis = createRedisConnection(url, 'producer');
  // A producer connection refuses commands until it is ready rather than queueing them.
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  const attempts = new RedisLoginAttempts(redis, prefix);
  const down: RedisLoginAttempts[] = [];
  return {
    attempts,
    // Port 1 on the loopback has no listener: every command fails at once.
    unreachable: () => {
      const store = new RedisLoginAttempts(createRedisConnection('redis://127.0.0.1:1', 'producer'), prefix);
      down.push(store);
      return store;
    },
    cleanup: async () => {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      for (const store of [attempts, ...down]) await store.onModuleDestroy();
    },
  };
}, { hasBackend: true, skip: !inject('redisUrl') });
