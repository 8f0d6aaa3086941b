import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Unauthenticated } from '../common/errors/common.errors';
import { raise } from '../common/errors/raise';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import type { Envelope } from '../mindmaps/domain/mind-map';
import { MapNotFound } from '../mindmaps/mindmaps.errors';
import { MindMapsService } from '../mindmaps/mindmaps.service';
import { AccountDisabled, InvalidCredentials, KeyVersionConflict, RotationIncomplete } from './auth.errors';
import { AuthKeyHasher } from './auth-key-hasher';
import type { KdfParams, KeyBundle, User } from './domain/user';
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
}

/** Accounts, sessions and key material. The server only ever sees derived keys and ciphertext. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: AuthKeyHasher,
    private readonly tokens: TokenService,
    private readonly mindMaps: MindMapsService,
    private readonly uow: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  async prelogin(email: string): Promise<KdfParams> {
    const user = await this.users.findByEmail(email);
    return user ? user.kdf : fakeKdfParams(this.config.auth.jwtSecret, email);
  }

  async register(input: Registration): Promise<IssuedTokens> {
    const email = input.email.toLowerCase();
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
      await this.users.create(user);
      return this.tokens.issue(user.id);
    });
  }

  async login(email: string, authKey: Buffer): Promise<IssuedTokens> {
    const user = await this.users.findByEmail(email);
    const ok = user ? await this.hasher.verify(user.authKeyHash, authKey) : await this.hasher.verifyNobody(authKey);
    if (!user || !ok) throw new InvalidCredentials();
    if (user.disabled) throw new AccountDisabled();
    return this.tokens.issue(user.id);
  }

  refresh(refreshToken: string): Promise<IssuedTokens> {
    return this.tokens.rotate(refreshToken, async (userId) => {
      const state = await this.users.findAuthState(userId);
      return state !== undefined && !state.disabled;
    });
  }

  logout(refreshToken: string): Promise<void> {
    return this.tokens.revoke(refreshToken);
  }

  async keys(userId: string): Promise<{ keys: KeyBundle; keyVersion: number }> {
    const user = (await this.users.findById(userId)) ?? raise(new Unauthenticated());
    return { keys: user.keys, keyVersion: user.keyVersion };
  }

  /** New key pair and every owned map's envelope re-wrapped for it, in one transaction. */
  async rotateKeys(userId: string, keys: KeyBundle, keyVersion: number, envelopes: Map<string, Envelope>): Promise<number> {
    const seen = (await this.users.findById(userId)) ?? raise(new Unauthenticated());
    if (keyVersion !== seen.keyVersion + 1) throw new KeyVersionConflict(seen.keyVersion);
    return this.uow.run(async () => {
      // NOTE: maps are locked before the user row, the order every writer uses; the version is
      // checked again under the lock for a rotation that raced this one.
      const result = await this.mindMaps.replaceAllEnvelopes(userId, envelopes);
      if (result.unknown.length > 0) throw new MapNotFound();
      if (result.missing.length > 0) throw new RotationIncomplete(result.missing);
      const current = (await this.users.lockKeyVersion(userId)) ?? raise(new Unauthenticated());
      if (keyVersion !== current + 1) throw new KeyVersionConflict(current);
      await this.users.replaceKeys(userId, keys, keyVersion);
      return keyVersion;
    });
  }

  /** Re-keys the login; every other session is signed out and this one gets fresh tokens. */
  async changePassword(userId: string, change: PasswordChange): Promise<IssuedTokens> {
    const user = (await this.users.findById(userId)) ?? raise(new Unauthenticated());
    if (!(await this.hasher.verify(user.authKeyHash, change.currentAuthKey))) throw new InvalidCredentials();
    const authKeyHash = await this.hasher.hash(change.newAuthKey);
    return this.uow.run(async () => {
      await this.users.replacePassword(userId, {
        authKeyHash,
        kdf: change.kdf,
        classicalPrivEncrypted: change.classicalPrivEncrypted,
        pqPrivEncrypted: change.pqPrivEncrypted,
      });
      await this.tokens.revokeAllForUser(userId);
      return this.tokens.issue(userId);
    });
  }
}
