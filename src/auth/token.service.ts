import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Unauthenticated } from '../common/errors/common.errors';
import { raise } from '../common/errors/raise';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { InvalidRefreshToken, RefreshReused } from './auth.errors';
import type { RefreshFamily } from './domain/refresh-token';
import { RefreshTokenRepository } from './ports/refresh-token.repository';
import { UserRepository } from './ports/user.repository';

export interface IssuedTokens {
  userId: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** `ver`: the user's token version when it was signed; the guard refuses it once the version moved on. */
export interface AccessClaims {
  sub: string;
  ver: number;
}

const TOKEN_SHAPE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Rows a purge deletes per statement, so one run never holds long locks. */
const PURGE_BATCH = 5000;

type Rotation = { outcome: 'rotated'; tokens: IssuedTokens } | { outcome: 'invalid' | 'reused' };

/**
 * Access tokens are short-lived JWTs naming the user's token version. Refresh tokens are
 * `<id>.<secret>`; only sha256(secret) is stored. Each login is a family: a token is spent by its
 * first use, a second use revokes the whole family, and the family ends at an absolute time
 * however often it is refreshed. Every rotation and revocation of a family holds its row lock, so
 * a token issued by one rotation can never outlive a reuse detected beside it.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly tokens: RefreshTokenRepository,
    private readonly users: UserRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /** A new login: a new family and its first tokens. */
  issue(userId: string): Promise<IssuedTokens> {
    return this.uow.run(async () => {
      const family: RefreshFamily = {
        id: randomUUID(),
        userId,
        expiresAt: new Date(Date.now() + this.config.auth.sessionMaxTtlS * 1000),
        revokedAt: null,
      };
      await this.tokens.insertFamily(family);
      return this.next(family);
    });
  }

  /** Spends `presented` and issues the next token of its family, if the user may still sign in. */
  async rotate(presented: string): Promise<IssuedTokens> {
    const { id, secret } = parse(presented);
    const rotation = await this.uow.run(async (): Promise<Rotation> => {
      const found = await this.tokens.lockWithFamily(id);
      if (!found || !safeEqual(found.token.secretHash, sha256(secret))) return { outcome: 'invalid' };
      const { token, family } = found;
      if (family.revokedAt) return { outcome: 'invalid' };
      if (token.usedAt) {
        // Committed, not rolled back with the error: the family must stay revoked.
        await this.tokens.revokeFamily(family.id);
        return { outcome: 'reused' };
      }
      const now = Date.now();
      if (token.expiresAt.getTime() <= now || family.expiresAt.getTime() <= now) return { outcome: 'invalid' };
      const state = await this.users.findAuthState(token.userId);
      if (!state || state.disabled) return { outcome: 'invalid' };
      await this.tokens.spend(token.id);
      return { outcome: 'rotated', tokens: await this.next(family) };
    });
    if (rotation.outcome !== 'rotated') throw rotation.outcome === 'reused' ? new RefreshReused() : new InvalidRefreshToken();
    return rotation.tokens;
  }

  /** Logout: the presented token's whole family. */
  async revoke(presented: string): Promise<void> {
    const match = TOKEN_SHAPE.exec(presented);
    if (!match) return;
    const token = await this.tokens.findById(match[1]);
    if (token && safeEqual(token.secretHash, sha256(match[2]))) await this.tokens.revokeFamily(token.familyId);
  }

  /**
   * Ends every session of the user: each refresh family is revoked and the token version moves on,
   * so access tokens already handed out stop at their next request. Joins the caller's transaction;
   * tokens issued after it in that transaction carry the new version.
   */
  revokeAllForUser(userId: string): Promise<void> {
    return this.uow.run(async () => {
      await this.users.bumpTokenVersion(userId);
      await this.tokens.revokeAllForUser(userId);
    });
  }

  /** Deletes refresh rows past their end (or of revoked families); returns how many went. */
  async purgeExpired(): Promise<number> {
    let purged = 0;
    for (;;) {
      const n = await this.tokens.purgeExpired(PURGE_BATCH);
      purged += n;
      if (n < PURGE_BATCH) return purged;
    }
  }

  async verifyAccess(token: string): Promise<AccessClaims | undefined> {
    try {
      const claims = await this.jwt.verifyAsync<Partial<AccessClaims> & { exp?: number }>(token, { algorithms: ['HS256'] });
      // Ours always expire; jsonwebtoken would take one without `exp` as valid forever.
      const valid =
        typeof claims.sub === 'string' && UUID.test(claims.sub) && typeof claims.exp === 'number' && Number.isInteger(claims.ver);
      return valid ? { sub: claims.sub!, ver: claims.ver! } : undefined;
    } catch {
      return undefined;
    }
  }

  /** The next refresh token of `family` (its idle end capped by the family's) and an access token. */
  private async next(family: RefreshFamily): Promise<IssuedTokens> {
    const state = (await this.users.findAuthState(family.userId)) ?? raise(new Unauthenticated());
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const idleEnd = Date.now() + this.config.auth.refreshTtlS * 1000;
    await this.tokens.insert({
      id,
      userId: family.userId,
      familyId: family.id,
      secretHash: sha256(secret),
      expiresAt: new Date(Math.min(idleEnd, family.expiresAt.getTime())),
      usedAt: null,
    });
    const claims: AccessClaims = { sub: family.userId, ver: state.tokenVersion };
    const accessToken = await this.jwt.signAsync(claims);
    return { userId: family.userId, accessToken, refreshToken: `${id}.${secret}`, expiresIn: this.config.auth.accessTtlS };
  }
}

function parse(presented: string): { id: string; secret: string } {
  const match = TOKEN_SHAPE.exec(presented);
  if (!match) throw new InvalidRefreshToken();
  return { id: match[1], secret: match[2] };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
