import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { InjectRedis } from '../../providers/redis.provider';
import type { RedisClient } from '@tuneforge/platform';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRedis() private readonly redis: RedisClient,
  ) {}

  /** 200 when Postgres and Redis answer, 503 (with which one failed) otherwise. */
  @Get()
  async health(@Res() res: Response) {
    const check = async (probe: () => Promise<unknown>) => {
      try {
        await probe();
        return 'up';
      } catch (e) {
        return `down: ${(e as Error).message}`;
      }
    };
    const [postgres, redis] = await Promise.all([
      check(() => this.dataSource.query('SELECT 1')),
      check(() => this.redis.ping()),
    ]);
    const ok = postgres === 'up' && redis === 'up';
    res
      .status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ status: ok ? 'ok' : 'error', postgres, redis });
  }
}
