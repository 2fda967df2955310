import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../tenancy/require-scope.decorator.js';
import { CronNextQueryDto } from './dto/job-queries.dto.js';
import { CronNextResponse } from './dto/job-responses.dto.js';
import { JobScheduleService } from './job-schedule.service.js';
import { ApiAuthenticated } from '../tenancy/api-authenticated.decorator.js';

@ApiTags('cron')
@ApiAuthenticated('The key lacks `jobs:read`.')
@RequireScope('jobs:read')
@Controller('api/v1/cron')
export class CronController {
  constructor(private readonly schedule: JobScheduleService) {}

  @Get('next')
  @ApiOperation({
    summary: 'Validate an expression and list its next fire times, without creating a job',
  })
  @ApiOkResponse({ type: CronNextResponse })
  @ApiBadRequestResponse({ description: 'The expression or time zone is invalid; says why.' })
  next(@Query() query: CronNextQueryDto): CronNextResponse {
    return this.schedule.forExpression(query);
  }
}
