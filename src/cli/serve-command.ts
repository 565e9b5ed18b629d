import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';
import { oneOf } from './parse-options';

const ROLES = ['api', 'scheduler', 'worker', 'all'] as const;
const ROOT = join(__dirname, '..', '..');

/**
 * `tuneforge serve --role …`: runs the platform in this terminal. The platform (NestJS) needs decorator
 * metadata, which the CLI's own loader does not emit, so it runs in a child process compiled by swc;
 * its configuration comes from the environment (DATABASE_URL, REDIS_URL, …) and is checked at start.
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the platform: api, scheduler, worker, or all three in one process')
    .option('--role <role>', ROLES.join(' | '), oneOf('--role', ROLES), 'all')
    .action(async (flags: { role: string }) => {
      const child = spawn(
        process.execPath,
        ['-r', join(ROOT, 'bin', 'swc-register.js'), join(ROOT, 'src', 'main.ts')],
        {
          stdio: 'inherit',
          env: { ...process.env, TUNEFORGE_ROLE: flags.role },
        },
      );
      const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
      process.on('SIGINT', forward('SIGINT'));
      process.on('SIGTERM', forward('SIGTERM'));
      const code = await new Promise<number>((resolve) =>
        child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))),
      );
      if (code !== 0)
        throw Object.assign(new Error(`the ${flags.role} role stopped with exit code ${code}`), {
          exitCode: code,
        });
    });
}
