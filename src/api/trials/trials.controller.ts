import { Body, Controller, Get, Header, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { NoQuery } from '../common/no-query';
import { StudyRefParam, TrialNumberParam, type StudyRef } from '../common/route-params';
import { TokenGuard } from '../common/token.guard';
import { EnqueueTrialDto } from './dto/enqueue-trial.dto';
import { ListTrialsQuery } from './dto/list-trials.query';
import { TrialsService } from './trials.service';

@ApiTags('trials')
@ApiBearerAuth()
@UseGuards(TokenGuard)
@Controller('studies/:id')
export class TrialsController {
  constructor(private readonly trials: TrialsService) {}

  @Get('trials.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  csv(@StudyRefParam() id: StudyRef, @Query() _query: NoQuery) {
    return this.trials.csv(id);
  }

  @Get('trials')
  list(@StudyRefParam() id: StudyRef, @Query() query: ListTrialsQuery) {
    return this.trials.list(id, query);
  }

  @Get('trials/:number')
  get(@StudyRefParam() id: StudyRef, @TrialNumberParam() number: number, @Query() _query: NoQuery) {
    return this.trials.get(id, number);
  }

  @Post('trials')
  enqueue(@StudyRefParam() id: StudyRef, @Body() dto: EnqueueTrialDto) {
    return this.trials.enqueue(id, dto);
  }
}
