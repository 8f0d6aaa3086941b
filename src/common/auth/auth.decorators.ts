import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ErrorBody } from '../errors/error-body';
import { mergeRouteConfig, routeConfigOf } from '../http/route-config';

export const IS_PUBLIC = 'mindvault:isPublic';
export const REQUIRED_ROLE = 'mindvault:requiredRole';

/** The caller as the access guard established it. */
export interface Principal {
  userId: string;
  role: 'user' | 'admin';
}

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

const BEARER = 'mindvaultBearer';

/** Opts a route out of the global access guard. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), mergeRouteConfig({ [BEARER]: false }));

/**
 * Bearer-token route: guard metadata and its OpenAPI description in one place. The token (and the
 * role) is checked in Fastify's onRequest, before the body is read; the global guard re-checks
 * the role and covers any route that lacks both decorators.
 */
export const Authenticated = (role?: Principal['role']) =>
  applyDecorators(
    ...(role ? [SetMetadata(REQUIRED_ROLE, role)] : []),
    mergeRouteConfig({ [BEARER]: role ?? 'user' }),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ErrorBody, description: 'UNAUTHENTICATED: missing, expired or invalid token' }),
  );

/** The role an @Authenticated() route requires, read from its Fastify route config; undefined if not one. */
export function bearerRoleOf(routeConfig: unknown): Principal['role'] | undefined {
  const value = routeConfigOf(routeConfig)[BEARER];
  return value === 'user' || value === 'admin' ? value : undefined;
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentUser used on a route the access guard did not authenticate');
  return principal;
});
