import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NoQuery } from '../common/no-query';
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
  list(@Query() _query: NoQuery) {
    return this.pools.list();
  }
}
