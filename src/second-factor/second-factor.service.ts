import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { raise } from '../common/errors/raise';
import { UnitOfWork } from '../database/unit-of-work';
import { isTotpCode, newBackupCodes, normalizeBackupCode } from './domain/backup-codes';
import { acceptedStep, newTotpSecret, totpUri } from './domain/totp';
import { LoginChallenges } from './ports/login-challenges';
import { TotpFactors } from './ports/totp-factors';
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
}

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
  ) {}

  async status(userId: string): Promise<SecondFactorStatus> {
    const factor = await this.factors.find(userId);
    const totpEnabled = factor?.enabled === true;
    return { totpEnabled, backupCodesLeft: totpEnabled ? await this.factors.unusedBackupCodes(userId) : 0 };
  }

  async isEnabled(userId: string): Promise<boolean> {
    return (await this.factors.find(userId))?.enabled === true;
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
  async completeChallenge(token: string, code: string): Promise<string> {
    const tokenHash = hashOf(token);
    const userId = await this.challengedUser(token);
    if (!(await this.spend(userId, code))) {
      await this.challenges.recordFailure(tokenHash, CHALLENGE_MAX_FAILURES);
      throw new InvalidSecondFactor();
    }
    if (!(await this.challenges.consume(tokenHash))) throw new InvalidChallenge();
    return userId;
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
