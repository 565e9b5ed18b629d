/**
 * Limits of a sandboxed objective, with their defaults, checked once when a spec is built. Shared by the
 * command and module runners and by the registry's manifests (same names everywhere).
 */
import { InvalidObjectiveSpecError } from './errors';

export interface SandboxLimits {
  /** Wall-clock time from spawn to exit; over it the trial ends FAIL. @defaultValue 86_400_000 (24 h) */
  wallTimeMs?: number;
  /**
   * Command objectives: address-space cap in MiB for the command and everything it starts (RLIMIT_AS
   * through `prlimit --as` or `ulimit -v`). Counts virtual memory, so leave room above the resident size.
   * @defaultValue none
   */
  memoryMb?: number;
  /** Module objectives: V8 old-space heap cap in MiB (`node --max-old-space-size`). @defaultValue none */
  heapMb?: number;
  /** Bytes of stdout + stderr; over it the trial ends FAIL. @defaultValue 67_108_864 (64 MiB) */
  outputBytes?: number;
  /** Delay between SIGTERM and SIGKILL when the sandbox stops the process group. @defaultValue 5000 */
  killGraceMs?: number;
}

export type ResolvedLimits = Required<Pick<SandboxLimits, 'wallTimeMs' | 'outputBytes' | 'killGraceMs'>> &
  Pick<SandboxLimits, 'memoryMb' | 'heapMb'>;

export const DEFAULT_LIMITS = {
  wallTimeMs: 86_400_000,
  outputBytes: 64 * 1024 * 1024,
  killGraceMs: 5000,
} as const;

/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const LIMIT_FIELDS = ['wallTimeMs', 'memoryMb', 'heapMb', 'outputBytes', 'killGraceMs'] as const;

/** Checks limits (unknown fields too) and fills the defaults. @throws InvalidObjectiveSpecError naming the field */
export function resolveLimits(limits: unknown, where = 'limits'): ResolvedLimits {
  if (limits === undefined || limits === null) return { ...DEFAULT_LIMITS };
  if (typeof limits !== 'object' || Array.isArray(limits)) {
    throw new InvalidObjectiveSpecError(`${where} must be an object, got ${JSON.stringify(limits)}`, where);
  }
  const l = limits as Record<string, unknown>;
  for (const key of Object.keys(l)) {
    if (!(LIMIT_FIELDS as readonly string[]).includes(key)) {
      throw new InvalidObjectiveSpecError(
        `${where}.${key} is not a limit (known: ${LIMIT_FIELDS.join(', ')})`,
        `${where}.${key}`,
      );
    }
  }
  const positive = (
    key: (typeof LIMIT_FIELDS)[number],
    max = Number.MAX_SAFE_INTEGER,
  ): number | undefined => {
    const v = l[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) {
      throw new InvalidObjectiveSpecError(
        `${where}.${key} must be a number > 0 and <= ${max}, got ${JSON.stringify(v)}`,
        `${where}.${key}`,
      );
    }
    return v;
  };
  return {
    wallTimeMs: positive('wallTimeMs', MAX_TIMER_MS) ?? DEFAULT_LIMITS.wallTimeMs,
    outputBytes: positive('outputBytes') ?? DEFAULT_LIMITS.outputBytes,
    killGraceMs: positive('killGraceMs', MAX_TIMER_MS) ?? DEFAULT_LIMITS.killGraceMs,
    memoryMb: positive('memoryMb'),
    heapMb: positive('heapMb'),
  };
}

/** `1.5 s`, `250 ms`: limits as people read them in fail reasons. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(3)} s` : `${+ms.toFixed(1)} ms`;
}

/** `64 MiB`, `1.5 KiB`, `512 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 / 1024).toFixed(2)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(2)} KiB`;
  return `${bytes} bytes`;
}
