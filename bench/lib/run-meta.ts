/** What every benchmark's JSON says about the run: versions, machine, start time. */
import { cpus } from 'node:os';

export function runMeta(started: Date): Record<string, string | number> {
  return {
    tuneforge: process.env.npm_package_version ?? '0.1.0',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    started: started.toISOString(),
  };
}
