import { Injectable } from '@nestjs/common';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { AppConfig } from '../config/app-config';
import { Passkey, Passkeys } from './ports/passkeys';
import { InvalidSecondFactor, NoPendingEnrolment, PasskeyNotFound } from './second-factor.errors';

/** Seconds an enrolment or a login's passkey ceremony may take. */
const CEREMONY_TTL_S = 300;
const RP_NAME = 'Mindvault';

/**
 * Passkeys (WebAuthn, @simplewebauthn/server) as a second factor: enrolment (options, then the
 * authenticator's attestation) and the signature a login's second step brings. Credentials are
 * bound to the configured relying party id; a ceremony is accepted only from an allowed origin
 * (WEBAUTHN_ORIGINS, or any origin on the RP id's host). Each signature must move the
 * authenticator's counter on, so a replayed assertion is refused.
 */
@Injectable()
export class PasskeyService {
  constructor(
    private readonly passkeys: Passkeys,
    private readonly config: AppConfig,
  ) {}

  list(userId: string): Promise<Passkey[]> {
    return this.passkeys.list(userId);
  }

  async hasAny(userId: string): Promise<boolean> {
    return (await this.passkeys.list(userId)).length > 0;
  }

  async enrolmentOptions(userId: string, email: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.passkeys.list(userId);
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: this.config.auth.webauthn.rpId,
      userName: email,
      userID: new TextEncoder().encode(userId),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      timeout: CEREMONY_TTL_S * 1000,
    });
    await this.passkeys.saveEnrolment(userId, options.challenge, new Date(Date.now() + CEREMONY_TTL_S * 1000));
    return options;
  }

  /** Verifies the authenticator's answer to the enrolment's challenge and stores the passkey. */
  async enrol(userId: string, response: RegistrationResponseJSON, name: string): Promise<Passkey> {
    const challenge = await this.passkeys.takeEnrolment(userId);
    if (challenge === undefined) throw new NoPendingEnrolment('no passkey enrolment is waiting (or it took over 5 minutes): ask for options first');
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.allowedOrigin(response.response.clientDataJSON),
        expectedRPID: this.config.auth.webauthn.rpId,
        requireUserVerification: false,
      });
    } catch {
      throw new InvalidSecondFactor();
    }
    if (!verified.verified) throw new InvalidSecondFactor();
    const { credential } = verified.registrationInfo;
    const passkey = {
      id: credential.id,
      userId,
      publicKey: Buffer.from(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ?? [],
      name,
    };
    await this.passkeys.add(passkey);
    return { ...passkey, createdAt: new Date() };
  }

  async remove(userId: string, id: string): Promise<void> {
    if (!(await this.passkeys.remove(userId, id))) throw new PasskeyNotFound();
  }

  /** What a login's second step asks the authenticator to sign: the user's passkeys, a fresh challenge. */
  async loginOptions(userId: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const passkeys = await this.passkeys.list(userId);
    return generateAuthenticationOptions({
      rpID: this.config.auth.webauthn.rpId,
      allowCredentials: passkeys.map((p) => ({ id: p.id, transports: p.transports })),
      userVerification: 'preferred',
      timeout: CEREMONY_TTL_S * 1000,
    });
  }

  /** true when `response` is a signature of `challenge` by one of the user's passkeys, counted once. */
  async verifyLogin(userId: string, challenge: string, response: AuthenticationResponseJSON): Promise<boolean> {
    const passkey = await this.passkeys.find(userId, response.id);
    if (passkey === undefined) return false;
    try {
      const verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.allowedOrigin(response.response.clientDataJSON),
        expectedRPID: this.config.auth.webauthn.rpId,
        credential: { id: passkey.id, publicKey: new Uint8Array(passkey.publicKey), counter: passkey.counter, transports: passkey.transports },
        requireUserVerification: false,
      });
      return verified.verified && (await this.passkeys.advanceCounter(passkey.id, verified.authenticationInfo.newCounter));
    } catch {
      return false;
    }
  }

  /**
   * The origin the browser recorded, when it is one this server accepts: in WEBAUTHN_ORIGINS, or
   * (unset) on the RP id's own host. Anything else is given to the library as is expected to be
   * something impossible, so verification fails.
   */
  private allowedOrigin(clientDataJSON: string): string | string[] {
    const { origins, rpId } = this.config.auth.webauthn;
    if (origins.length > 0) return origins;
    try {
      const origin = String((JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { origin?: unknown }).origin);
      const url = new URL(origin);
      const secure = url.protocol === 'https:' || (url.protocol === 'http:' && rpId === 'localhost');
      if (secure && url.hostname === rpId) return origin;
    } catch {
      // A clientDataJSON that does not parse fails verification below.
    }
    return `https://${rpId}`;
  }
}
