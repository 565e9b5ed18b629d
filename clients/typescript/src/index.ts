/**
 * @tuneforge/client — run Tuneforge trials anywhere: ask the platform for a trial, run the objective
 * here, tell the result. See README.md.
 */
export { TuneforgeClient, type TuneforgeClientOptions, type ApiAnswer } from './client';
export {
  RemoteStudy,
  type AskOptions,
  type OptimizeOptions,
  type RemoteObjective,
  type TellInput,
  type ObjectiveResult,
} from './remote-study';
export { RemoteTrial, type AskAnswer } from './remote-trial';
export { LeaseLostError, TrialPruned, TuneforgeApiError, isTrialPruned, type FieldError } from './errors';
export type * from './types';
