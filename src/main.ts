/** `node dist/main.js`: the REST API and the scheduler. */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { exitOnInvalidConfiguration } from './config/invalid-configuration.error.js';
import { loadAppConfig } from './config/load-app-config.js';
import { withEmbeddedDatabase } from './database/embedded-database.js';
import { shutdownOnSignals } from './common/shutdown-on-signals.js';
import { describeListeningAddresses } from './common/listening-addresses.js';
import { createHttpApp } from './http-app.js';
import { createAppLogger } from './observability/app-logger.js';
import { withDevelopmentKey } from './secrets/development-key.js';
import { withDevelopmentAdminKey } from './tenancy/development-admin-key.js';

try {
  const loaded = await withEmbeddedDatabase(loadAppConfig(process.env));
  const bootLogger = createAppLogger(loaded, 'job-scheduler');
  const config = await withDevelopmentAdminKey(
    await withDevelopmentKey(loaded, (message) => bootLogger.warn(message, 'Bootstrap')),
    (message) => bootLogger.warn(message, 'Bootstrap'),
  );
  const app = await createHttpApp(config);
  const logger = new Logger('Bootstrap');
  shutdownOnSignals(app, logger);
  await app.listen(config.server.port, config.server.host);
  // Tests and scripts wait for "Listening on http"; keep that prefix.
  logger.log(
    `Listening on ${describeListeningAddresses(app.getHttpAdapter().getInstance().addresses())}`,
  );
} catch (error) {
  exitOnInvalidConfiguration(error);
}
