import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';

/** Nest's start-up chatter (one line per module and route): kept for debugging, below the default level. */
const NEST_INTERNALS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

// What Nest's ConsoleLogger takes for a stack trace in `error(message, stack, context)`.
const STACK = /^(.)+\n\s+at .+:\d+:\d+/;

export interface PlatformLoggerOptions {
  /** Which process writes (`api`, `scheduler`, `worker`, `all`), on every line. */
  readonly role: string;
  /** The worker id, on every line of a worker. */
  readonly workerId?: string;
  /** @defaultValue 'info' */
  readonly level?: Level;
  /** @defaultValue standard output, written synchronously so that nothing is lost at exit */
  readonly destination?: DestinationStream;
}

/**
 * The platform's JSON logger: one line per record, `{"level":"info","time":"…","role":"worker",
 * "context":"worker","studyId":3,"trialId":41,"trialNumber":7,"msg":"…"}`.
 */
export function createPlatformLogger(options: PlatformLoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { role: options.role, ...(options.workerId ? { worker: options.workerId } : {}) },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/**
 * Nest's LoggerService on pino, so that `new Logger('worker').log(...)` anywhere in the platform writes
 * structured lines. A message may be an object: its fields go on the line (`{ msg, studyId, trialId }`),
 * which is how trial lines carry their ids.
 */
export class PinoLoggerService implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    // Nest passes an absent stack as undefined (or null): nothing to show.
    const rest = params.filter((p) => p !== undefined && p !== null);
    // Nest's Logger appends its context as the last argument.
    const context =
      rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : null;
    const fields: Record<string, unknown> = context ? { context } : {};
    let msg: string;
    if (message instanceof Error) {
      fields.err = message;
      msg = message.message;
    } else if (message !== null && typeof message === 'object') {
      const { msg: text, message: alt, ...own } = message as Record<string, unknown>;
      Object.assign(fields, own);
      msg = String(text ?? alt ?? '');
    } else {
      msg = String(message);
    }
    if (typeof rest[0] === 'string' && STACK.test(rest[0])) fields.stack = rest.shift();
    if (rest.length > 0) fields.details = rest;
    const effective = context !== null && level === 'info' && NEST_INTERNALS.has(context) ? 'debug' : level;
    this.pino[effective](fields, msg);
  }
}
