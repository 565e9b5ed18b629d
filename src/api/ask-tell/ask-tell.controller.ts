import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { StudyRefParam, TrialNumberParam, type StudyRef } from '../common/route-params';
import { TokenGuard } from '../common/token.guard';
import { AskTellService } from './ask-tell.service';
import { AskTrialDto } from './dto/ask-trial.dto';
import { HeartbeatDto } from './dto/heartbeat.dto';
import { ReportValueDto } from './dto/report-value.dto';
import { SuggestParamDto } from './dto/suggest-param.dto';
import { TellTrialDto } from './dto/tell-trial.dto';

const LEASE_LOST =
  '`reason: "lease-lost"`: the trial is no longer this lease\'s (it lapsed, or the trial ended): stop running it';

/** Client-driven trials: a client asks for a trial, runs it where it likes, and tells the result. */
@ApiTags('ask and tell')
@ApiBearerAuth()
@UseGuards(TokenGuard)
@ApiNotFoundResponse({ description: 'no such study or trial number' })
@ApiBadRequestResponse({ description: 'a field of the body is wrong; `errors` names it' })
@Controller('studies/:id')
export class AskTellController {
  constructor(private readonly askTell: AskTellService) {}

  @Post('ask')
  @ApiOperation({ summary: 'a trial to run, RUNNING under a lease that the client renews' })
  @ApiCreatedResponse({
    description: '{ number, trialId, attempt, params, distributions, lease: { token, seconds, expiresAt } }',
  })
  @ApiConflictResponse({
    description: '`reason`: "budget" (nTrials trials exist), "timeout", "stopped" or "completed"',
  })
  ask(@StudyRefParam() id: StudyRef, @Body() dto: AskTrialDto) {
    return this.askTell.ask(id, dto);
  }

  @Post('trials/:number/heartbeat')
  @HttpCode(200)
  @ApiOperation({ summary: "renews the trial's lease" })
  @ApiOkResponse({ description: '{ expiresAt }' })
  @ApiConflictResponse({ description: LEASE_LOST })
  heartbeat(@StudyRefParam() id: StudyRef, @TrialNumberParam() number: number, @Body() dto: HeartbeatDto) {
    return this.askTell.heartbeat(id, number, dto.token);
  }

  @Post('trials/:number/suggest')
  @HttpCode(200)
  @ApiOperation({ summary: 'a parameter, define-by-run (the same value again for a name already suggested)' })
  @ApiOkResponse({ description: '{ name, value }' })
  @ApiConflictResponse({ description: LEASE_LOST })
  suggest(@StudyRefParam() id: StudyRef, @TrialNumberParam() number: number, @Body() dto: SuggestParamDto) {
    return this.askTell.suggest(id, number, dto);
  }

  @Post('trials/:number/report')
  @HttpCode(200)
  @ApiOperation({ summary: "an intermediate value; answers the study pruner's decision (renews the lease)" })
  @ApiOkResponse({ description: '{ shouldPrune }' })
  @ApiConflictResponse({ description: LEASE_LOST })
  report(@StudyRefParam() id: StudyRef, @TrialNumberParam() number: number, @Body() dto: ReportValueDto) {
    return this.askTell.report(id, number, dto);
  }

  @Post('trials/:number/tell')
  @HttpCode(200)
  @ApiOperation({ summary: 'ends the trial: COMPLETE with its value(s), PRUNED or FAIL' })
  @ApiOkResponse({ description: 'the trial as GET /studies/:id/trials/:number shows it' })
  @ApiConflictResponse({ description: `${LEASE_LOST}; "already-told": it was told another result` })
  tell(@StudyRefParam() id: StudyRef, @TrialNumberParam() number: number, @Body() dto: TellTrialDto) {
    return this.askTell.tell(id, number, dto);
  }
}
