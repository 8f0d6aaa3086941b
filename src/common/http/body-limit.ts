import type { onRouteHookHandler } from 'fastify';
import type { AppConfig } from '../../config/app-config';
import { mergeRouteConfig, routeConfigOf } from './route-config';

const BODY_LIMIT = 'mindvaultBodyLimit';

/** Bytes a route's body may have, worked out from the configuration. */
export type BodyLimitOf = (config: AppConfig) => number;

/**
 * Raises (or lowers) one route's JSON body limit above the default JSON_BODY_LIMIT_BYTES. Only
 * routes whose documented maximum needs it (a key rotation of a user's every map) say so.
 */
export const BodyLimit = (limit: BodyLimitOf) => mergeRouteConfig({ [BODY_LIMIT]: limit });

/** Fastify onRoute hook: every route gets the default limit unless it declared its own. */
export function applyBodyLimits(config: AppConfig): onRouteHookHandler {
  return (route) => {
    const own = routeConfigOf(route.config)[BODY_LIMIT] as BodyLimitOf | undefined;
    route.bodyLimit = own ? own(config) : config.http.jsonBodyLimitBytes;
  };
}
