import { Body, Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  create(@Body() dto: CreateStudyDto) {
    return this.studies.create(dto);
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
