import { Injectable } from '@nestjs/common';
import { Principal } from '../../common/auth/auth.decorators';
import { Forbidden, Unauthenticated } from '../../common/errors/common.errors';
import { UserRepository } from '../ports/user.repository';
import { TokenService } from '../token.service';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * Who sends a request: a valid HS256 access token of an account that is not disabled. The account
 * is read on every request so that disabling it takes effect at once.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly users: UserRepository,
  ) {}

  async authenticate(authorization: string | undefined, required?: Principal['role']): Promise<Principal> {
    const match = authorization ? BEARER.exec(authorization) : null;
    if (!match) throw new Unauthenticated();
    const claims = await this.tokens.verifyAccess(match[1]);
    if (!claims) throw new Unauthenticated();
    const state = await this.users.findAuthState(claims.sub);
    // The token version moves on at logout-all, password change and disable: older tokens stop here.
    if (!state || state.disabled || state.tokenVersion !== claims.ver) throw new Unauthenticated();
    const principal: Principal = { userId: claims.sub, role: state.role };
    assertRole(principal, required);
    return principal;
  }
}

/** 'admin' routes take administrators only; 'user' (any @Authenticated() route) takes every account, administrators too. */
export function assertRole(principal: Principal, required: Principal['role'] | undefined): void {
  if (required === 'admin' && principal.role !== 'admin') throw new Forbidden('administrators only');
}
