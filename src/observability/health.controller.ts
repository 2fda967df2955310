import { Controller, Get, Header, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
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
import { BACKEND_HEALTH_CHECKS } from './backend-health.js';
import type { BackendHealthCheck } from './backend-health.js';
import { PostgresHealthIndicator } from './postgres.health.js';

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
    @Inject(BACKEND_HEALTH_CHECKS) private readonly backend: readonly BackendHealthCheck[],
  ) {}

  /**
   * 200 when PostgreSQL and the backend's own dependencies (Redis, on the Redis backend)
   * answer; otherwise 503 with Terminus's report and a `message` naming what is down. The
   * report is returned as it is rather than through the global error filter, so monitoring
   * sees each dependency's status.
   */
  @Get()
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  @ApiOperation({
    summary: 'Liveness and readiness of PostgreSQL and, on the Redis backend, Redis',
  })
  @ApiOkResponse({
    description: '`{ status: "ok", info, error: {}, details }`: every dependency answers.',
  })
  @ApiServiceUnavailableResponse({
    description: '`{ status: "error", message: "down: redis", info, error, details }`',
  })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('postgres').withTimeout(CHECK_TIMEOUT_MS),
        ...this.backend.map(
          (dependency) => () => dependency.pingCheck(dependency.key).withTimeout(CHECK_TIMEOUT_MS),
        ),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const report = error.getResponse() as HealthCheckResult;
      void reply.status(503);
      return { ...report, message: `down: ${Object.keys(report.error ?? {}).join(', ')}` };
    }
  }
}
