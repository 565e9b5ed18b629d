import { Injectable, type MessageEvent } from '@nestjs/common';
import { STREAM_PING_EVENT, STREAM_READY_EVENT } from '@tuneforge/platform';
import type { Request } from 'express';
import { interval, map, merge, takeUntil, type Observable } from 'rxjs';
import type { StudyRef } from '../common/route-params';
import { StudiesService } from '../studies/studies.service';
import { StudyEventsHub } from './study-events.hub';

/** Proxies and load balancers close a connection that stays silent for a minute or so. */
const PING_MS = 15_000;
/** How long a browser waits before reconnecting a dropped stream. */
const RETRY_MS = 2_000;

/** Server-sent events of a study, for the dashboard's live updates. */
@Injectable()
export class StudyEventsService {
  constructor(
    private readonly studies: StudiesService,
    private readonly hub: StudyEventsHub,
  ) {}

  /**
   * `ready` once the stream listens (a client reloads what it shows then, so that it misses nothing),
   * then `trial-finished` and `study-state` events as workers and the scheduler publish them, and a
   * `ping` now and then. @throws StudyNotFoundError before the stream starts (a 404)
   */
  async stream(ref: StudyRef, request: Request): Promise<Observable<MessageEvent>> {
    const studyId = await this.studies.resolve(ref);
    this.hub.track(request.res!);
    return merge(
      this.hub
        .events(studyId)
        .pipe(
          map((event): MessageEvent =>
            event === null
              ? { type: STREAM_READY_EVENT, data: { studyId }, retry: RETRY_MS }
              : { type: event.type, data: event },
          ),
        ),
      interval(PING_MS).pipe(map((): MessageEvent => ({ type: STREAM_PING_EVENT, data: {} }))),
    ).pipe(takeUntil(this.hub.closing));
  }
}
