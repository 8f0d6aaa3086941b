import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
