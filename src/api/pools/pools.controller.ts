import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TokenGuard } from '../common/token.guard';
import { PoolsService } from './pools.service';

@ApiTags('pools')
@ApiBearerAuth()
@UseGuards(TokenGuard)
@Controller('pools')
export class PoolsController {
  constructor(private readonly pools: PoolsService) {}

  @Get()
  @ApiOperation({
    summary:
      'the worker pools: live workers and what they offer, and per pool its workers, waiting trials and queue',
  })
  @ApiOkResponse({
    description:
      '{ workers: [{ workerId, resources, concurrency, running, queues, announcedAt }], pools: [{ queue, requirement, workers, waitingTrials, queuedJobs, activeJobs, reason }] }',
  })
  list() {
    return this.pools.list();
  }
}
