import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Unauthenticated } from '../common/errors/common.errors';
import { raise } from '../common/errors/raise';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { AccountEvents } from '../events/account-events.service';
import { KeyVersionGuard } from '../keys/key-version-guard.service';
import { KeyVersionConflict } from '../keys/keys.errors';
import type { RewrappedMap } from '../mindmaps/domain/mind-map';
import { MapNotFound } from '../mindmaps/mindmaps.errors';
import { MindMapsService } from '../mindmaps/mindmaps.service';
import { SecondFactorRequired } from '../second-factor/second-factor.errors';
import { SecondFactorService, type SecondStepProof } from '../second-factor/second-factor.service';
import { AccountDisabled, EmailNotAccepted, EmailTaken, InvalidCredentials, LoginThrottled, RotationIncomplete } from './auth.errors';
import { AuthKeyHasher } from './auth-key-hasher';
import { CurrentAuthKeyCheck } from './current-auth-key';
import type { KdfParams, KeyBundle, User } from './domain/user';
import { LoginAttempts } from './ports/login-attempts';
import { emailLookupKeys, emailRefusal, normaliseEmail } from './domain/email-address';
import { RecoveryKeys } from './ports/recovery-keys';
import { UserRepository } from './ports/user.repository';
import { fakeKdfParams } from './prelogin-params';
import { IssuedTokens, TokenService } from './token.service';

export interface Registration {
  email: string;
  authKey: Buffer;
  kdf: KdfParams;
  keys: KeyBundle;
}

export interface PasswordChange {
  currentAuthKey: Buffer;
  newAuthKey: Buffer;
  kdf: KdfParams;
  classicalPrivEncrypted: Buffer;
  pqPrivEncrypted: Buffer;
  /** The key version of the private keys re-sealed here: must be the account's current one. */
  keyVersion: number;
}

export interface KeyRotation {
  currentAuthKey: Buffer;
  keys: KeyBundle;
  /** The account's current key version + 1. */
  keyVersion: number;
  maps: RewrappedMap[];
}

/** Accounts, sessions and key material. The server only ever sees derived keys and ciphertext. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: AuthKeyHasher,
    private readonly tokens: TokenService,
    private readonly mindMaps: MindMapsService,
    private readonly keyGuard: KeyVersionGuard,
    private readonly uow: UnitOfWork,
    private readonly config: AppConfig,
    private readonly attempts: LoginAttempts,
    private readonly currentAuthKey: CurrentAuthKeyCheck,
    private readonly secondFactor: SecondFactorService,
    private readonly events: AccountEvents,
    private readonly recoveryKeys: RecoveryKeys,
  ) {}

  async prelogin(rawEmail: string): Promise<KdfParams> {
    const user = await this.users.findByAnyEmail(emailLookupKeys(rawEmail));
    return user ? user.kdf : fakeKdfParams(this.config.auth.preloginSecret, normaliseEmail(rawEmail));
  }

  async register(input: Registration): Promise<IssuedTokens> {
    const email = normaliseEmail(input.email);
    // Only a new address is judged: an account made before the rule still signs in.
    const refusal = emailRefusal(email);
    if (refusal) throw new EmailNotAccepted(refusal);
    const user: User = {
      id: randomUUID(),
      email,
      authKeyHash: await this.hasher.hash(input.authKey),
      kdf: input.kdf,
      keys: input.keys,
      keyVersion: 1,
      // Registering never grants a role: administrators come from the CLI (promote, create-admin).
      role: 'user',
      disabled: false,
      createdAt: new Date(),
    };
    return this.uow.run(async () => {
      // The same answer as an address taken as such: an older account's address normalises to it.
      if (await this.users.isLegacyNormalForm(email)) throw new EmailTaken();
      await this.users.create(user);
      return this.tokens.issue(user.id);
    });
  }

  async login(rawEmail: string, authKey: Buffer): Promise<IssuedTokens> {
    const email = normaliseEmail(rawEmail);
    // Beside the per-IP limit: guesses at one account spread over many addresses slow down too.
    const account = accountKey(email);
    const waitS = await this.attempts.take(account, this.config.auth.loginThrottle);
    if (waitS > 0) throw new LoginThrottled(waitS);
    const user = await this.users.findByAnyEmail(emailLookupKeys(rawEmail));
    const ok = user ? await this.hasher.verify(user.authKeyHash, authKey) : await this.hasher.verifyNobody(authKey);
    if (!user || !ok) throw new InvalidCredentials();
    if (user.disabled) throw new AccountDisabled();
    if (await this.secondFactor.isEnabled(user.id)) {
      // NOTE: the password's attempts are not cleared yet: a password guessed right without the
      // factor keeps counting, and the count starts over only when the whole login succeeds.
      const challenge = await this.secondFactor.openChallenge(user.id);
      throw new SecondFactorRequired(challenge.token, challenge.expiresInS, await this.secondFactor.methods(user.id));
    }
    await this.attempts.clear(account);
    return this.tokens.issue(user.id);
  }

  /**
   * The login's second step: a TOTP or backup code, or a passkey's signature, for the challenge the password step opened.
   * Limited per IP (the route) and per account (the same backoff as passwords, counted apart).
   */
  async completeSecondFactor(challengeToken: string, proof: SecondStepProof): Promise<IssuedTokens> {
    const userId = await this.secondFactor.challengedUser(challengeToken);
    const throttleKey = `second-factor:${userId}`;
    const waitS = await this.attempts.take(throttleKey, this.config.auth.loginThrottle);
    if (waitS > 0) throw new LoginThrottled(waitS);
    await this.secondFactor.completeChallenge(challengeToken, proof);
    const user = (await this.users.findById(userId)) ?? raise(new InvalidCredentials());
    if (user.disabled) throw new AccountDisabled();
    await this.attempts.clear(throttleKey);
    await this.attempts.clear(accountKey(user.email));
    return this.tokens.issue(userId);
  }

  refresh(refreshToken: string): Promise<IssuedTokens> {
    return this.tokens.rotate(refreshToken);
  }

  logout(refreshToken: string): Promise<void> {
    return this.tokens.revoke(refreshToken);
  }

  /** Every session of the user ends: refresh tokens revoked, access tokens refused from now on. */
  async logoutAll(userId: string): Promise<void> {
    await this.tokens.revokeAllForUser(userId);
    await this.events.publish(userId, { type: 'session.ended', reason: 'logout-all' });
  }

  async keys(userId: string): Promise<{ keys: KeyBundle; keyVersion: number }> {
    const user = (await this.users.findById(userId)) ?? raise(new Unauthenticated());
    return { keys: user.keys, keyVersion: user.keyVersion };
  }

  /**
   * New key pairs, and every owned map's envelope and every distinct version envelope re-wrapped
   * for them, in one transaction under the account's key lock: afterwards the new keys alone open
   * everything, so the old private keys can be destroyed. The recovery key, which wraps the old
   * private keys, stops working.
   */
  async rotateKeys(userId: string, rotation: KeyRotation): Promise<number> {
    const verified = await this.currentAuthKey.verify(userId, rotation.currentAuthKey);
    const keyVersion = await this.uow.run(async () => {
      const state = await this.keyGuard.hold(userId);
      // A password change that landed since the check above made that authKey stale.
      if (state.authKeyHash !== verified) throw new InvalidCredentials('currentAuthKey is wrong');
      if (rotation.keyVersion !== state.keyVersion + 1) {
        throw new KeyVersionConflict(state.keyVersion, `keyVersion must be ${state.keyVersion + 1} (the current ${state.keyVersion} + 1)`);
      }
      const gaps = await this.mindMaps.rewrapAll(userId, rotation.maps);
      if (gaps.unknown.length > 0) throw new MapNotFound();
      if (gaps.missing.length > 0 || gaps.missingVersions.length > 0) {
        throw new RotationIncomplete(
          gaps.missing,
          gaps.missingVersions.map((v) => ({ mapId: v.mapId, wrappedDek: v.wrappedDek.toString('base64') })),
        );
      }
      await this.users.replaceKeys(userId, rotation.keys, rotation.keyVersion);
      // NOTE: the recovery wrapping holds the retired private keys and the client cannot re-wrap
      // without the recovery key (shown once, never kept): it goes, and the account page asks for a new one.
      await this.recoveryKeys.remove(userId);
      return rotation.keyVersion;
    });
    await this.events.publish(userId, { type: 'keys.rotated', keyVersion });
    return keyVersion;
  }

  /**
   * Re-keys the login; every other session is signed out and this one gets fresh tokens. The
   * re-sealed private keys must be for the account's current key version: private keys sealed
   * before a rotation would leave an account whose private keys do not match its public ones.
   */
  async changePassword(userId: string, change: PasswordChange): Promise<IssuedTokens> {
    const verified = await this.currentAuthKey.verify(userId, change.currentAuthKey);
    const authKeyHash = await this.hasher.hash(change.newAuthKey);
    const issued = await this.uow.run(async () => {
      const state = await this.keyGuard.hold(userId);
      if (state.authKeyHash !== verified) throw new InvalidCredentials('currentAuthKey is wrong');
      if (change.keyVersion !== state.keyVersion) {
        throw new KeyVersionConflict(state.keyVersion, `keyVersion ${change.keyVersion} is not the account's current ${state.keyVersion}: re-seal the current private keys`);
      }
      await this.users.replacePassword(userId, {
        authKeyHash,
        kdf: change.kdf,
        classicalPrivEncrypted: change.classicalPrivEncrypted,
        pqPrivEncrypted: change.pqPrivEncrypted,
      });
      await this.tokens.revokeAllForUser(userId);
      return this.tokens.issue(userId);
    });
    // Every stream closes with it, this device's too: it reconnects with the new token pair.
    await this.events.publish(userId, { type: 'session.ended', reason: 'password-changed' });
    return issued;
  }
}

/** The login throttle's key of an email: a hash, so the store holds no address. */
function accountKey(email: string): string {
  return createHash('sha256').update(email.toLowerCase()).digest('hex');
}
