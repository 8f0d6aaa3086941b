/**
 * Logins that passed the password and wait for their second step. A challenge is known only by
 * the SHA-256 of its token, lives a few minutes, dies after a few wrong codes, and is consumed by
 * the step that completes it. Joins the caller's UnitOfWork transaction.
 */
export abstract class LoginChallenges {
  /** Also drops the user's expired challenges. */
  abstract open(tokenHash: Buffer, userId: string, expiresAt: Date): Promise<void>;
  /** The user of a live challenge, or undefined (unknown, expired, spent). */
  abstract userOf(tokenHash: Buffer): Promise<string | undefined>;
  /** Counts a wrong code; the challenge is deleted once it has `maxFailures`. */
  abstract recordFailure(tokenHash: Buffer, maxFailures: number): Promise<void>;
  /** Deletes a live challenge; false when it was not live (a concurrent step consumed it). */
  abstract consume(tokenHash: Buffer): Promise<boolean>;
  /** Records the WebAuthn challenge this login's passkey must sign (replacing an earlier one). */
  abstract setPasskeyChallenge(tokenHash: Buffer, challenge: string): Promise<void>;
  /** The WebAuthn challenge of a live login challenge, if one was asked for. */
  abstract passkeyChallengeOf(tokenHash: Buffer): Promise<string | undefined>;
  /** Deletes every challenge past its end; returns how many. */
  abstract purgeExpired(): Promise<number>;
}
