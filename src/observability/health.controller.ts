import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheckService } from '@nestjs/terminus';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { PublicRoute } from '../tenancy/require-scope.decorator.js';
import { PostgresHealthIndicator } from './postgres.health.js';
import { RedisHealthIndicator } from './redis.health.js';

/** A dependency that does not answer within this long is reported down. */
const CHECK_TIMEOUT_MS = 1500;

export type HealthReport = HealthCheckResult & { message?: string };

@ApiTags('operations')
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: PostgresHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /**
   * 200 when PostgreSQL and Redis both answer; otherwise 503 with Terminus's report and a
   * `message` naming what is down. The report is returned as it is rather than through the
   * global error filter, so monitoring sees each dependency's status.
   */
  @Get()
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  @ApiOperation({ summary: 'Liveness and readiness of PostgreSQL and Redis' })
  @ApiOkResponse({
    description: '`{ status: "ok", info, error: {}, details }`: both dependencies answer.',
  })
  @ApiServiceUnavailableResponse({
    description: '`{ status: "error", message: "down: redis", info, error, details }`',
  })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('postgres').withTimeout(CHECK_TIMEOUT_MS),
        () => this.redis.pingCheck('redis').withTimeout(CHECK_TIMEOUT_MS),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const report = error.getResponse() as HealthCheckResult;
      void reply.status(503);
      return { ...report, message: `down: ${Object.keys(report.error ?? {}).join(', ')}` };
    }
  }
}
