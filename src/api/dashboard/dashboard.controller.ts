import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { StudyRefParam, type StudyRef } from '../common/route-params';
import { TokenGuard } from '../common/token.guard';
import { PlotsQuery } from './dto/plots.query';
import { StudyPlotsService } from './study-plots.service';

@ApiTags('dashboard')
@ApiBearerAuth()
@UseGuards(TokenGuard)
@Controller('studies/:id')
export class DashboardController {
  constructor(private readonly plots: StudyPlotsService) {}

  @Get('plots')
  studyPlots(@StudyRefParam() id: StudyRef, @Query() query: PlotsQuery) {
    return this.plots.plots(id, query.objective);
  }

  @Get('importances')
  importances(@StudyRefParam() id: StudyRef, @Query() query: PlotsQuery) {
    return this.plots.importances(id, query.objective);
  }
}
