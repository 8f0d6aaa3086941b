import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorBody } from '../errors/error-body';

export const IS_PUBLIC = 'mindvault:isPublic';
export const REQUIRED_ROLE = 'mindvault:requiredRole';

/** The caller as the access guard established it. */
export interface Principal {
  userId: string;
  role: 'user' | 'admin';
}

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** Opts a route out of the global access guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Bearer-token route: guard metadata and its OpenAPI description in one place. */
export const Authenticated = (role?: Principal['role']) =>
  applyDecorators(
    ...(role ? [SetMetadata(REQUIRED_ROLE, role)] : []),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'UNAUTHENTICATED: missing, expired or invalid token' }),
  );

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentUser used on a route the access guard did not authenticate');
  return principal;
});
