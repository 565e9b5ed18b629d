/**
 * The objective of the chaos studies: a registered command that takes about a second and writes what it
 * does to a log file, so that the test can see every run of every trial — including runs whose worker
 * died and runs that outlived it:
 *
 *   start <trial number> <pid> <unix seconds>
 *   tick  <trial number> <pid> <unix seconds>     every 0.25 s while it works (and reports its value as a step)
 *   end   <trial number> <pid> <unix seconds> <value>
 *
 * The run's pid is also stored as the trial's user attribute `chaos_run`, which tells which run a trial's
 * committed result came from.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const OBJECTIVE_NAME = 'chaos-sleep';

// POSIX sh + GNU date/sleep. Lines are appended with O_APPEND (`>>`), so lines of concurrent runs never mix.
const SCRIPT = `#!/bin/sh
set -eu
n="$TUNEFORGE_TRIAL_NUMBER"
log="$CHAOS_OBJECTIVE_LOG"
x=$(printf '%s' "$TUNEFORGE_PARAMS" | sed -n 's/.*"x":\\([-+0-9.eE]*\\).*/\\1/p')
echo "start $n $$ $(date +%s.%N)" >> "$log"
for step in 1 2 3 4; do
  sleep 0.25
  echo "tick $n $$ $(date +%s.%N)" >> "$log"
  echo "tuneforge:report step=$step value=$x"
done
echo "tuneforge:attr chaos_run=$$"
echo "end $n $$ $(date +%s.%N) $x" >> "$log"
echo "tuneforge:result value=$x"
`;

/** Writes the script and its manifest into `dir/objectives`; returns the manifests folder and the log path. */
export async function writeChaosObjective(dir: string): Promise<{ objectivesDir: string; logFile: string }> {
  const objectivesDir = join(dir, 'objectives');
  const logFile = join(dir, 'objective.log');
  await mkdir(objectivesDir, { recursive: true });
  await writeFile(join(objectivesDir, 'chaos-sleep.sh'), SCRIPT, { mode: 0o755 });
  await writeFile(logFile, '');
  const manifest = {
    name: OBJECTIVE_NAME,
    description: 'sleeps 1 s, logs its runs, returns x',
    kind: 'command',
    argv: ['sh', 'chaos-sleep.sh'],
    space: { x: { type: 'float', low: 0, high: 1 } },
    env: { CHAOS_OBJECTIVE_LOG: logFile },
    limits: { wallTimeMs: 30_000, killGraceMs: 1000 },
  };
  await writeFile(join(objectivesDir, 'chaos-sleep.json'), JSON.stringify(manifest, null, 2));
  return { objectivesDir, logFile };
}

/** One run of the objective as its log shows it. Times in ms since the epoch. */
export interface ObjectiveRun {
  trial: number;
  pid: number;
  start: number;
  /** The last sign of life: its `end` line, else its last `tick`, else its start. */
  lastSeen: number;
  /** The value it printed; null when it never ended (killed). */
  value: number | null;
}

export async function readObjectiveRuns(logFile: string): Promise<ObjectiveRun[]> {
  const runs = new Map<string, ObjectiveRun>();
  for (const line of (await readFile(logFile, 'utf8')).split('\n')) {
    const [kind, trial, pid, seconds, value] = line.split(' ');
    if (!['start', 'tick', 'end'].includes(kind)) continue;
    const key = `${trial}/${pid}`;
    const at = Number(seconds) * 1000;
    const run = runs.get(key) ?? {
      trial: Number(trial),
      pid: Number(pid),
      start: at,
      lastSeen: at,
      value: null,
    };
    run.lastSeen = Math.max(run.lastSeen, at);
    if (kind === 'end') run.value = Number(value);
    runs.set(key, run);
  }
  return [...runs.values()].sort((a, b) => a.start - b.start);
}

/** Runs of one trial that were alive at the same time (a re-run started before an earlier run's last sign of life). */
export function overlappingRuns(runs: readonly ObjectiveRun[]): string[] {
  const byTrial = new Map<number, ObjectiveRun[]>();
  for (const run of runs) byTrial.set(run.trial, [...(byTrial.get(run.trial) ?? []), run]);
  const problems: string[] = [];
  for (const [trial, list] of byTrial) {
    for (let i = 1; i < list.length; i++) {
      for (const earlier of list.slice(0, i)) {
        if (list[i].start < earlier.lastSeen) {
          problems.push(
            `trial ${trial}: run pid ${list[i].pid} started while pid ${earlier.pid} was still running (${Math.round(earlier.lastSeen - list[i].start)} ms overlap)`,
          );
        }
      }
    }
  }
  return problems;
}

/** Whether a process is alive: it exists and is not a zombie (a zombie has stopped running). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state …: the command may hold spaces and parentheses, so read after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
