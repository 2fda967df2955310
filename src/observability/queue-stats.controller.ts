import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ExecutionQueue } from '../queue/execution-queue.js';
import { PublicRoute } from '../tenancy/require-scope.decorator.js';

class QueueStatsBody {
  @ApiProperty() ready!: number;
  @ApiProperty({ description: 'Leased to a worker' }) processing!: number;
  @ApiProperty({ description: 'Waiting for their due instant (first attempt or retry)' })
  delayed!: number;
  @ApiProperty({ description: 'Counter of successful acks' }) completed!: number;
  @ApiProperty({ description: 'Counter of failed acks' }) failed!: number;
  @ApiProperty({ description: 'Counter of retries scheduled' }) retrying!: number;
  @ApiProperty({ description: 'Executions that failed for good' }) deadLettered!: number;
}

class QueueStatsResponse {
  @ApiProperty({ type: QueueStatsBody }) queue_stats!: QueueStatsBody;
}

@ApiTags('operations')
@PublicRoute()
@Controller('queue')
export class QueueStatsController {
  constructor(private readonly queue: ExecutionQueue) {}

  @Get('stats')
  @ApiOperation({ summary: 'Queue depths and counters' })
  @ApiOkResponse({ type: QueueStatsResponse })
  async stats(): Promise<QueueStatsResponse> {
    return { queue_stats: await this.queue.stats() };
  }
}
