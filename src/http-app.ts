import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Provider } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { DomainExceptionFilter } from './common/domain-exception.filter.js';
import { createValidationPipe } from './common/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { createAppLogger } from './observability/app-logger.js';

export interface HttpAppOptions {
  /** Build the module graph without instantiating providers (OpenAPI generation). */
  preview?: boolean;
  providers?: Provider[];
  /**
   * Serve the Swagger UI at /docs (the JSON at /docs-json is always served). Jest turns it
   * off: the UI's static-file plugin requires an ES module, which Jest on Node 20 cannot.
   */
  swaggerUi?: boolean;
}

/** The API + scheduler process, configured the same way for `main.ts`, tests and tooling. */
export async function createHttpApp(
  config: AppConfig,
  options: HttpAppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options.providers),
    new FastifyAdapter({ bodyLimit: config.server.bodyLimitBytes }),
    {
      logger: createAppLogger(config, 'job-scheduler'),
      preview: options.preview ?? false,
      abortOnError: false,
    },
  );
  acceptEmptyJsonBodies(app, config.server.bodyLimitBytes);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DomainExceptionFilter());
  const document = buildOpenApiDocument(app);
  const swaggerUi = options.swaggerUi ?? true;
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerUiEnabled: swaggerUi,
  });
  if (swaggerUi) redirectToOneSwaggerUiPath(app);
  return app;
}

/**
 * `content-type: application/json` with no body at all is "no body": clients (Postman, fetch
 * wrappers) send the header on every POST, and `POST .../trigger` takes no body. Fastify's
 * parser answers 400 to it; here it reaches the handler as `undefined`, so a route without a
 * body accepts it and a route with one validates it as `{}` (the 400 names the missing
 * fields). Every non-empty body goes to Fastify's own parser, prototype-poisoning checks
 * included, exactly as Nest would register it.
 */
function acceptEmptyJsonBodies(app: NestFastifyApplication, bodyLimit: number): void {
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser<Server>('application/json', { bodyLimit }, (request, body, done) => {
    if (body.length === 0) done(null, undefined);
    // Fastify's parser is synchronous and completes through `done`; its type allows a promise.
    else void parseJson(request, body.toString('utf8'), done);
  });
}

/**
 * The Swagger UI page loads its scripts by relative URLs, and @nestjs/swagger picks the base
 * by whether the request URL ends in `/`: `/docs/?x` and `/docs/index.html` get the base meant
 * for `/docs` and load a blank page. One address, `/docs`, is the page; the others redirect
 * to it (query kept).
 */
function redirectToOneSwaggerUiPath(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const queryAt = request.url.indexOf('?');
      const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
      if (request.method === 'GET' && (path === '/docs/' || path === '/docs/index.html')) {
        void reply.redirect(`/docs${queryAt === -1 ? '' : request.url.slice(queryAt)}`, 301);
        return;
      }
      done();
    });
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const info = new DocumentBuilder()
    .setTitle('job-scheduler')
    .setDescription(
      'Distributed cron scheduler for outbound HTTP webhooks. Errors are `{ statusCode, error, message }`; `message` names the offending field(s).',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'An API key: `jsk_...` or the ADMIN_API_KEY.',
    })
    .build();
  return SwaggerModule.createDocument(app, info);
}
