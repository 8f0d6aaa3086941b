import { Injectable, Logger } from '@nestjs/common';
import { AccountEvent } from './domain/account-event';
import { EventLog } from './ports/event-log';

/**
 * What features call after a change committed, to tell the account's devices. A publish that
 * fails is logged and swallowed: the change itself succeeded, and a device that missed the event
 * still sees the change on its next fetch (or a resync).
 */
@Injectable()
export class AccountEvents {
  private readonly logger = new Logger('AccountEvents');

  constructor(private readonly log: EventLog) {}

  async publish(userId: string, event: AccountEvent): Promise<void> {
    try {
      await this.log.append(userId, event);
    } catch (error) {
      this.logger.warn(`${event.type} for user ${userId} not published: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
