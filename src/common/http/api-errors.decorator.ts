import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorBody } from '../errors/error-body';

/** Documents a route's error answers: `@ApiErrors([404, 'MAP_NOT_FOUND'], [412, 'VERSION_CONFLICT'])`. */
export function ApiErrors(...errors: [status: number, ...codes: string[]][]) {
  const byStatus = new Map<number, string[]>();
  for (const [status, ...codes] of errors) byStatus.set(status, [...(byStatus.get(status) ?? []), ...codes]);
  return applyDecorators(
    ...[...byStatus].map(([status, codes]) =>
      ApiResponse({ status, type: ErrorBody, description: codes.join(' | ') }),
    ),
  );
}
