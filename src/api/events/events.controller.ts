import { Controller, Param, Sse, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { TokenGuard } from '../common/token.guard';
import { StudyEventsService } from './events.service';

@ApiTags('dashboard')
@ApiBearerAuth()
@UseGuards(TokenGuard)
@Controller('studies/:id')
export class EventsController {
  constructor(private readonly events: StudyEventsService) {}

  @Sse('events')
  stream(@Param('id') id: string) {
    return this.events.stream(id);
  }
}
