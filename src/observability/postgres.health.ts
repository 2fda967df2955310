import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthCheckAttempt } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

/**
 * `SELECT 1` on the service's own pool: a new connection is opened if the pool has none,
 * so a database that refuses connections is reported down.
 */
@Injectable()
export class PostgresHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly dataSource: DataSource,
  ) {}

  pingCheck(key: string): HealthCheckAttempt {
    return this.health.check(key).attempt(async () => {
      await this.dataSource.query('SELECT 1');
    });
  }
}
