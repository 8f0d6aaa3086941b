import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: what `POST /api/events/ticket` hands out. */
export function newTicket(): string {
  return randomBytes(32).toString('base64url');
}

/** Tickets are looked up by their SHA-256, so the store never holds one that could be replayed. */
export function hashTicket(ticket: string): string {
  return createHash('sha256').update(ticket, 'utf8').digest('base64url');
}
