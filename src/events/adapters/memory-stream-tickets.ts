import { StreamTickets } from '../ports/stream-tickets';
import { hashTicket, newTicket } from '../stream-ticket';

/** Tickets in this process (no Redis: the only API process). */
export class MemoryStreamTickets extends StreamTickets {
  private readonly tickets = new Map<string, { userId: string; expiresAt: number }>();

  async issue(userId: string, ttlS: number): Promise<string> {
    const now = Date.now();
    // Expired tickets go whenever one is issued: the map never holds more than a window's worth.
    for (const [hash, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(hash);
    const ticket = newTicket();
    this.tickets.set(hashTicket(ticket), { userId, expiresAt: now + ttlS * 1000 });
    return ticket;
  }

  async redeem(ticket: string): Promise<string | undefined> {
    const hash = hashTicket(ticket);
    const entry = this.tickets.get(hash);
    this.tickets.delete(hash);
    return entry && entry.expiresAt > Date.now() ? entry.userId : undefined;
  }
}
