import { Injectable } from '@nestjs/common';
import { RedisKeys, type RedisClient } from '@tuneforge/platform';
import { Cluster } from 'ioredis';
import { PlatformConfig } from '../config/platform-config';
import { InjectRedis } from './redis.provider';

/** Removes what a deleted study leaves outside the database (port). */
export abstract class StudyCleanup {
  abstract afterDelete(studyId: number): Promise<void>;
}

/** Deletes the study's Redis keys (pruning index); queued jobs of its trials find no trial and end. */
@Injectable()
export class RedisStudyCleanup extends StudyCleanup {
  private readonly keys: RedisKeys;

  constructor(
    @InjectRedis() private readonly redis: RedisClient,
    config: PlatformConfig,
  ) {
    super();
    this.keys = new RedisKeys(config.queuePrefix);
  }

  async afterDelete(studyId: number): Promise<void> {
    // SCAN walks one server: on a Redis Cluster, every master. The study's keys share a hash tag, so one DEL
    // (routed by the cluster to their slot) takes each batch.
    const servers = this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis];
    for (const server of servers) {
      let cursor = '0';
      do {
        const [next, found] = await server.scan(
          cursor,
          'MATCH',
          this.keys.studyKeyPattern(studyId),
          'COUNT',
          500,
        );
        if (found.length > 0) await this.redis.del(...found);
        cursor = next;
      } while (cursor !== '0');
    }
  }
}
