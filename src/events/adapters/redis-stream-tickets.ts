import type { Redis } from 'ioredis';
import { StreamTickets } from '../ports/stream-tickets';
import { hashTicket, newTicket } from '../stream-ticket';

/** Tickets in Redis, so a ticket issued by one API process opens a stream on any other. */
export class RedisStreamTickets extends StreamTickets {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  async issue(userId: string, ttlS: number): Promise<string> {
    const ticket = newTicket();
    await this.redis.set(this.key(ticket), userId, 'EX', ttlS);
    return ticket;
  }

  async redeem(ticket: string): Promise<string | undefined> {
    // GETDEL: read and spend in one step, so two racing redemptions cannot both succeed.
    return (await this.redis.getdel(this.key(ticket))) ?? undefined;
  }

  override async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(ticket: string): string {
    return `${this.prefix}:events:ticket:${hashTicket(ticket)}`;
  }
}
