import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmProcessedEventLog } from '../../../src/billing/adapters/typeorm-processed-event-log';
import { ProcessedEventLog } from '../../../src/billing/ports/processed-event-log';
import { TransactionRequired } from '../../../src/database/unit-of-work';
import { holdOpen, repositoryHarness, RepositoryHarness } from './repository-harness';

const eventId = () => `evt_${randomUUID().replaceAll('-', '')}`;

describe('ProcessedEventLog contract: TypeORM on PostgreSQL', () => {
  let h: RepositoryHarness;
  let log: ProcessedEventLog;

  beforeAll(async () => {
    h = await repositoryHarness([{ provide: ProcessedEventLog, useClass: TypeOrmProcessedEventLog }]);
    log = h.app.get(ProcessedEventLog);
  });
  afterAll(() => h?.close());

  it('answers true for a new event id and false for every repeat, whatever its type', async () => {
    const id = eventId();
    expect(await h.uow.run(() => log.markProcessed(id, 'customer.subscription.updated'))).toBe(true);
    expect(await h.uow.run(() => log.markProcessed(id, 'customer.subscription.updated'))).toBe(false);
    expect(await h.uow.run(() => log.markProcessed(id, 'invoice.payment_failed'))).toBe(false);
    expect(await h.uow.run(() => log.markProcessed(eventId(), 'customer.subscription.updated'))).toBe(true);
  });

  it('refuses to mark an event outside the transaction that applies it', async () => {
    await expect(log.markProcessed(eventId(), 'checkout.session.completed')).rejects.toBeInstanceOf(TransactionRequired);
  });

  it('leaves the id free for a retry when the application rolls back', async () => {
    const id = eventId();
    const failure = new Error('applying the event failed');
    await expect(
      h.uow.run(async () => {
        expect(await log.markProcessed(id, 'checkout.session.completed')).toBe(true);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await h.uow.run(() => log.markProcessed(id, 'checkout.session.completed'))).toBe(true);
  });

  it('lets exactly one of concurrent deliveries of one event apply it', async () => {
    const id = eventId();
    const firsts = await Promise.all(Array.from({ length: 8 }, () => h.uow.run(() => log.markProcessed(id, 'invoice.paid'))));
    expect(firsts.filter(Boolean)).toHaveLength(1);
  });

  it('makes a concurrent delivery wait for the first one, and apply it if the first rolls back', async () => {
    const id = eventId();
    const failure = new Error('applying the event failed');
    const first = await holdOpen(
      h.uow,
      async () => expect(await log.markProcessed(id, 'invoice.paid')).toBe(true),
      async () => {
        throw failure;
      },
    );
    const retry = h.uow.run(() => log.markProcessed(id, 'invoice.paid'));
    const waited = await h.waitsForLock(retry);
    first.release();
    await expect(first.done).rejects.toBe(failure);
    expect(await retry).toBe(true);
    expect(waited).toBe(true);
  });
});
