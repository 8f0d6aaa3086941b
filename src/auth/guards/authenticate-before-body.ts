import type { onRequestHookHandler, onRouteHookHandler } from 'fastify';
import { AuthenticatedRequest, bearerRoleOf } from '../../common/auth/auth.decorators';
import { RequestAuthenticator } from './request-authenticator';

/**
 * Fastify onRoute hook: every @Authenticated() route checks its token in onRequest, so a request
 * without a valid one is answered 401 before a byte of its body is read or parsed. Added after
 * the rate limiter's, so a flood is counted before it costs a token check.
 */
export function authenticateBeforeBody(authenticator: RequestAuthenticator): onRouteHookHandler {
  return (route) => {
    const role = bearerRoleOf(route.config);
    if (!role) return;
    const authenticate: onRequestHookHandler = async (request) => {
      (request as AuthenticatedRequest).principal = await authenticator.authenticate(request.headers.authorization, role);
    };
    const existing = route.onRequest;
    route.onRequest = [...(existing ? (Array.isArray(existing) ? existing : [existing]) : []), authenticate];
  };
}
