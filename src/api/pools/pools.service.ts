import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { InjectBullBoard, type BullBoardInstance } from '@bull-board/nestjs';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Storage } from '@tuneforge/core';
import {
  meetsRequirement,
  readStudyDefinition,
  STATE_ATTR,
  trialQueueName,
  TRIALS_QUEUE,
  unmetRequirementReason,
  WorkerPoolRegistry,
  type PoolResponse,
  type PoolsResponse,
  type RedisClient,
  type Resources,
  type StudyResponse,
} from '@tuneforge/platform';
import { PlatformConfig } from '../../config/platform-config';
import { InjectRedis } from '../../providers/redis.provider';
import { TrialQueues } from '../../providers/trial-queues';

/** How often the api looks for pool queues that Bull Board does not show yet. */
const BOARD_REFRESH_MS = 5_000;

/**
 * What the worker pools look like (GET /pools, the dashboard's pools panel): the live workers and what they
 * offer, and per pool its workers, its waiting trials and queue; why a study's trials wait when no live worker
 * offers what they need (GET /studies/:id); every pool's queue on Bull Board.
 */
@Injectable()
export class PoolsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('api');
  private readonly registry: WorkerPoolRegistry;
  private readonly onBoard = new Set<string>([TRIALS_QUEUE]);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly queues: TrialQueues,
    @InjectRedis() redis: RedisClient,
    config: PlatformConfig,
    @InjectBullBoard() private readonly board: BullBoardInstance,
  ) {
    this.registry = new WorkerPoolRegistry(redis, config.queuePrefix);
  }

  onModuleInit(): void {
    void this.showPoolsOnBoard();
    this.timer = setInterval(() => void this.showPoolsOnBoard(), BOARD_REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * The study, with why its WAITING trials do not start when no live worker offers what they need. Studies
   * whose trials need nothing cost nothing more.
   */
  async withWaitingReason(study: Promise<StudyResponse>): Promise<StudyResponse> {
    const s = await study;
    const need = s.definition?.resources;
    if (s.state !== 'RUNNING' || s.counts.WAITING === 0 || !need || Object.keys(need).length === 0) {
      return { ...s, waiting: null };
    }
    const offers = (await this.registry.liveWorkers()).map((w) => w.resources);
    const reason = unmetRequirementReason(need, offers);
    return { ...s, waiting: reason === null ? null : { reason } };
  }

  async list(): Promise<PoolsResponse> {
    const [workers, recorded, studies] = await Promise.all([
      this.registry.liveWorkers(),
      this.registry.poolQueues(),
      this.storage.listStudies(),
    ]);
    const waiting = new Map<string, number>();
    for (const s of studies) {
      if (s.systemAttrs[STATE_ATTR] !== 'RUNNING' || s.trialCounts.WAITING === 0) continue;
      const queue = trialQueueName(readStudyDefinition(s.studyName, s.systemAttrs)?.resources);
      waiting.set(queue, (waiting.get(queue) ?? 0) + s.trialCounts.WAITING);
    }
    const pools = [{ queue: TRIALS_QUEUE, requirement: {} as Resources }, ...recorded];
    return {
      workers: workers.map((w) => ({ ...w, announcedAt: new Date(w.announcedAt).toISOString() })),
      pools: await Promise.all(
        pools.map(async ({ queue, requirement }): Promise<PoolResponse> => {
          const counts = await this.queues
            .named(queue)
            .getJobCounts('waiting', 'prioritized', 'delayed', 'active');
          return {
            queue,
            requirement,
            workers: workers.filter((w) => meetsRequirement(w.resources, requirement)).map((w) => w.workerId),
            waitingTrials: waiting.get(queue) ?? 0,
            queuedJobs: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
            activeJobs: counts.active ?? 0,
            reason: unmetRequirementReason(
              requirement,
              workers.map((w) => w.resources),
            ),
          };
        }),
      ),
    };
  }

  /** Adds the pool queues recorded since the last look to Bull Board. */
  private async showPoolsOnBoard(): Promise<void> {
    try {
      for (const { queue } of await this.registry.poolQueues()) {
        if (this.onBoard.has(queue)) continue;
        this.board.addQueue(new BullMQAdapter(this.queues.named(queue)));
        this.onBoard.add(queue);
      }
    } catch (e) {
      this.logger.warn({
        msg: `pool queues not read for Bull Board: ${(e as Error).message}`,
        event: 'board-pools-failed',
      });
    }
  }
}
