import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { createRedisConnection } from './bullmq-connection';
import { JobCount, JobQueue, JobState, QueueCounts } from './job-queue';
import { dedupKey, JOB_ATTEMPTS, JOB_BACKOFF_MS, JobName, JobPayloads, QUEUE_NAME } from './jobs';

/** Jobs inspected per state when counting by name; the rest are counted as 'other'. */
const NAMED_COUNT_LIMIT = 1000;

/**
 * Counts jobs by state and name in one round trip. BullMQ keeps each state as a list or sorted set of
 * ids and the name in each job's hash; only the first NAMED_COUNT_LIMIT of a state are looked at, so
 * a scrape stays cheap for Redis however long the backlog.
 */
const COUNT_BY_NAME = `
local base, limit = KEYS[1], tonumber(ARGV[1])
local out = {}
local function tally(state, sources)
  local counts, other = {}, 0
  for _, source in ipairs(sources) do
    local key, kind = base .. source[1], source[2]
    local total = kind == 'list' and redis.call('LLEN', key) or redis.call('ZCARD', key)
    local ids = kind == 'list' and redis.call('LRANGE', key, 0, limit - 1) or redis.call('ZRANGE', key, 0, limit - 1)
    for _, id in ipairs(ids) do
      local name = redis.call('HGET', base .. id, 'name') or 'other'
      counts[name] = (counts[name] or 0) + 1
    end
    other = other + total - #ids
  end
  if other > 0 then counts['other'] = (counts['other'] or 0) + other end
  for name, n in pairs(counts) do
    table.insert(out, state); table.insert(out, name); table.insert(out, n)
  end
end
tally('waiting', {{'wait', 'list'}, {'paused', 'list'}, {'prioritized', 'zset'}})
tally('active', {{'active', 'list'}})
tally('delayed', {{'delayed', 'zset'}})
tally('failed', {{'failed', 'zset'}})
return out
`;

/** Producer side on BullMQ; the processors run in the worker process (src/worker.ts). */
@Injectable()
export class BullMqJobQueue extends JobQueue implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queue: Queue;

  constructor(private readonly config: AppConfig) {
    super();
    this.connection = createRedisConnection(config.queue.redisUrl!, 'producer');
    // NOTE: without a listener ioredis prints every reconnect failure as an unhandled error.
    this.connection.on('error', () => {});
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection, prefix: config.queue.prefix });
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    const debounceMs = this.config.queue.debounceMs;
    // Throttle-style dedup: repeats within the window merge into the delayed job; once the window
    // (= the delay) has passed, the job is running and a repeat makes a new one, so none is lost.
    await this.queue.add(name, payload, {
      delay: debounceMs,
      deduplication: { id: dedupKey(name, payload), ttl: Math.max(debounceMs, 1) },
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: JOB_BACKOFF_MS },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    });
  }

  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'failed');
    return { waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, failed: c.failed ?? 0 };
  }

  async jobCounts(): Promise<JobCount[]> {
    const flat = (await this.connection.eval(COUNT_BY_NAME, 1, `${this.config.queue.prefix}:${QUEUE_NAME}:`, NAMED_COUNT_LIMIT)) as (string | number)[];
    const counts: JobCount[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      counts.push({ state: flat[i] as JobState, job: flat[i + 1] as JobName | 'other', count: Number(flat[i + 2]) });
    }
    return counts;
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}
