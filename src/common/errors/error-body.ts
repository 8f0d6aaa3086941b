import { STATUS_CODES } from 'node:http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AppError } from './app-error';

/** The contract's error body; documented once and referenced by every route. */
export class ErrorBody {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ example: 'NotFound' }) error: string;
  @ApiProperty({ example: 'MAP_NOT_FOUND', description: 'stable machine code' }) code: string;
  @ApiProperty({ example: 'mind map not found' }) message: string;
  @ApiPropertyOptional({
    description: 'VALIDATION_FAILED only: `{ field, messages }` per bad field, at most 20; an unknown property is named alone',
    type: 'array',
    maxItems: 20,
    items: { type: 'object', properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } } },
  })
  details?: unknown[];
}

/** "Not Found" → "NotFound", as the contract spells the `error` field. */
export function errorName(status: number): string {
  return (STATUS_CODES[status] ?? 'Error').replace(/[^A-Za-z]/g, '');
}

export function toErrorBody(error: AppError): Record<string, unknown> {
  return {
    statusCode: error.status,
    error: errorName(error.status),
    code: error.code,
    message: error.message,
    ...error.extra(),
  };
}
