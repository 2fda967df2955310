/** `node dist/worker.js`: a webhook worker. Scale it horizontally. */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { shutdownOnSignals } from './common/shutdown-on-signals.js';
import { exitOnInvalidConfiguration } from './config/invalid-configuration.error.js';
import { loadAppConfig } from './config/load-app-config.js';
import { withEmbeddedDatabase } from './database/embedded-database.js';
import { createAppLogger } from './observability/app-logger.js';
import { withDevelopmentKey } from './secrets/development-key.js';
import { WorkerModule } from './worker.module.js';

try {
  const loaded = await withEmbeddedDatabase(loadAppConfig(process.env));
  const appLogger = createAppLogger(loaded, 'job-scheduler-worker');
  const config = await withDevelopmentKey(loaded, (message) =>
    appLogger.warn(message, 'Bootstrap'),
  );
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: appLogger,
    abortOnError: false,
  });
  const logger = new Logger('Bootstrap');
  shutdownOnSignals(app, logger);
  await app.init();
  logger.log('Worker ready');
} catch (error) {
  exitOnInvalidConfiguration(error);
}
