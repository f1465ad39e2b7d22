// The skeleton DDPG / TD3 and SAC share: options resolved against the algorithm's schema,
// swept hyperparameters, the replay loop (annealing horizon), a Box observation space and a
// bounded 1-D Box action space, observation features (normalized when the agent keeps
// statistics) and the map from the env's actions to the actor's [-1, 1]. Each subclass adds
// its networks, optimizers, acting and learner.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import type { Space } from "../../envs/spaces.js";
import type { RunningStats } from "../../envs/wrappers/running_stats.js";
import { checkTraced, pickOptions, resolveConfig, type Schema } from "./config.js";
import { actionBox, boxObsShape, replayLoop, type ActionBox, type ReplayLoop } from "./continuous.js";
import { initObsStats, obsFeatures, updateObsStats } from "./obs.js";
import type { AgentState, SampleBatch } from "../types.js";

/** The options every continuous off-policy agent has. */
export interface ContinuousOptions {
  hiddenSizes: number[];
  activation: string;
  normalizeObs: boolean;
}

export abstract class ContinuousAgent<O extends ContinuousOptions, S extends AgentState<unknown, RunningStats, unknown>> {
  readonly options: O;
  readonly loop: ReplayLoop;
  readonly traced: Readonly<Record<string, Value>>;
  readonly box: ActionBox;
  readonly obsShape: readonly number[];

  /** `who` names the algorithm in errors; `name` (if given) picks it from the resolved options (DDPG or TD3). */
  constructor(
    who: string,
    schema: Schema,
    sweepable: readonly string[],
    options: Record<string, unknown>,
    obsSpace: Space,
    actionSpace: Space,
    traced: Record<string, Value>,
    name?: (o: O) => string,
  ) {
    this.traced = checkTraced(who, traced, sweepable);
    this.options = resolveConfig<O>(schema, pickOptions(options, schema), who);
    const n = name ? name(this.options) : who;
    this.loop = Object.freeze(replayLoop(options));
    this.obsShape = boxObsShape(obsSpace, n);
    this.box = actionBox(actionSpace, n);
  }

  /** A hyperparameter: the traced (swept) value if any, else the option's. */
  h(name: keyof O & string): number | Value {
    return this.traced[name] ?? (this.options[name] as number);
  }

  get obsDim(): number {
    return this.obsShape.reduce((a, b) => a * b, 1);
  }

  features(state: S, obs: Value): Value {
    return obsFeatures(obs, this.obsShape, state.obsNorm);
  }

  /** Env actions → the actor's [-1, 1]. */
  normalize(actions: Value): Value {
    return np.clip(np.divide(np.subtract(np.astype(actions, "float32"), this.box.center), this.box.halfWidth), -1, 1);
  }

  updateStats(state: S, batch: SampleBatch, batchAxes: number): S {
    return state.obsNorm ? { ...state, obsNorm: updateObsStats(state.obsNorm, batch.obs as Value, this.obsShape, batchAxes) } : state;
  }

  /** Checks `init`'s spaces against the ones the agent was built for; the normalizer's fresh statistics. */
  protected initChecks(who: string, obsSpace: Space, actionSpace: Space): RunningStats | null {
    boxObsShape(obsSpace, who);
    const box = actionBox(actionSpace, who);
    if (box.dim !== this.box.dim) throw new TypeError(`${who}.init: this agent was built for ${this.box.dim} action dimensions, not ${box.dim}`);
    return initObsStats(this.obsShape, this.options.normalizeObs);
  }
}
