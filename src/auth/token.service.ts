import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { InvalidRefreshToken, RefreshReused } from './auth.errors';
import { RefreshTokenRepository } from './ports/refresh-token.repository';

export interface IssuedTokens {
  userId: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface AccessClaims {
  sub: string;
}

const TOKEN_SHAPE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Access tokens are short-lived JWTs. Refresh tokens are `<id>.<secret>`; only sha256(secret) is
 * stored, each is spent by its first use, and a second use revokes its whole family.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly tokens: RefreshTokenRepository,
  ) {}

  async issue(userId: string, familyId: string = randomUUID()): Promise<IssuedTokens> {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    await this.tokens.insert({
      id,
      userId,
      familyId,
      secretHash: sha256(secret),
      expiresAt: new Date(Date.now() + this.config.auth.refreshTtlS * 1000),
      usedAt: null,
      revokedAt: null,
    });
    const accessToken = await this.jwt.signAsync({ sub: userId } satisfies AccessClaims);
    return { userId, accessToken, refreshToken: `${id}.${secret}`, expiresIn: this.config.auth.accessTtlS };
  }

  /** Spends `presented` and returns the user it belonged to, issuing the next token of its family. */
  async rotate(presented: string, isActive: (userId: string) => Promise<boolean>): Promise<IssuedTokens> {
    const token = await this.find(presented);
    if (token.revokedAt) throw new InvalidRefreshToken();
    if (token.usedAt) {
      await this.tokens.revokeFamily(token.familyId);
      throw new RefreshReused();
    }
    if (token.expiresAt.getTime() <= Date.now() || !(await isActive(token.userId))) throw new InvalidRefreshToken();
    const spent = await this.tokens.spend(token.id);
    if (!spent) {
      // Lost a race against another use of the same token: that is a reuse too.
      await this.tokens.revokeFamily(token.familyId);
      throw new RefreshReused();
    }
    return this.issue(token.userId, token.familyId);
  }

  async revoke(presented: string): Promise<void> {
    const token = await this.find(presented).catch(() => undefined);
    if (token) await this.tokens.revokeFamily(token.familyId);
  }

  revokeAllForUser(userId: string): Promise<void> {
    return this.tokens.revokeAllForUser(userId);
  }

  async verifyAccess(token: string): Promise<AccessClaims | undefined> {
    try {
      const claims = await this.jwt.verifyAsync<AccessClaims & { exp?: number }>(token, { algorithms: ['HS256'] });
      // Ours always expire; jsonwebtoken would take one without `exp` as valid forever.
      const valid = typeof claims.sub === 'string' && UUID.test(claims.sub) && typeof claims.exp === 'number';
      return valid ? { sub: claims.sub } : undefined;
    } catch {
      return undefined;
    }
  }

  private async find(presented: string) {
    const match = TOKEN_SHAPE.exec(presented);
    if (!match) throw new InvalidRefreshToken();
    const token = await this.tokens.findById(match[1]);
    if (!token || !safeEqual(token.secretHash, sha256(match[2]))) throw new InvalidRefreshToken();
    return token;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
