import { Logger } from '@nestjs/common';

/**
 * Logs connection errors of one source (a Redis connection, a queue) as JSON lines, at most one per
 * `everyMs` with the number of errors in between: an outage of minutes logs a few lines, not hundreds.
 */
export class ConnectionErrorLog {
  private readonly logger = new Logger('connections');
  private lastLoggedAt = 0;
  private suppressed = 0;

  constructor(
    private readonly source: string,
    private readonly everyMs = 5_000,
  ) {}

  readonly report = (error: Error): void => {
    const now = Date.now();
    if (now - this.lastLoggedAt < this.everyMs) {
      this.suppressed++;
      return;
    }
    this.logger.warn({
      msg: `${this.source}: ${error.message}`,
      event: 'connection-error',
      source: this.source,
      suppressedSinceLast: this.suppressed,
    });
    this.lastLoggedAt = now;
    this.suppressed = 0;
  };
}
