import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticatedRequest, IS_PUBLIC, Principal, REQUIRED_ROLE } from '../../common/auth/auth.decorators';
import { Forbidden, Unauthenticated } from '../../common/errors/common.errors';
import { UserRepository } from '../ports/user.repository';
import { TokenService } from '../token.service';

/**
 * Global guard: every route needs a valid HS256 access token unless marked @Public(). The user is
 * looked up on every request so that disabling an account, logging out everywhere or changing the
 * password (each moves the token version on) takes effect at once.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UserRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = header ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
    if (!match) throw new Unauthenticated();
    const claims = await this.tokens.verifyAccess(match[1]);
    if (!claims) throw new Unauthenticated();
    const state = await this.users.findAuthState(claims.sub);
    if (!state || state.disabled || state.tokenVersion !== claims.ver) throw new Unauthenticated();
    const principal: Principal = { userId: claims.sub, role: state.role };
    const required = this.reflector.getAllAndOverride<Principal['role'] | undefined>(REQUIRED_ROLE, targets);
    if (required && principal.role !== required) throw new Forbidden('administrators only');
    request.principal = principal;
    return true;
  }
}
