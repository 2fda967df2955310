import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RequireScope } from '../tenancy/require-scope.decorator.js';
import { CronNextQueryDto } from './dto/job-queries.dto.js';
import { CronNextResponse } from './dto/job-responses.dto.js';
import { JobScheduleService } from './job-schedule.service.js';

@ApiTags('cron')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, unknown, expired or revoked API key.' })
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
