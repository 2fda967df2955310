import { Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { uuidParam } from '../common/uuid-param.pipe.js';
import type { Principal } from '../tenancy/principal.js';
import { CurrentPrincipal, RequireScope } from '../tenancy/require-scope.decorator.js';
import { DeadLetterQueryDto } from './dto/job-queries.dto.js';
import {
  ExecutionAcceptedResponse,
  ExecutionDetailResponse,
  HistoryResponse,
} from './dto/job-responses.dto.js';
import { ExecutionsService } from './executions.service.js';
import { IDEMPOTENCY_KEY_HEADER } from './jobs.controller.js';
import { ApiAuthenticated } from '../tenancy/api-authenticated.decorator.js';

@ApiTags('executions')
@ApiAuthenticated('The key lacks the scope the operation names.')
@ApiBadRequestResponse({ description: 'A parameter is invalid; `message` names it.' })
@Controller('api/v1')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Post('jobs/:id/trigger')
  @RequireScope('executions:write')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a job now (in addition to its schedule)' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiAcceptedResponse({ type: ExecutionAcceptedResponse })
  @ApiNotFoundResponse()
  trigger(
    @CurrentPrincipal() caller: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<ExecutionAcceptedResponse> {
    return this.executions.trigger(caller, id, idempotencyKey);
  }

  @Get('executions/:id')
  @RequireScope('executions:read')
  @ApiOperation({ summary: 'One execution with all its attempts' })
  @ApiOkResponse({ type: ExecutionDetailResponse })
  @ApiNotFoundResponse()
  detail(
    @CurrentPrincipal() caller: Principal,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<ExecutionDetailResponse> {
    return this.executions.detail(caller, id);
  }

  @Post('executions/:id/replay')
  @RequireScope('executions:write')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a FAILED execution again, with a fresh retry budget and the same X-Execution-Id',
  })
  @ApiAcceptedResponse({ type: ExecutionAcceptedResponse })
  @ApiNotFoundResponse()
  replay(
    @CurrentPrincipal() caller: Principal,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<ExecutionAcceptedResponse> {
    return this.executions.replay(caller, id);
  }

  @Get('dlq')
  @RequireScope('executions:read')
  @ApiOperation({ summary: 'Executions that failed for good, most recent first' })
  @ApiOkResponse({ type: HistoryResponse })
  deadLetters(
    @CurrentPrincipal() caller: Principal,
    @Query() query: DeadLetterQueryDto,
  ): Promise<HistoryResponse> {
    return this.executions.deadLetters(caller, query);
  }
}
