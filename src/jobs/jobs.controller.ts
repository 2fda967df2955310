import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { uuidParam } from '../common/uuid-param.pipe.js';
import type { Principal } from '../tenancy/principal.js';
import { CurrentPrincipal, RequireScope } from '../tenancy/require-scope.decorator.js';
import { CreateJobDto } from './dto/create-job.dto.js';
import { AuditQueryDto, AuditResponse } from './dto/job-audit.dto.js';
import { HistoryQueryDto, ListJobsQueryDto, ScheduleQueryDto } from './dto/job-queries.dto.js';
import {
  HistoryResponse,
  JobCreatedResponse,
  JobListResponse,
  JobResponse,
  NextRunsResponse,
} from './dto/job-responses.dto.js';
import { UpdateJobDto } from './dto/update-job.dto.js';
import { JobAuditService } from './job-audit.service.js';
import { JobEtagInterceptor } from './job-etag.interceptor.js';
import { JobHistoryService } from './job-history.service.js';
import { JobScheduleService } from './job-schedule.service.js';
import { JobsService } from './jobs.service.js';
import { ApiAuthenticated } from '../tenancy/api-authenticated.decorator.js';

/**
 * Named as `@Headers()` reads it (lower case): Swagger merges the two into one optional
 * parameter instead of listing a required `idempotency-key` beside this one.
 */
export const IDEMPOTENCY_KEY_HEADER = {
  name: 'idempotency-key',
  required: false,
  description:
    'Makes the request safe to retry: the same key with the same body returns the original response (for 24 hours); with a different body it is a 422.',
};

@ApiTags('jobs')
@ApiAuthenticated('The key lacks the scope, or a tenant quota forbids it.')
@ApiBadRequestResponse({ description: 'A field is invalid; `message` names it.' })
@UseInterceptors(JobEtagInterceptor)
@Controller('api/v1/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly schedule: JobScheduleService,
    private readonly history: JobHistoryService,
    private readonly audit: JobAuditService,
  ) {}

  @Post()
  @RequireScope('jobs:write')
  @ApiOperation({ summary: 'Create a job' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse({
    type: JobCreatedResponse,
    description: 'The job, with its signing secret: the only time the secret is shown.',
  })
  @ApiPayloadTooLargeResponse({ description: 'The request body exceeds SERVER_BODY_LIMIT_BYTES.' })
  @ApiUnprocessableEntityResponse({ description: 'Idempotency-Key reused with another body.' })
  create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: CreateJobDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<JobCreatedResponse> {
    return this.jobs.create(caller, body, idempotencyKey);
  }

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'List jobs (paginated, filterable)' })
  @ApiOkResponse({ type: JobListResponse })
  list(
    @CurrentPrincipal() caller: Principal,
    @Query() query: ListJobsQueryDto,
  ): Promise<JobListResponse> {
    return this.jobs.list(caller, query);
  }

  @Get(':id')
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'Get one job; its `ETag` is its `version`' })
  @ApiOkResponse({ type: JobResponse })
  @ApiNotFoundResponse()
  get(
    @CurrentPrincipal() caller: Principal,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<JobResponse> {
    return this.jobs.get(caller, id);
  }

  @Patch(':id')
  @RequireScope('jobs:write')
  @ApiOperation({
    summary: 'Change a job',
    description:
      'Partial update. A changed schedule takes effect from the next fire; `{"isActive": true}` reactivates a deleted job. With `If-Match` (an `ETag` from a read) the change applies only to that version.',
  })
  @ApiHeader({ name: 'if-match', required: false, description: 'The `ETag` of the job as read.' })
  @ApiOkResponse({ type: JobResponse })
  @ApiNotFoundResponse()
  @ApiPreconditionFailedResponse({ description: 'The job changed since the `If-Match` version.' })
  update(
    @CurrentPrincipal() caller: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: UpdateJobDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<JobResponse> {
    return this.jobs.update(caller, id, body, ifMatch);
  }

  @Delete(':id')
  @RequireScope('jobs:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Soft-delete a job: it stops firing' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(
    @CurrentPrincipal() caller: Principal,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<void> {
    return this.jobs.remove(caller, id);
  }

  @Get(':id/schedule')
  @RequireScope('jobs:read')
  @ApiOperation({ summary: "The job's next fire times (UTC)" })
  @ApiOkResponse({ type: NextRunsResponse })
  @ApiNotFoundResponse()
  nextRuns(
    @CurrentPrincipal() caller: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Query() query: ScheduleQueryDto,
  ): Promise<NextRunsResponse> {
    return this.schedule.forJob(caller, id, query);
  }

  @Get(':id/history')
  @RequireScope('executions:read')
  @ApiOperation({ summary: "The job's executions, newest first" })
  @ApiOkResponse({ type: HistoryResponse })
  @ApiNotFoundResponse()
  historyPage(
    @CurrentPrincipal() caller: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Query() query: HistoryQueryDto,
  ): Promise<HistoryResponse> {
    return this.history.page(caller, id, query);
  }

  @Get(':id/audit')
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: 'Who changed the job, when, and what changed (secrets redacted), newest first',
  })
  @ApiOkResponse({ type: AuditResponse })
  @ApiNotFoundResponse()
  auditTrail(
    @CurrentPrincipal() caller: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Query() query: AuditQueryDto,
  ): Promise<AuditResponse> {
    return this.audit.page(caller, id, query);
  }
}
