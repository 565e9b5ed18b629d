import { Controller, Query, Req, Sse, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { NoQuery } from '../common/no-query';
import { StudyRefParam, type StudyRef } from '../common/route-params';
import { TokenGuard } from '../common/token.guard';
import { StudyEventsService } from './events.service';

@ApiTags('dashboard')
@ApiBearerAuth()
@UseGuards(TokenGuard)
@Controller('studies/:id')
export class EventsController {
  constructor(private readonly events: StudyEventsService) {}

  @Sse('events')
  stream(@StudyRefParam() id: StudyRef, @Req() request: Request, @Query() _query: NoQuery) {
    return this.events.stream(id, request);
  }
}
