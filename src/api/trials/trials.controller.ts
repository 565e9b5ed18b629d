import { Body, Controller, Get, Header, Param, ParseIntPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  csv(@Param('id') id: string) {
    return this.trials.csv(id);
  }

  @Get('trials')
  list(@Param('id') id: string, @Query() query: ListTrialsQuery) {
    return this.trials.list(id, query);
  }

  @Get('trials/:number')
  get(@Param('id') id: string, @Param('number', ParseIntPipe) number: number) {
    return this.trials.get(id, number);
  }

  @Post('trials')
  enqueue(@Param('id') id: string, @Body() dto: EnqueueTrialDto) {
    return this.trials.enqueue(id, dto);
  }
}
