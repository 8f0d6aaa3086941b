import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';

/**
 * Per-IP limit of the public routes, separate from the auth routes' one: same storage and the same
 * 429 RATE_LIMITED with Retry-After, but its own configured rate (PUBLIC_RATE_LIMIT_PER_MINUTE).
 */
@Injectable()
export class PublicRateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    // NOTE: named 'default' so the header stays plain Retry-After; the storage key also names
    // the route, so these counters never mix with the auth routes'.
    this.throttlers = [{ name: 'default', ttl: 60_000, limit: this.config.publicApi.rateLimitPerMinute }];
  }
}
