import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Provider } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { DomainExceptionFilter } from './common/domain-exception.filter.js';
import { parseJsonBody } from './common/json-body.parser.js';
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
  // Nest hands a parser's synchronous throw to Fastify's `done`, hence to the exception filter.
  app.useBodyParser(
    'application/json',
    { bodyLimit: config.server.bodyLimitBytes },
    (_request: FastifyRequest, body: Buffer): Promise<unknown> =>
      Promise.resolve(parseJsonBody(body)),
  );
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
      'Distributed cron scheduler for outbound HTTP webhooks. Errors are `{ statusCode, error, message }`; `message` names the offending field(s).\n\n' +
        'Every webhook request carries `X-Job-Id`, `X-Execution-Id`, `X-Scheduled-At`, `X-Attempt`, `User-Agent` and the Standard Webhooks headers `webhook-id` (the execution id), `webhook-timestamp` (send time, unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the job\'s signing secret; two during a rotation grace). See docs/architecture.md, "The webhook contract".',
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
