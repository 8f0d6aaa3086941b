import { Module } from '@nestjs/common';
import { AccountsModule } from '../auth/accounts.module';
import { AppConfig } from '../config/app-config';
import { createRedisConnection } from '../queue/bullmq-connection';
import { AccountEvents } from './account-events.service';
import { MemoryEventLog } from './adapters/memory-event-log';
import { MemoryStreamTickets } from './adapters/memory-stream-tickets';
import { RedisEventLog } from './adapters/redis-event-log';
import { RedisStreamTickets } from './adapters/redis-stream-tickets';
import { EventStreamHub } from './event-stream-hub.service';
import { EventsController } from './events.controller';
import { EventLog } from './ports/event-log';
import { StreamTickets } from './ports/stream-tickets';

/**
 * The per-user event stream: features publish through AccountEvents; GET /api/events streams.
 * With REDIS_URL the log and tickets live in Redis (every API process sees every event), else in
 * this process.
 */
@Module({
  imports: [AccountsModule],
  controllers: [EventsController],
  providers: [
    {
      provide: EventLog,
      inject: [AppConfig],
      useFactory: (config: AppConfig): EventLog => {
        const { replayLength, replayWindowS } = config.events;
        const url = config.queue.redisUrl;
        return url
          ? new RedisEventLog(createRedisConnection(url, 'producer'), () => createRedisConnection(url, 'worker'), config.queue.prefix, replayLength, replayWindowS * 1000)
          : new MemoryEventLog(replayLength, replayWindowS * 1000);
      },
    },
    {
      provide: StreamTickets,
      inject: [AppConfig],
      useFactory: (config: AppConfig): StreamTickets =>
        config.queue.redisUrl ? new RedisStreamTickets(createRedisConnection(config.queue.redisUrl, 'producer'), config.queue.prefix) : new MemoryStreamTickets(),
    },
    AccountEvents,
    EventStreamHub,
  ],
  exports: [AccountEvents],
})
export class EventsModule {}
