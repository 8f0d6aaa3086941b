import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Where the Swagger UI and the OpenAPI document live: the one place without a CSP. */
export const DOCS_PREFIX = '/docs';

/** Swagger UI at /docs, the OpenAPI 3 document at /docs-json. */
export function setUpSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Mindvault API')
      .setDescription(
        'End-to-end-encrypted mind maps. The server stores ciphertext and wrapped keys only; ' +
          'every error answers `{ statusCode, error, code, message }`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  documentBodyLimits(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** Every route with a JSON body may answer these, from the parser, before its handler runs. */
function documentBodyLimits(document: OpenAPIObject): void {
  const ref = { $ref: '#/components/schemas/ErrorBody' };
  for (const path of Object.values(document.paths)) {
    for (const operation of [path.post, path.put, path.patch]) {
      if (!operation?.requestBody || !('content' in operation.requestBody) || !operation.requestBody.content['application/json']) continue;
      const responses = operation.responses;
      const bad = responses['400'] as { description?: string } | undefined;
      responses['400'] = { ...bad, description: [bad?.description, 'JSON_TOO_DEEP (nested deeper than 32)'].filter(Boolean).join(' | '), content: { 'application/json': { schema: ref } } };
      responses['413'] ??= { description: "BODY_TOO_LARGE (over the route's limit, with limitBytes)", content: { 'application/json': { schema: ref } } };
      responses['408'] ??= { description: 'BODY_TOO_SLOW (body slower than HTTP_MIN_BODY_BYTES_PER_S; the connection closes)', content: { 'application/json': { schema: ref } } };
    }
  }
}
