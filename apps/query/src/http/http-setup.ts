import compression from 'compression';
import express from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { jsonNestingExceeds } from '@callboard/observability';
import type { QueryConfig } from '../query.config';
import { methodNotAllowed } from './method-not-allowed';
import { completeOpenApiDocument } from './openapi-document';
import { REQUEST_LIMITS } from './request-limits';

export const OPENAPI_JSON_PATH = 'api/catalog/openapi.json';
export const SWAGGER_UI_PATH = 'api/catalog/docs';

/** The OpenAPI 3.1 document, generated from the controllers' decorators. */
export function buildOpenApiDocument(app: NestExpressApplication) {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Callboard catalog API')
    .setDescription(
      "Backstage-compatible catalog reads (the same paths, parameters and response shapes as Backstage's catalog backend), plus per-entity history and ownership conflicts.",
    )
    .setVersion('1')
    .build();
  return completeOpenApiDocument(SwaggerModule.createDocument(app, config));
}

/**
 * JSON bodies up to Backstage's size (larger: 413), refused with 400 when nested deeper than
 * the limit, found on the raw bytes: what handles a parsed body recurses through it.
 */
function jsonBodyParser() {
  return express.json({
    limit: REQUEST_LIMITS.bodyBytes,
    verify: (_req, _res, bytes) => {
      if (jsonNestingExceeds(bytes, REQUEST_LIMITS.bodyDepth)) {
        throw Object.assign(new Error(`request/body is nested deeper than ${REQUEST_LIMITS.bodyDepth} levels of objects and arrays`), { status: 400 });
      }
    },
  });
}

/** HTTP behaviour portals expect from a catalog: compression, CORS, OpenAPI + Swagger UI, body limits. */
export function configureQueryHttp(app: NestExpressApplication, config: QueryConfig): void {
  // Registered before Nest's default parser, which then sees a parsed body and leaves it.
  app.use(jsonBodyParser());
  // List responses of a large catalog are megabytes of repetitive JSON.
  app.use(compression({ threshold: config.COMPRESSION_THRESHOLD_BYTES }));
  if (config.CORS_ORIGINS.length > 0) {
    app.enableCors({
      origin: config.CORS_ORIGINS.includes('*') ? true : config.CORS_ORIGINS,
      exposedHeaders: ['ETag', 'Link'],
      maxAge: 600,
    });
  }
  const document = buildOpenApiDocument(app);
  app.use(methodNotAllowed(document));
  SwaggerModule.setup(SWAGGER_UI_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH, yamlDocumentUrl: 'api/catalog/openapi.yaml' });
}
