/**
 * Typed errors of the crypto core. Callers (UI, CLI, API client) branch on the class and on
 * `reason`, never on message text.
 */

export abstract class MindvaultCryptoError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Why a decryption was refused.
 * - `malformed`: wrong length, bad base64, bad magic — the input is not one of our formats.
 * - `unsupported-format`: a well-formed header naming a version or algorithm this client lacks.
 * - `authentication-failed`: the AEAD tag did not verify: wrong key (wrong password, wrong link,
 *   not our envelope) or tampered bytes. The two cannot be told apart, by design of AEAD.
 * - `key-mismatch`: a private key decrypted but does not belong to the public key next to it.
 * - `not-authentic`: the account MAC of an owner envelope did not verify: it was not made by this
 *   account for this map and keyVersion (planted, or moved from elsewhere), or is an
 *   unauthenticated v1 envelope where v2 is required. Never used.
 */
export type DecryptionFailure =
  | 'malformed'
  | 'unsupported-format'
  | 'authentication-failed'
  | 'key-mismatch'
  | 'not-authentic';

/** Anything encrypted could not be opened. Never accompanied by partial plaintext. */
export class DecryptionError extends MindvaultCryptoError {
  readonly code = 'DECRYPTION_FAILED';

  constructor(
    readonly reason: DecryptionFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The caller passed something unusable (wrong key length, bad KDF parameters, bad share URL). */
export class InvalidInputError extends MindvaultCryptoError {
  readonly code = 'INVALID_INPUT';
}

/**
 * KDF parameters outside the accepted policy. Distinct from InvalidInputError because a too-weak
 * set from prelogin may mean a malicious server fishing for a cheaply brute-forced authKey.
 */
export class KdfPolicyError extends MindvaultCryptoError {
  readonly code = 'KDF_POLICY_VIOLATION';
}

/** A blob decrypted and authenticated, but its plaintext is not a valid mind-map document. */
export class DocumentFormatError extends MindvaultCryptoError {
  readonly code = 'DOCUMENT_INVALID';
}

/** WebCrypto is missing, e.g. a browser page served over plain http (no secure context). */
export class CryptoUnavailableError extends MindvaultCryptoError {
  readonly code = 'CRYPTO_UNAVAILABLE';
}
