import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticatedRequest, IS_PUBLIC, Principal, REQUIRED_ROLE } from '../../common/auth/auth.decorators';
import { assertRole, RequestAuthenticator } from './request-authenticator';

/**
 * Global guard: every route needs a valid access token unless marked @Public(). @Authenticated()
 * routes were authenticated in onRequest already (see authenticateBeforeBody); any other route
 * is authenticated here, so forgetting the decorator never opens a route.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const required = this.reflector.getAllAndOverride<Principal['role'] | undefined>(REQUIRED_ROLE, targets);
    if (request.principal) {
      assertRole(request.principal, required);
      return true;
    }
    request.principal = await this.authenticator.authenticate(request.headers.authorization, required);
    return true;
  }
}
