/**
 * A set of named child processes started together and stopped together: each output line is printed
 * with the child's name in front, the first unexpected exit is reported once, and `stop()` sends SIGTERM
 * to every child still alive, then SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildSpec {
  /** Shown in front of every line, e.g. `worker-2`. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

interface Member {
  spec: ChildSpec;
  child: ChildProcess;
  exited: Promise<void>;
  alive: boolean;
}

const COLORS = [36, 35, 33, 32, 34, 91, 96, 95, 93, 92];

export class ProcessGroup {
  private readonly members: Member[] = [];
  private stopping = false;
  private readonly width: number;

  /**
   * @param specs the children, started by `start()`
   * @param onUnexpectedExit called once, for the first child that exits while the group is not stopping
   * @param color colour the name prefixes (when writing to a terminal)
   */
  constructor(
    private readonly specs: readonly ChildSpec[],
    private readonly onUnexpectedExit: (name: string, how: string) => void,
    private readonly color = process.stdout.isTTY === true,
  ) {
    this.width = Math.max('platform'.length, ...specs.map((s) => s.name.length));
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Prints a line of the launcher itself, aligned with the children's. */
  announce(line: string, out: NodeJS.WriteStream = process.stdout): void {
    const label = 'platform'.padEnd(this.width);
    out.write(`${this.color ? `\x1b[1m${label} |\x1b[0m` : `${label} |`} ${line}\n`);
  }

  start(): void {
    for (const spec of this.specs) this.members.push(this.spawnOne(spec, this.members.length));
  }

  /** SIGTERM to every live child, SIGKILL to those still alive after `graceMs`; resolves when all are gone. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const live = this.members.filter((m) => m.alive);
    for (const m of live) m.child.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), graceMs);
    await Promise.all(live.map((m) => m.exited));
    clearTimeout(timer);
  }

  /** SIGKILL to every live child, now. */
  kill(): void {
    this.stopping = true;
    for (const m of this.members) {
      if (m.alive) {
        this.print(m.spec.name, 'still running: SIGKILL', process.stderr, this.members.indexOf(m));
        m.child.kill('SIGKILL');
      }
    }
  }

  private spawnOne(spec: ChildSpec, index: number): Member {
    // A process group of its own: the terminal's Ctrl-C reaches the launcher only, which then stops the
    // children once and in order (a second signal would cut a role's graceful shutdown short).
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const member: Member = { spec, child, alive: true, exited: Promise.resolve() };
    for (const [stream, out] of [
      [child.stdout!, process.stdout],
      [child.stderr!, process.stderr],
    ] as const) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) =>
        this.print(spec.name, line, out, index),
      );
    }
    member.exited = new Promise((resolve) => {
      child.on('error', (e) => {
        this.print(spec.name, `cannot start: ${e.message}`, process.stderr, index);
        if (member.alive) {
          member.alive = false;
          this.exitedUnexpectedly(spec.name, `could not start (${e.message})`);
        }
        resolve();
      });
      // 'close' rather than 'exit': the child's last output lines are printed before its exit is.
      child.on('close', (code, signal) => {
        member.alive = false;
        // Nest re-raises the signal once its shutdown hooks ran, so 'SIGTERM' is how a role stops cleanly.
        const how =
          this.stopping && signal === 'SIGTERM'
            ? 'stopped'
            : signal
              ? `was killed by ${signal}`
              : `exited with code ${code}`;
        this.print(spec.name, how, process.stderr, index);
        if (!this.stopping) this.exitedUnexpectedly(spec.name, how);
        resolve();
      });
    });
    return member;
  }

  private exitedUnexpectedly(name: string, how: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.onUnexpectedExit(name, how);
  }

  private print(name: string, line: string, out: NodeJS.WriteStream, index: number): void {
    const label = name.padEnd(this.width);
    const prefix = this.color ? `\x1b[${COLORS[index % COLORS.length]}m${label} |\x1b[0m` : `${label} |`;
    out.write(`${prefix} ${line}\n`);
  }
}
