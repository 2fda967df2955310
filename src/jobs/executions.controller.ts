import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { uuidParam } from '../common/uuid-param.pipe.js';
import { DeadLetterQueryDto } from './dto/job-queries.dto.js';
import {
  ExecutionAcceptedResponse,
  ExecutionDetailResponse,
  HistoryResponse,
} from './dto/job-responses.dto.js';
import { ExecutionsService } from './executions.service.js';

@ApiTags('executions')
@ApiBadRequestResponse({ description: 'A parameter is invalid; `message` names it.' })
@Controller('api/v1')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Post('jobs/:id/trigger')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a job now (in addition to its schedule)' })
  @ApiAcceptedResponse({ type: ExecutionAcceptedResponse })
  @ApiNotFoundResponse()
  trigger(@Param('id', uuidParam('id')) id: string): Promise<ExecutionAcceptedResponse> {
    return this.executions.trigger(id);
  }

  @Get('executions/:id')
  @ApiOperation({ summary: 'One execution with all its attempts' })
  @ApiOkResponse({ type: ExecutionDetailResponse })
  @ApiNotFoundResponse()
  detail(@Param('id', uuidParam('id')) id: string): Promise<ExecutionDetailResponse> {
    return this.executions.detail(id);
  }

  @Post('executions/:id/replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a FAILED execution again, with a fresh retry budget and the same X-Execution-Id',
  })
  @ApiAcceptedResponse({ type: ExecutionAcceptedResponse })
  @ApiNotFoundResponse()
  replay(@Param('id', uuidParam('id')) id: string): Promise<ExecutionAcceptedResponse> {
    return this.executions.replay(id);
  }

  @Get('dlq')
  @ApiOperation({ summary: 'Executions that failed for good, most recent first' })
  @ApiOkResponse({ type: HistoryResponse })
  deadLetters(@Query() query: DeadLetterQueryDto): Promise<HistoryResponse> {
    return this.executions.deadLetters(query);
  }
}
