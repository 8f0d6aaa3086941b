import { generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 defaults every authenticator app assumes: SHA-1, 6 digits, 30-second steps. */
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_S = 30;
/** Secret bytes: 160 bits, RFC 4226's recommended length (otplib refuses under 128). */
const SECRET_BYTES = 20;
/** Seconds of clock drift accepted either way: one step early or late. */
const DRIFT_S = TOTP_PERIOD_S;

export function newTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/** The otpauth:// URI an authenticator app scans (as a QR code) or takes typed in. */
export function totpUri(secret: string, account: string, issuer: string): string {
  return generateURI({ secret, label: account, issuer, digits: TOTP_DIGITS, period: TOTP_PERIOD_S });
}

/**
 * The time step `code` belongs to if it is valid now (within one step of drift) and later than
 * `afterStep`, else null: a code is accepted once, and never one older than the last accepted.
 */
export async function acceptedStep(secret: string, code: string, afterStep: number | null): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_S,
    epochTolerance: DRIFT_S,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  // The functional verify answers TOTP and HOTP results alike; only a TOTP one carries the step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
