/**
 * One-time tickets that open an event stream where a header cannot be sent (a browser's
 * EventSource): `issue` returns a random ticket for the user, valid `ttlS` seconds; `redeem`
 * answers its user once and never again (undefined for an unknown, used or expired ticket). Only
 * a hash of a ticket is stored, so a ticket never sits in Redis or memory as itself.
 */
export abstract class StreamTickets {
  abstract issue(userId: string, ttlS: number): Promise<string>;
  abstract redeem(ticket: string): Promise<string | undefined>;

  /** Releases its connection, if it holds one; Nest calls it at shutdown. */
  async onApplicationShutdown(): Promise<void> {}
}
