import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import { uuidParam } from '../common/uuid-param.pipe.js';
import { CreateJobDto } from './dto/create-job.dto.js';
import { HistoryQueryDto, ListJobsQueryDto, ScheduleQueryDto } from './dto/job-queries.dto.js';
import {
  HistoryResponse,
  JobCreatedResponse,
  JobListResponse,
  JobResponse,
  NextRunsResponse,
} from './dto/job-responses.dto.js';
import { UpdateJobDto } from './dto/update-job.dto.js';
import { JobHistoryService } from './job-history.service.js';
import { JobScheduleService } from './job-schedule.service.js';
import { JobsService } from './jobs.service.js';

@ApiTags('jobs')
@ApiBadRequestResponse({ description: 'A field is invalid; `message` names it.' })
@Controller('api/v1/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly schedule: JobScheduleService,
    private readonly history: JobHistoryService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a job' })
  @ApiCreatedResponse({
    type: JobCreatedResponse,
    description: 'The job, with its signing secret: the only time the secret is shown.',
  })
  @ApiPayloadTooLargeResponse({ description: 'The request body exceeds SERVER_BODY_LIMIT_BYTES.' })
  create(@Body() body: CreateJobDto): Promise<JobCreatedResponse> {
    return this.jobs.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List jobs (paginated, filterable)' })
  @ApiOkResponse({ type: JobListResponse })
  list(@Query() query: ListJobsQueryDto): Promise<JobListResponse> {
    return this.jobs.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one job' })
  @ApiOkResponse({ type: JobResponse })
  @ApiNotFoundResponse()
  get(@Param('id', uuidParam('id')) id: string): Promise<JobResponse> {
    return this.jobs.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a job',
    description:
      'Partial update. A changed schedule takes effect from the next fire; `{"isActive": true}` reactivates a deleted job.',
  })
  @ApiOkResponse({ type: JobResponse })
  @ApiNotFoundResponse()
  update(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: UpdateJobDto,
  ): Promise<JobResponse> {
    return this.jobs.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Soft-delete a job: it stops firing' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  remove(@Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.jobs.remove(id);
  }

  @Get(':id/schedule')
  @ApiOperation({ summary: "The job's next fire times (UTC)" })
  @ApiOkResponse({ type: NextRunsResponse })
  @ApiNotFoundResponse()
  nextRuns(
    @Param('id', uuidParam('id')) id: string,
    @Query() query: ScheduleQueryDto,
  ): Promise<NextRunsResponse> {
    return this.schedule.forJob(id, query);
  }

  @Get(':id/history')
  @ApiOperation({ summary: "The job's executions, newest first" })
  @ApiOkResponse({ type: HistoryResponse })
  @ApiNotFoundResponse()
  historyPage(
    @Param('id', uuidParam('id')) id: string,
    @Query() query: HistoryQueryDto,
  ): Promise<HistoryResponse> {
    return this.history.page(id, query);
  }
}
