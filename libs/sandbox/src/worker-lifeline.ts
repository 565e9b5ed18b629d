/**
 * Objectives die with their worker. Each sandboxed program is started through `/bin/sh` with a lifeline:
 * its stdin is a pipe from the worker that nobody ever writes to. Before the shell `exec`s the program
 * (which thus keeps the shell's pid, leads its own process group and exits with its own code or signal), it
 * leaves a watchdog behind in that group: a tiny shell that blocks reading the lifeline and, when the read
 * ends, sends SIGKILL to the whole group. The kernel closes a process's descriptors however it ends — exit,
 * crash, SIGKILL, OOM kill — so the worker's death is an immediate end-of-file for the watchdog, and the
 * program and everything it started die within milliseconds.
 *
 * Why this shape (a `setpriv --pdeathsig` or `prctl` launcher would only cover the group's leader, not its
 * children; a Node launcher costs ~40 ms and ~40 MB a trial; this costs one `sh` fork, ~1 ms, ~1 MB):
 * - The watchdog ignores SIGTERM, SIGINT, SIGHUP and SIGQUIT, so that a prune (SIGTERM to the group, SIGKILL
 *   after the grace period) or a program that signals its own group (`trap 'kill 0' EXIT`) cannot remove it
 *   while the rest of the group still runs. SIGKILL to the group (the sandbox's last word) ends it too.
 * - It is forked from a subshell that exits at once, so it is reparented to init (or the nearest subreaper,
 *   e.g. tini in docker/) instead of being the program's child: a program that waits for all its children
 *   (`wait()` until ECHILD) is not held up by it, and never reaps it.
 * - It kills its own group (`kill -KILL 0`), never a pid it remembered, so no recycled pid can be hit.
 * - The program's stdin is /dev/null, as before, and the lifeline is not among its descriptors, so the
 *   program's own children cannot keep the lifeline open or read from it.
 * - The watchdog's stdout and stderr are /dev/null and it closes the extra pipes (fd 3…6, e.g. a module's
 *   trial channel): it adds nothing to the captured output and holds none of the program's pipes open.
 *
 * A process that leaves the group on purpose (`setsid`, a daemon) escapes this, as it escapes the
 * sandbox's group kills; only a cgroup would hold it.
 */

/** The launcher: every sandboxed program is started as `/bin/sh -c <script> <name> <program> <args…>`. */
export const LAUNCHER_SHELL = '/bin/sh';

/** `$0` of the launcher, which names it in the (rare) errors of its own `exec`. */
export const LAUNCHER_NAME = 'tuneforge-sandbox';

/** Extra pipes (fd 3, 4, …) a sandboxed program may have: the watchdog closes fd 3…6. */
export const MAX_EXTRA_PIPES = 4;

/**
 * fd 0 is the lifeline. POSIX gives a background list /dev/null as stdin, hence the lifeline is saved on
 * fd 9 for the subshell and given back as the watchdog's stdin explicitly. `read` returns at end-of-file
 * (or at a line, which the worker never writes); either way the group is killed.
 */
export const LIFELINE_SCRIPT = [
  "( trap '' INT TERM HUP QUIT; { read _; kill -KILL 0; } <&9 9<&- >/dev/null 2>&1 3<&- 4<&- 5<&- 6<&- & ) 9<&0",
  'exec "$@" </dev/null',
].join('\n');

/**
 * The file and arguments that start `file args…` on a lifeline: spawn them with a pipe as stdin, kept open
 * (and never written to) for as long as the worker lives, and `detached` so that the program leads a new
 * process group.
 */
export function withLifeline(file: string, args: readonly string[]): { file: string; args: string[] } {
  return { file: LAUNCHER_SHELL, args: ['-c', LIFELINE_SCRIPT, LAUNCHER_NAME, file, ...args] };
}
