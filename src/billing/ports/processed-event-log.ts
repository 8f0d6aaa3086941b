/**
 * Webhook events already applied. `markProcessed` is called in the transaction that applies the
 * event: a repeat (even a concurrent one) finds the id taken and is skipped, and an application
 * that rolls back leaves the id free for the provider's retry.
 */
export abstract class ProcessedEventLog {
  /** True when the id was new (the caller applies the event); false for a repeat. */
  abstract markProcessed(eventId: string, type: string): Promise<boolean>;
}
