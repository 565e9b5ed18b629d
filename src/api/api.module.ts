import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { REFILL_QUEUE, TRIALS_QUEUE } from '@tuneforge/platform';
import { PlatformConfig } from '../config/platform-config';
import { PlatformShutdown } from '../providers/platform-shutdown';
import { ObjectiveCatalogPort } from '../providers/objective-catalog';
import { SandboxObjectiveCatalog } from '../providers/sandbox-objective-catalog';
import { AskTellController } from './ask-tell/ask-tell.controller';
import { AskTellService } from './ask-tell/ask-tell.service';
import { ApiErrorsFilter } from './common/api-errors.filter';
import { boardAuth } from './common/board-auth.middleware';
import { TokenGuard } from './common/token.guard';
import { DashboardController } from './dashboard/dashboard.controller';
import { DashboardModule } from './dashboard/dashboard.module';
import { StudyPlotsService } from './dashboard/study-plots.service';
import { EventsController } from './events/events.controller';
import { StudyEventsService } from './events/events.service';
import { StudyEventsHub } from './events/study-events.hub';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { PoolsController } from './pools/pools.controller';
import { PoolsService } from './pools/pools.service';
import { ParetoService } from './studies/pareto.service';
import { StudiesController } from './studies/studies.controller';
import { StudiesService } from './studies/studies.service';
import { TrialsController } from './trials/trials.controller';
import { TrialsService } from './trials/trials.service';

export const BOARD_ROUTE = '/admin/queues';

/** The HTTP role: REST studies and trials, health, Bull Board, the dashboard, live events, metrics. */
@Module({})
export class ApiModule {
  /**
   * The api's part of a stop (the order is PlatformShutdown's): the event streams end, so that the HTTP
   * server, which Nest closes after the flush, waits only for the requests in flight; the events'
   * subscriber connection closes with Redis.
   */
  constructor(shutdown: PlatformShutdown, events: StudyEventsHub) {
    shutdown.add('stop-intake', 'event streams', () => events.endStreams());
    shutdown.add('close-redis', 'event subscriber', () => events.close());
  }

  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        BullBoardModule.forRoot({
          route: BOARD_ROUTE,
          adapter: ExpressAdapter,
          middleware: boardAuth(config.apiToken),
        }),
        BullBoardModule.forFeature(
          { name: TRIALS_QUEUE, adapter: BullMQAdapter },
          { name: REFILL_QUEUE, adapter: BullMQAdapter },
        ),
        DashboardModule,
      ],
      controllers: [
        StudiesController,
        TrialsController,
        AskTellController,
        HealthController,
        DashboardController,
        EventsController,
        MetricsController,
        PoolsController,
      ],
      providers: [
        StudiesService,
        ParetoService,
        TrialsService,
        AskTellService,
        StudyPlotsService,
        StudyEventsService,
        StudyEventsHub,
        MetricsService,
        PoolsService,
        TokenGuard,
        { provide: ObjectiveCatalogPort, useClass: SandboxObjectiveCatalog },
        { provide: APP_FILTER, useClass: ApiErrorsFilter },
      ],
    };
  }
}
