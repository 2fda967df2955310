import 'reflect-metadata';
import { dump } from 'js-yaml';
import { loadAppConfig } from '../config/load-app-config.js';
import { buildOpenApiDocument, createHttpApp } from '../http-app.js';

/**
 * The OpenAPI document as committed in `docs/api-spec.yaml`. Built in Nest's preview mode:
 * the module graph and controllers are read, but nothing connects to PostgreSQL or Redis.
 */
export async function renderOpenApiYaml(): Promise<string> {
  // No provider is instantiated in preview, so no encryption key is needed (nor generated).
  const config = loadAppConfig({ LOG_LEVEL: 'error', ENVIRONMENT: 'development' });
  const app = await createHttpApp(config, {
    preview: true,
    swaggerUi: false,
  });
  try {
    const document = buildOpenApiDocument(app);
    return dump(document, { noRefs: true, lineWidth: 100, sortKeys: false });
  } finally {
    await app.close();
  }
}
