import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';

/**
 * Adds `patch` to the Fastify route config of a handler, or of every handler of a controller,
 * merging with what other decorators put there (Nest's @RouteConfig replaces the whole object).
 * Fastify hooks read it at start-up (onRoute) and on each request (`request.routeOptions.config`),
 * before any body is read; a handler's own setting wins over its controller's.
 */
export function mergeRouteConfig(patch: Record<string, unknown>): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      merge(descriptor.value as object, patch, 'handler');
      return;
    }
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const value = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
      if (name !== 'constructor' && typeof value === 'function') merge(value, patch, 'controller');
    }
  };
}

function merge(handler: object, patch: Record<string, unknown>, from: 'handler' | 'controller'): void {
  const existing = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as Record<string, unknown>;
  const merged = from === 'handler' ? { ...existing, ...patch } : { ...patch, ...existing };
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, merged, handler);
}

/** A route's config as the decorators above left it. */
export function routeConfigOf(config: unknown): Record<string, unknown> {
  return (config ?? {}) as Record<string, unknown>;
}
