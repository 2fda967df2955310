import { Logger } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';

/**
 * SIGTERM/SIGINT: close the application (Nest runs every shutdown hook: loops stop, leases
 * and leadership are released, connections close), then exit 0. A second signal while
 * closing exits at once with 130.
 */
export function shutdownOnSignals(app: INestApplicationContext, logger: Logger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} again while shutting down: exiting now`);
      process.exit(130);
    }
    closing = true;
    logger.log(`${signal} received: shutting down`);
    app.close().then(
      () => {
        logger.log('Shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error(`Shutdown failed: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
