import { Logger, OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ATTEMPTS_MEMORY_S, BackoffPolicy, LoginAttempts } from '../ports/login-attempts';

/**
 * One atomic step per attempt: refuse while locked (answering the milliseconds left), else count
 * it and lock for the backoff its count earns. Same arithmetic as lockAfter().
 */
const TAKE = `
local now = tonumber(ARGV[1])
local free = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local locked = tonumber(redis.call('HGET', KEYS[1], 'lockedUntil') or '0')
if now < locked then return locked - now end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
local over = attempts - free
local wait = 0
if over >= 0 then wait = math.min(2 ^ math.min(over, 30), cap) end
redis.call('HSET', KEYS[1], 'lockedUntil', now + wait * 1000)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 0
`;

/** Counts in Redis (REDIS_URL): every API process sees the same attempts. */
export class RedisLoginAttempts extends LoginAttempts implements OnModuleDestroy {
  private readonly logger = new Logger('LoginAttempts');

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
    // Reported by take() when it matters; ioredis would otherwise print every reconnect failure.
    redis.on('error', () => undefined);
  }

  override async take(account: string, policy: BackoffPolicy): Promise<number> {
    try {
      const waitMs = Number(await this.redis.eval(TAKE, 1, this.key(account), Date.now(), policy.freeAttempts, policy.maxBackoffS, ATTEMPTS_MEMORY_S));
      return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
    } catch (error) {
      // NOTE: like the rate limiter, an outage of Redis must not stop every login: the per-IP
      // limit still holds in that case; the per-account one resumes when Redis answers.
      this.logger.warn(`per-account login limit not applied, Redis unavailable: ${(error as Error).message}`);
      return 0;
    }
  }

  override async clear(account: string): Promise<void> {
    await this.redis.del(this.key(account)).catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(account: string): string {
    return `${this.prefix}:login-attempts:${account}`;
  }
}
