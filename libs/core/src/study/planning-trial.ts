import { isSingle, distributionsEqual, type Distribution, type ParamValue } from '../distributions';
import type { Sampler, SearchSpace } from '../samplers/sampler';
import type { TrialContext } from '../trial/trial-context';
import { DefineByRun } from '../trial/define-by-run';
import type { StudyView } from './study-view';

/**
 * A trial being planned before it exists (a scheduler sampling every parameter of a known space up
 * front): `suggest*` answer like a live trial — relative sample first, then the sampler's independent
 * sample — and keep the values instead of writing them.
 */
export class PlanningTrial extends DefineByRun {
  constructor(
    private readonly sampler: Sampler,
    private readonly view: StudyView,
    private readonly context: TrialContext,
    private readonly relativeParams: Readonly<Record<string, ParamValue>>,
    private readonly relativeSpace: Readonly<SearchSpace>,
  ) {
    super();
  }

  /** The parameters planned so far (external values). */
  get plannedParams(): Readonly<Record<string, ParamValue>> {
    return this.params;
  }

  get plannedDistributions(): Readonly<Record<string, Distribution>> {
    return this.distributions;
  }

  protected get where(): string {
    return ` in planned trial ${this.context.number}`;
  }

  protected pick(name: string, distribution: Distribution): ParamValue {
    if (isSingle(distribution)) {
      return distribution.type === 'categorical' ? distribution.choices[0] : distribution.low;
    }
    const relative = this.relativeSpace[name];
    if (name in this.relativeParams && relative && distributionsEqual(relative, distribution)) {
      return this.relativeParams[name];
    }
    const ctx: TrialContext = {
      ...this.context,
      params: { ...this.params },
      distributions: { ...this.distributions },
    };
    return this.sampler.sampleIndependent(this.view, ctx, name, distribution);
  }
}
