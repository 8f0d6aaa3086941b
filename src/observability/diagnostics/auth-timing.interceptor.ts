import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { timingsOf } from './server-timing';

/**
 * Interceptors run right after the guards, so the time from the handler pipeline's start to here is
 * the access guard's (token check and the caller's account read): Server-Timing's `auth`.
 */
@Injectable()
export class AuthTimingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const timings = timingsOf(context.switchToHttp().getRequest<FastifyRequest>());
    if (timings && timings.handlerAt > 0) timings.authMs = performance.now() - timings.handlerAt;
    return next.handle();
  }
}
