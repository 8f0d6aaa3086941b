import { ApiOkResponse } from '@nestjs/swagger';

/**
 * A 200 of raw bytes. Declared per response, not with ApiProduces, so the route's JSON error
 * answers keep their application/json content type in the document.
 */
export const ApiBinaryOk = (description: string) =>
  ApiOkResponse({ description, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } });
