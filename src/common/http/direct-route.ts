import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { Type } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, onRouteHookHandler, RouteHandlerMethod } from 'fastify';
import { AuthenticatedRequest, bearerRoleOf, Principal } from '../auth/auth.decorators';
import { mergeRouteConfig, routeConfigOf } from './route-config';

const DIRECT = 'mindvaultDirect';

/**
 * The handler's arguments, built from the request as its parameter decorators would build them, or
 * undefined to send this request through Nest's pipeline instead (input the shortcut does not
 * handle exactly as the pipes would).
 */
export type DirectArguments = (request: FastifyRequest, reply: FastifyReply) => unknown[] | undefined;

interface DirectSpec {
  controller: Type<unknown>;
  method: string | symbol;
  args: DirectArguments;
}

/**
 * Runs this handler straight from its Fastify route, without Nest's per-request pipeline (execution
 * context, the global guard's metadata lookups, a pipe call per parameter, the response
 * controller): on the hottest routes that pipeline was a fifth of the server's CPU a request.
 * The route stays a Nest route in every other way: declared, documented and instantiated by Nest,
 * with every Fastify hook (rate limit, the token check, headers, metrics) and the exception filter
 * (Fastify's error handler is Nest's).
 *
 * Only for @Authenticated() handlers (the token and the role are checked in onRequest, which is all
 * the global guard would do again) whose parameters no pipe changes: the principal, path ids that
 * the route's compiled schema checked (@UuidParams), the raw request, and query values `args`
 * vets itself or hands back to Nest.
 */
export const Direct = (args: DirectArguments): MethodDecorator => (target, key, descriptor) => {
  const spec: DirectSpec = { controller: target.constructor as Type<unknown>, method: key, args };
  (mergeRouteConfig({ [DIRECT]: spec }) as MethodDecorator)(target, key, descriptor);
};

/** The caller, as @CurrentUser() gives it. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = (request as AuthenticatedRequest).principal;
  if (!principal) throw new Error('a direct route ran without the access check');
  return principal;
}

/**
 * Fastify onRoute hook that puts the direct handler in place on @Direct() routes; `resolve` finds
 * the controller instance Nest made (looked up at the first request, when the app is up).
 */
export function directRoutes(resolve: (type: Type<unknown>) => unknown): onRouteHookHandler {
  return (route) => {
    const spec = routeConfigOf(route.config)[DIRECT] as DirectSpec | undefined;
    if (!spec) return;
    if (!bearerRoleOf(route.config)) throw new Error(`@Direct() on ${String(route.url)}, which is not @Authenticated()`);
    const handlerOf = (controller: unknown) => (controller as Record<string | symbol, (...args: unknown[]) => Promise<unknown>>)[spec.method];
    const declared = handlerOf(spec.controller.prototype);
    const status = (Reflect.getMetadata(HTTP_CODE_METADATA, declared) as number | undefined) ?? (route.method === 'POST' ? 201 : 200);
    const nest = route.handler;
    let controller: unknown;
    const direct: RouteHandlerMethod = async function (this: unknown, request, reply) {
      const args = spec.args(request, reply);
      if (args === undefined) return nest.call(this as never, request, reply);
      controller ??= resolve(spec.controller);
      const result = await handlerOf(controller).apply(controller, args);
      void reply.code(status);
      return result;
    };
    route.handler = direct;
  };
}
