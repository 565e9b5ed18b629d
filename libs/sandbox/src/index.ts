/**
 * @tuneforge/sandbox — running objectives that someone else wrote: commands in any language (line protocol
 * on stdout), JS/TS modules in a child process (trial calls over IPC), the built-in benchmark problems, and
 * the registry of objectives a platform worker may run. Used alike by the CLI and the workers.
 */
export { TrialPruned } from '@tuneforge/core';
export * from './errors';
export { DEFAULT_LIMITS, resolveLimits, type ResolvedLimits, type SandboxLimits } from './limits';
export * from './line-protocol';
export * from './env-allowlist';
export { probeSandbox, type MemoryLimiter, type SandboxCapabilities } from './sandbox-capabilities';
export * from './command-line';
export * from './command-runner';
export * from './module-runner';
export type { FailedRun, OutcomeCommon, RunPlacement } from './run-outcome';
export * from './objective-registry';
export * from './builtin-problems';
export * from './builtin-objective';
