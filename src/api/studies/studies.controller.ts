import { Body, Controller, Delete, Get, HttpCode, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { NoQuery } from '../common/no-query';
import { StudyRefParam, type StudyRef } from '../common/route-params';
import { TokenGuard } from '../common/token.guard';
import { CreateStudyDto } from './dto/create-study.dto';
import { ParetoQuery } from './dto/pareto.query';
import { ParetoService } from './pareto.service';
import { StudiesService } from './studies.service';
import { PoolsService } from '../pools/pools.service';

@ApiTags('studies')
@ApiBearerAuth()
@UseGuards(TokenGuard)
@Controller('studies')
export class StudiesController {
  constructor(
    private readonly studies: StudiesService,
    private readonly fronts: ParetoService,
    private readonly pools: PoolsService,
  ) {}

  @Post()
  @ApiCreatedResponse({ description: 'the study was created and starts' })
  @ApiOkResponse({ description: 'a study of that name exists with the same definition: it is returned' })
  async create(@Body() dto: CreateStudyDto, @Res({ passthrough: true }) res: Response) {
    const { created, study } = await this.studies.create(dto);
    res.status(created ? 201 : 200);
    return study;
  }

  @Get()
  list(@Query() _query: NoQuery) {
    return this.studies.list();
  }

  @Get(':id')
  get(@StudyRefParam() id: StudyRef, @Query() _query: NoQuery) {
    return this.pools.withWaitingReason(this.studies.get(id));
  }

  @Get(':id/pareto')
  @ApiOperation({
    summary: 'the feasible Pareto front of a multi-objective study and its hypervolume',
    description:
      'COMPLETE trials whose constraints all hold (<= 0) and that no other such trial dominates, the number of ' +
      'infeasible COMPLETE trials, and the hypervolume of the front for ?ref= or the default reference point ' +
      '(referencePointSource and referencePointRule say which), and hypervolumeHistory: the hypervolume after ' +
      'each finished trial from the same point, ending at hypervolume.',
  })
  @ApiOkResponse({ description: 'the front, in trial number order' })
  @ApiBadRequestResponse({ description: 'ref is not one number per objective (errors names ref)' })
  @ApiConflictResponse({
    description: 'the study has one objective: its best trial is best in GET /studies/:id',
  })
  pareto(@StudyRefParam() id: StudyRef, @Query() query: ParetoQuery) {
    return this.fronts.pareto(id, query.ref);
  }

  @Post(':id/stop')
  @HttpCode(200)
  stop(@StudyRefParam() id: StudyRef) {
    return this.studies.stop(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@StudyRefParam() id: StudyRef) {
    return this.studies.resume(id);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@StudyRefParam() id: StudyRef) {
    return this.studies.remove(id);
  }
}
