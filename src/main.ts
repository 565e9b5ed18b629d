import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import {
  Module,
  type DynamicModule,
  type INestApplicationContext,
  Logger,
  ValidationPipe,
  BadRequestException,
  type NestApplicationOptions,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ApiModule } from './api/api.module';
import { errorBody } from './api/common/error-body';
import { BODY_LIMIT_BYTES, JsonObjectBodyPipe, requireJsonBody } from './api/common/request-body';
import { flattenValidationErrors } from './api/common/validation';
import { ConfigError, loadPlatformConfig, type PlatformConfig } from './config/platform-config';
import { createPlatformLogger, PinoLoggerService } from './logging/pino-logger.service';
import { PlatformCoreModule } from './providers/platform-core.module';
import { PlatformShutdown } from './providers/platform-shutdown';
import { SchedulerModule } from './scheduler/scheduler.module';
import { WorkerModule } from './worker/worker.module';

/** The modules of a role: `all` runs the three in one process. */
export function platformModule(config: PlatformConfig): DynamicModule {
  const roles: Array<DynamicModule | Type> = [];
  if (config.role === 'api' || config.role === 'all') roles.push(ApiModule.forRoot(config));
  if (config.role === 'scheduler' || config.role === 'all') roles.push(SchedulerModule);
  if (config.role === 'worker' || config.role === 'all') roles.push(WorkerModule);
  @Module({})
  class PlatformModule {}
  return { module: PlatformModule, imports: [PlatformCoreModule.forRoot(config), ...roles] };
}

/** The one ValidationPipe of the API: unknown fields refused, field-level messages. */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      return new BadRequestException(
        errorBody(400, fields.map((f) => `${f.field}: ${f.messages.join('; ')}`).join('; '), fields),
      );
    },
  });
}

/**
 * The HTTP application of the api role, configured and not yet listening: JSON bodies only (a 415
 * otherwise), at most {@link BODY_LIMIT_BYTES}, each body an object; the one validation pipe; OpenAPI at
 * /docs. Every error, Express's included, goes through ApiErrorsFilter.
 */
export async function createApiApp(
  module: DynamicModule,
  options: NestApplicationOptions,
): Promise<NestExpressApplication> {
  // Nest's default parsers would add a urlencoded one and a 100 kB limit: the API reads JSON only.
  const app = await NestFactory.create<NestExpressApplication>(module, { ...options, bodyParser: false });
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
  app.useGlobalPipes(new JsonObjectBodyPipe(), apiValidationPipe());
  const docs = new DocumentBuilder()
    .setTitle('Tuneforge')
    .setDescription('Hyper-parameter optimization studies: define, run on workers, watch.')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, docs));
  return app;
}

/** Starts the platform for `config.role`; resolves once it serves. */
export async function startPlatform(config: PlatformConfig): Promise<INestApplicationContext> {
  // JSON lines from every Nest logger; start-up errors are rethrown (abortOnError: false) so that main()
  // ends with its one-line message instead of Nest exiting on its own.
  const options = {
    logger: new PinoLoggerService(
      createPlatformLogger({
        role: config.role,
        workerId: config.role === 'api' ? undefined : config.workerId,
      }),
    ),
    abortOnError: false,
  };
  const logger = new Logger('tuneforge');
  const module = platformModule(config);
  if (config.role === 'api' || config.role === 'all') {
    const app = await createApiApp(module, options);
    app.enableShutdownHooks();
    app.get(PlatformShutdown).exitProcessWhenRedisIsGone();
    await app.listen(config.port, config.host);
    // The address it listens on, as configured: Nest's getUrl() shows 0.0.0.0 as 127.0.0.1, which hid
    // that an API with a token listens on every interface.
    const { port } = app.getHttpServer().address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.log(
      `${config.role === 'all' ? 'api + scheduler + worker' : 'api'} listening on ${url} (docs at /docs, queues at /admin/queues)`,
    );
    if (config.apiToken === null) {
      logger.warn(
        'TUNEFORGE_API_TOKEN is not set: the API listens on loopback only and accepts every request.',
      );
    }
    return app;
  }
  const context = await NestFactory.createApplicationContext(module, options);
  context.enableShutdownHooks();
  context.get(PlatformShutdown).exitProcessWhenRedisIsGone();
  logger.log(`${config.role} started (worker id ${config.workerId})`);
  return context;
}

async function main(): Promise<void> {
  let config: PlatformConfig;
  try {
    config = loadPlatformConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const problem of e.problems) process.stderr.write(`tuneforge: ${problem}\n`);
      process.exit(2);
    }
    throw e;
  }
  try {
    await startPlatform(config);
  } catch (e) {
    process.stderr.write(
      `tuneforge: cannot start the ${config.role} role: ${(e as Error).message.split('\n')[0]}\n`,
    );
    process.exit(1);
  }
}

if (require.main === module) void main();
