import { applyDecorators } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiParam } from '@nestjs/swagger';

/** Any UUID, upper or lower case (what class-validator's `@IsUUID()` accepted before). */
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * Path parameters that are UUIDs (`@Param('id') id: string` in the handler), checked by Fastify's
 * compiled JSON schema before Nest runs anything: a bad one is 400 VALIDATION_FAILED naming it
 * (the exception filter reads Fastify's validation error). NOTE: not a class-validator DTO: on a
 * read such as GET /api/mindmaps/:id, the DTO's instantiation and validation were a tenth of the
 * app's own CPU, for one regular-expression test.
 */
export const UuidParams = (...names: [string, ...string[]]) =>
  applyDecorators(
    RouteSchema({
      params: {
        type: 'object',
        required: names,
        properties: Object.fromEntries(names.map((name) => [name, { type: 'string', pattern: UUID_PATTERN }])),
      },
    }),
    ...names.map((name) => ApiParam({ name, schema: { type: 'string', format: 'uuid' } })),
  );
