/** A passkey as stored: what verifying its next signature needs, and how its owner named it. */
export interface Passkey {
  /** The credential id, base64url, as WebAuthn names it. */
  id: string;
  userId: string;
  publicKey: Buffer;
  /** The authenticator's signature counter at the last use (0 for authenticators that keep none). */
  counter: number;
  transports: string[];
  name: string;
  createdAt: Date;
}

/**
 * Users' passkeys and the challenge of an enrolment in progress (one per user, short-lived). Joins
 * the caller's UnitOfWork transaction.
 */
export abstract class Passkeys {
  abstract list(userId: string): Promise<Passkey[]>;
  abstract find(userId: string, id: string): Promise<Passkey | undefined>;
  abstract add(passkey: Omit<Passkey, 'createdAt'>): Promise<void>;
  /** Moves the counter on; false when the stored one is not below `counter` (a cloned or replayed authenticator). */
  abstract advanceCounter(id: string, counter: number): Promise<boolean>;
  /** false when the user has no such passkey. */
  abstract remove(userId: string, id: string): Promise<boolean>;
  abstract saveEnrolment(userId: string, challenge: string, expiresAt: Date): Promise<void>;
  /** The live enrolment challenge, deleted as it is read (each is used once). */
  abstract takeEnrolment(userId: string): Promise<string | undefined>;
}
