/** `node dist/main.js`: the REST API and the scheduler. */
import 'reflect-metadata';
import { InvalidConfigurationError } from './config/invalid-configuration.error.js';
import { loadAppConfig } from './config/load-app-config.js';
import { createHttpApp } from './http-app.js';

try {
  const config = loadAppConfig(process.env);
  const app = await createHttpApp(config);
  await app.listen(config.server.port, config.server.host);
} catch (error) {
  if (error instanceof InvalidConfigurationError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}
