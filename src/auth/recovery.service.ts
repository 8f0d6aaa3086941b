import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { AccountEvents } from '../events/account-events.service';
import { KeyVersionGuard } from '../keys/key-version-guard.service';
import { KeyVersionConflict } from '../keys/keys.errors';
import { AccountDisabled, InvalidCredentials, InvalidRecoveryKey, RecoveryThrottled } from './auth.errors';
import { AuthKeyHasher } from './auth-key-hasher';
import { CurrentAuthKeyCheck } from './current-auth-key';
import { emailLookupKeys, normaliseEmail } from './domain/email-address';
import type { KdfParams, KeyBundle, User } from './domain/user';
import { LoginAttempts } from './ports/login-attempts';
import { RecoveryKey, RecoveryKeys } from './ports/recovery-keys';
import { UserRepository } from './ports/user.repository';
import { TokenService } from './token.service';

/** A recovery key's wrapping as the client sends it. */
export interface RecoveryWrapping {
  recoveryAuthKey: Buffer;
  classicalPrivEncrypted: Buffer;
  pqPrivEncrypted: Buffer;
}

/** What a client needs, beside the recovery key, to open the account's private keys. */
export interface RecoveryKeyMaterial {
  keyVersion: number;
  publicKeys: Pick<KeyBundle, 'classicalPublicKey' | 'pqPublicKey'>;
  classicalPrivEncrypted: Buffer;
  pqPrivEncrypted: Buffer;
}

export interface Recovery {
  email: string;
  recoveryAuthKey: Buffer;
  newAuthKey: Buffer;
  kdf: KdfParams;
  classicalPrivEncrypted: Buffer;
  pqPrivEncrypted: Buffer;
  keyVersion: number;
  newRecovery: RecoveryWrapping;
}

/**
 * Recovery without the password (docs/crypto.md §10a). The client's recovery key wraps the
 * account's private keys a second time; the server keeps that wrapping and an argon2id hash of the
 * key's proof, never the key. Proving the key sets a new password, replaces the recovery key with
 * the new one the request carries (so a proof works once) and ends every session.
 */
@Injectable()
export class RecoveryService {
  constructor(
    private readonly users: UserRepository,
    private readonly recoveryKeys: RecoveryKeys,
    private readonly hasher: AuthKeyHasher,
    private readonly currentAuthKey: CurrentAuthKeyCheck,
    private readonly keyGuard: KeyVersionGuard,
    private readonly tokens: TokenService,
    private readonly attempts: LoginAttempts,
    private readonly uow: UnitOfWork,
    private readonly config: AppConfig,
    private readonly events: AccountEvents,
  ) {}

  /** The recovery key's date and wrapping (ciphertext), never its proof's hash. */
  async status(userId: string): Promise<Omit<RecoveryKey, 'authHash'> | undefined> {
    const key = await this.recoveryKeys.find(userId);
    if (key === undefined) return undefined;
    const { authHash: _, ...rest } = key;
    return rest;
  }

  /** Sets (or replaces) the recovery key: the password's proof, and private keys of the current keyVersion. */
  async set(userId: string, currentAuthKey: Buffer, keyVersion: number, wrapping: RecoveryWrapping): Promise<void> {
    const verified = await this.currentAuthKey.verify(userId, currentAuthKey);
    const authHash = await this.hasher.hash(wrapping.recoveryAuthKey);
    await this.uow.run(async () => {
      const state = await this.keyGuard.holdCurrent(userId, keyVersion);
      // A password change that landed since the check above made that authKey stale.
      if (state.authKeyHash !== verified) throw new InvalidCredentials('currentAuthKey is wrong');
      await this.recoveryKeys.save(userId, { authHash, keyVersion, ...pick(wrapping) });
    });
  }

  /** The recovery wrapping and the public keys, for a caller that proves the recovery key. */
  async keyMaterial(rawEmail: string, recoveryAuthKey: Buffer): Promise<RecoveryKeyMaterial> {
    const { user, key } = await this.prove(rawEmail, recoveryAuthKey);
    return {
      keyVersion: key.keyVersion,
      publicKeys: { classicalPublicKey: user.keys.classicalPublicKey, pqPublicKey: user.keys.pqPublicKey },
      classicalPrivEncrypted: key.classicalPrivEncrypted,
      pqPrivEncrypted: key.pqPrivEncrypted,
    };
  }

  /**
   * A new password from the recovery key. Checked again under the account's key lock: a proof
   * spent by a recovery that committed first (a replay, or two racing) no longer matches the
   * stored hash, and private keys sealed for a keyVersion a rotation retired are refused.
   */
  async recover(recovery: Recovery): Promise<void> {
    const { user, key } = await this.prove(recovery.email, recovery.recoveryAuthKey);
    const authKeyHash = await this.hasher.hash(recovery.newAuthKey);
    const newRecoveryHash = await this.hasher.hash(recovery.newRecovery.recoveryAuthKey);
    await this.uow.run(async () => {
      const state = await this.keyGuard.hold(user.id);
      const current = await this.recoveryKeys.find(user.id);
      if (current?.authHash !== key.authHash) throw new InvalidRecoveryKey();
      if (recovery.keyVersion !== state.keyVersion) {
        throw new KeyVersionConflict(state.keyVersion, `keyVersion ${recovery.keyVersion} is not the account's current ${state.keyVersion}`);
      }
      await this.users.replacePassword(user.id, {
        authKeyHash,
        kdf: recovery.kdf,
        classicalPrivEncrypted: recovery.classicalPrivEncrypted,
        pqPrivEncrypted: recovery.pqPrivEncrypted,
      });
      await this.recoveryKeys.save(user.id, { authHash: newRecoveryHash, keyVersion: state.keyVersion, ...pick(recovery.newRecovery) });
      await this.tokens.revokeAllForUser(user.id);
    });
    await this.attempts.clear(throttleKey(normaliseEmail(recovery.email)));
    await this.events.publish(user.id, { type: 'session.ended', reason: 'recovered' });
  }

  /**
   * The account and its recovery key, if `recoveryAuthKey` proves it. Limited per account beside
   * the route's per-IP limit; an unknown email, an account without a recovery key and a wrong proof
   * answer alike, after the same argon2id work.
   */
  private async prove(rawEmail: string, recoveryAuthKey: Buffer): Promise<{ user: User; key: RecoveryKey }> {
    const email = normaliseEmail(rawEmail);
    const waitS = await this.attempts.take(throttleKey(email), this.config.auth.loginThrottle);
    if (waitS > 0) throw new RecoveryThrottled(waitS);
    const user = await this.users.findByAnyEmail(emailLookupKeys(rawEmail));
    const key = user && (await this.recoveryKeys.find(user.id));
    const ok = key ? await this.hasher.verify(key.authHash, recoveryAuthKey) : await this.hasher.verifyNobody(recoveryAuthKey);
    if (!user || !key || !ok) throw new InvalidRecoveryKey();
    if (user.disabled) throw new AccountDisabled();
    return { user, key };
  }
}

function pick(wrapping: RecoveryWrapping): Pick<RecoveryKey, 'classicalPrivEncrypted' | 'pqPrivEncrypted'> {
  return { classicalPrivEncrypted: wrapping.classicalPrivEncrypted, pqPrivEncrypted: wrapping.pqPrivEncrypted };
}

/** The recovery throttle's key: apart from the login's, and a hash, so the store holds no address. */
function throttleKey(email: string): string {
  return `recovery:${createHash('sha256').update(email).digest('hex')}`;
}
