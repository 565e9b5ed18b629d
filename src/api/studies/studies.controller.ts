import { Body, Controller, Delete, Get, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { StudyRefParam, type StudyRef } from '../common/route-params';
import { TokenGuard } from '../common/token.guard';
import { CreateStudyDto } from './dto/create-study.dto';
import { StudiesService } from './studies.service';

@ApiTags('studies')
@ApiBearerAuth()
@UseGuards(TokenGuard)
@Controller('studies')
export class StudiesController {
  constructor(private readonly studies: StudiesService) {}

  @Post()
  @ApiCreatedResponse({ description: 'the study was created and starts' })
  @ApiOkResponse({ description: 'a study of that name exists with the same definition: it is returned' })
  async create(@Body() dto: CreateStudyDto, @Res({ passthrough: true }) res: Response) {
    const { created, study } = await this.studies.create(dto);
    res.status(created ? 201 : 200);
    return study;
  }

  @Get()
  list() {
    return this.studies.list();
  }

  @Get(':id')
  get(@StudyRefParam() id: StudyRef) {
    return this.studies.get(id);
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
