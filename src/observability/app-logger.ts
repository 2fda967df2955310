import { ConsoleLogger } from '@nestjs/common';
import type { LogLevel as NestLogLevel } from '@nestjs/common';
import type { AppConfig, LogLevel } from '../config/app-config.js';

const LEVELS_FROM: Record<LogLevel, NestLogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  verbose: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** `LOG_FORMAT=json` writes one JSON object per line, for log shippers. */
export function createAppLogger(config: AppConfig, name: string): ConsoleLogger {
  return new ConsoleLogger(name, {
    json: config.log.format === 'json',
    colors: false,
    logLevels: LEVELS_FROM[config.log.level],
  });
}
