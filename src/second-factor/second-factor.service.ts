import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { raise } from '../common/errors/raise';
import { UnitOfWork } from '../database/unit-of-work';
import { isTotpCode, newBackupCodes, normalizeBackupCode } from './domain/backup-codes';
import { acceptedStep, newTotpSecret, totpUri } from './domain/totp';
import { LoginChallenges } from './ports/login-challenges';
import { TotpFactors } from './ports/totp-factors';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { PasskeyService } from './passkey.service';
import { SecondFactorKeys } from './second-factor-keys';
import { InvalidChallenge, InvalidSecondFactor, NoPendingEnrolment, SecondFactorEnabled, SecondFactorNotEnabled } from './second-factor.errors';

/** Seconds a login may take between its password step and its second step. */
export const CHALLENGE_TTL_S = 300;
/** Wrong codes one challenge takes before it is closed (the account's backoff counts them too). */
export const CHALLENGE_MAX_FAILURES = 5;
const ISSUER = 'Mindvault';

export interface SecondFactorStatus {
  totpEnabled: boolean;
  backupCodesLeft: number;
  passkeys: { id: string; name: string; createdAt: Date }[];
}

/** What a login's second step brings: a TOTP or backup code, or a passkey's signature. */
export type SecondStepProof = { code: string } | { passkey: AuthenticationResponseJSON };

/**
 * TOTP second factor (RFC 6238) with single-use backup codes: enrolment in two steps (a pending
 * secret, enabled by its first valid code), the login's second step, and removal. Each TOTP code
 * is accepted once (the factor keeps the last accepted time step), each backup code once.
 * Proving the password (currentAuthKey) is the caller's part.
 */
@Injectable()
export class SecondFactorService {
  private readonly logger = new Logger('SecondFactor');

  constructor(
    private readonly factors: TotpFactors,
    private readonly challenges: LoginChallenges,
    private readonly keys: SecondFactorKeys,
    private readonly uow: UnitOfWork,
    private readonly passkeys: PasskeyService,
  ) {}

  async status(userId: string): Promise<SecondFactorStatus> {
    const factor = await this.factors.find(userId);
    const totpEnabled = factor?.enabled === true;
    const passkeys = (await this.passkeys.list(userId)).map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt }));
    return { totpEnabled, backupCodesLeft: totpEnabled ? await this.factors.unusedBackupCodes(userId) : 0, passkeys };
  }

  /** Whether a login needs a second step: a TOTP factor, a passkey, or both. */
  async isEnabled(userId: string): Promise<boolean> {
    return (await this.methods(userId)).length > 0;
  }

  /** The second steps this account's login takes. */
  async methods(userId: string): Promise<string[]> {
    const methods: string[] = [];
    if ((await this.factors.find(userId))?.enabled === true) methods.push('totp', 'backup-code');
    if (await this.passkeys.hasAny(userId)) methods.push('passkey');
    return methods;
  }

  /** The signing request for a login's passkey step; its challenge is kept with the login challenge. */
  async passkeyOptions(token: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const userId = await this.challengedUser(token);
    const options = await this.passkeys.loginOptions(userId);
    await this.challenges.setPasskeyChallenge(hashOf(token), options.challenge);
    return options;
  }

  /** A fresh pending secret (replacing an unconfirmed one); the user's app takes it from the URI. */
  async beginTotp(userId: string, account: string): Promise<{ secret: string; otpauthUri: string }> {
    const secret = newTotpSecret();
    if (!(await this.factors.savePending(userId, this.keys.seal(userId, secret)))) throw new SecondFactorEnabled();
    return { secret, otpauthUri: totpUri(secret, account, ISSUER) };
  }

  /** The first valid code enables the factor; answers the backup codes, shown once. */
  async confirmTotp(userId: string, code: string): Promise<{ backupCodes: string[] }> {
    const factor = await this.factors.find(userId);
    if (factor?.enabled) throw new SecondFactorEnabled();
    if (!factor) throw new NoPendingEnrolment();
    const step = isTotpCode(code) ? await acceptedStep(this.keys.open(userId, factor.secretSealed), code.replace(/\s/g, ''), null) : null;
    if (step === null) throw new InvalidSecondFactor();
    const backupCodes = newBackupCodes();
    await this.uow.run(async () => {
      if (!(await this.factors.enable(userId, step))) throw new SecondFactorEnabled();
      await this.factors.replaceBackupCodes(userId, backupCodes.map((c) => this.keys.codeHash(userId, normalizeBackupCode(c)!)));
    });
    return { backupCodes };
  }

  /** Removes the factor once a current code (or a backup code) proves it is still held. */
  async disable(userId: string, code: string): Promise<void> {
    if (!(await this.isEnabled(userId))) throw new SecondFactorNotEnabled();
    await this.uow.run(async () => {
      if (!(await this.spend(userId, code))) throw new InvalidSecondFactor();
      await this.factors.remove(userId);
    });
  }

  /** After a right password on an account with a factor: the token the second step must bring. */
  async openChallenge(userId: string): Promise<{ token: string; expiresInS: number }> {
    const token = randomBytes(32).toString('base64url');
    await this.challenges.open(hashOf(token), userId, new Date(Date.now() + CHALLENGE_TTL_S * 1000));
    return { token, expiresInS: CHALLENGE_TTL_S };
  }

  /** The user a live challenge belongs to; INVALID_CHALLENGE otherwise. */
  async challengedUser(token: string): Promise<string> {
    return (await this.challenges.userOf(hashOf(token))) ?? raise(new InvalidChallenge());
  }

  /**
   * Spends the code and the challenge; answers the user to issue tokens for. A wrong code counts
   * against the challenge (closed after CHALLENGE_MAX_FAILURES) and is INVALID_SECOND_FACTOR.
   */
  async completeChallenge(token: string, proof: SecondStepProof): Promise<string> {
    const tokenHash = hashOf(token);
    const userId = await this.challengedUser(token);
    if (!(await this.prove(userId, tokenHash, proof))) {
      await this.challenges.recordFailure(tokenHash, CHALLENGE_MAX_FAILURES);
      throw new InvalidSecondFactor();
    }
    if (!(await this.challenges.consume(tokenHash))) throw new InvalidChallenge();
    return userId;
  }

  private async prove(userId: string, tokenHash: Buffer, proof: SecondStepProof): Promise<boolean> {
    if ('code' in proof) return this.spend(userId, proof.code);
    const challenge = await this.challenges.passkeyChallengeOf(tokenHash);
    return challenge !== undefined && this.passkeys.verifyLogin(userId, challenge, proof.passkey);
  }

  /** Drops login challenges nobody finished; the session purge job calls it. */
  purgeExpiredChallenges(): Promise<number> {
    return this.challenges.purgeExpired();
  }

  /** A TOTP code newer than the last accepted one, or an unused backup code: spent, true. */
  private async spend(userId: string, code: string): Promise<boolean> {
    const factor = await this.factors.find(userId);
    if (!factor?.enabled) return false;
    if (isTotpCode(code)) {
      let secret: string;
      try {
        secret = this.keys.open(userId, factor.secretSealed);
      } catch {
        // A changed SECOND_FACTOR_SECRET: no code can verify until the factor is removed.
        this.logger.error(`the TOTP secret of user ${userId} does not open with SECOND_FACTOR_SECRET`);
        return false;
      }
      const step = await acceptedStep(secret, code.replace(/\s/g, ''), factor.lastStep);
      return step !== null && (await this.factors.advanceStep(userId, step));
    }
    const normalized = normalizeBackupCode(code);
    return normalized !== null && (await this.factors.spendBackupCode(userId, this.keys.codeHash(userId, normalized)));
  }
}

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
