import { Writable } from 'node:stream';
import { createPlatformLogger, PinoLoggerService } from './pino-logger.service';

function capture(level?: 'info' | 'debug') {
  const lines: any[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const service = new PinoLoggerService(
    createPlatformLogger({ role: 'worker', workerId: 'w-1', level, destination }),
  );
  return { service, lines };
}

describe('PinoLoggerService', () => {
  it('writes one JSON line per record, with the role, worker and Nest context', () => {
    const { service, lines } = capture();
    service.log('study 3 completed with 10 trials', 'scheduler');
    expect(lines).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        role: 'worker',
        worker: 'w-1',
        context: 'scheduler',
        msg: 'study 3 completed with 10 trials',
      },
    ]);
  });

  it('puts the fields of an object message on the line (trial ids)', () => {
    const { service, lines } = capture();
    service.warn({ msg: 'trial 4 of study 2: run again', studyId: 2, trialId: 17, trialNumber: 4 }, 'worker');
    expect(lines[0]).toMatchObject({
      level: 'warn',
      context: 'worker',
      msg: 'trial 4 of study 2: run again',
      studyId: 2,
      trialId: 17,
      trialNumber: 4,
    });
  });

  it("keeps an error's stack in a field of its one line", () => {
    const { service, lines } = capture();
    const error = new Error('connect ECONNREFUSED');
    service.error('Unable to connect to the database.', error.stack, 'TypeOrmModule');
    service.error(error, undefined, 'ExceptionHandler');
    expect(lines[0]).toMatchObject({ level: 'error', context: 'TypeOrmModule', stack: error.stack });
    expect(lines[0].details).toBeUndefined();
    expect(lines[1]).toMatchObject({ msg: 'connect ECONNREFUSED', err: { message: 'connect ECONNREFUSED' } });
  });

  it("logs Nest's start-up chatter at debug level only", () => {
    const quiet = capture();
    quiet.service.log('Mapped {/studies, GET} route', 'RouterExplorer');
    expect(quiet.lines).toEqual([]);
    const verbose = capture('debug');
    verbose.service.log('Mapped {/studies, GET} route', 'RouterExplorer');
    expect(verbose.lines[0]).toMatchObject({ level: 'debug', context: 'RouterExplorer' });
  });
});
