// What A2C and IMPALA share as agents: options resolved against their schemas, the loop's
// shape (for minibatches and schedules), swept hyperparameters as traced scalars, and acting
// through the shared ActorCriticPolicy. Each subclass adds its loss, optimizer and update.
import type { Value } from "../../core/values.js";
import type { Space } from "../../envs/spaces.js";
import type { GradientTransformation } from "../../optim/index.js";
import { checkTraced, resolveConfig, type Schema } from "./config.js";
import { asRecord } from "./config.js";
import { ActorCriticPolicy, pickOptions, type PolicyOptions, type PolicyState } from "./policy.js";
import type { Extras, OnPolicyAgent, OptStates, SampleBatch, Trajectory, UpdateContext, UpdateResult } from "../types.js";

/** The rollout's shape and budget, from the on-policy loop's options. */
export interface OnPolicyLoop {
  gamma: number;
  numEnvs: number;
  numSteps: number;
  totalSteps: number;
}

type LoopKey = "gamma" | "numEnvs" | "numSteps" | "totalSteps";

export abstract class ActorCriticAgent<O extends PolicyOptions> implements OnPolicyAgent<PolicyState> {
  abstract readonly name: string;
  /** The agent's own options (its schema's keys), swept ones replaced by traced scalars. */
  readonly options: O;
  readonly loop: OnPolicyLoop;
  readonly traced: Readonly<Record<string, Value>>;
  readonly pi: ActorCriticPolicy;

  constructor(who: string, schema: Schema, traceable: readonly string[], options: Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value>) {
    this.traced = checkTraced(who, traced, traceable);
    this.options = Object.freeze(resolveConfig<O>(schema, pickOptions(options, schema), who));
    const num = (k: LoopKey, d: number) => (typeof options[k] === "number" ? (options[k] as number) : d);
    this.loop = Object.freeze({ gamma: num("gamma", 0.99), numEnvs: num("numEnvs", 4), numSteps: num("numSteps", 128), totalSteps: num("totalSteps", 500_000) });
    this.pi = new ActorCriticPolicy(who, this.options, obsSpace, actionSpace);
  }

  /** A hyperparameter: the traced (swept) value if any, else the option's. */
  h(name: string): number | Value {
    const t = this.traced[name];
    if (t !== undefined) return t;
    const all = asRecord({ ...this.loop, ...this.options });
    if (!(name in all)) throw new TypeError(`${this.name}: no option "${name}"`);
    return all[name] as number;
  }

  /** Iterations of the whole run (the annealing horizon). */
  get iterations(): number {
    return Math.max(1, Math.floor(this.loop.totalSteps / (this.loop.numEnvs * this.loop.numSteps)));
  }

  abstract optimizers(): Record<string, GradientTransformation>;
  abstract update(state: PolicyState, optStates: OptStates, traj: Trajectory, ctx: UpdateContext): UpdateResult<PolicyState>;

  init(key: Value, obsSpace: Space, actionSpace: Space): PolicyState {
    return this.pi.init(key, obsSpace, actionSpace);
  }

  computeActions(state: PolicyState, batch: SampleBatch, key: Value): [Value, Extras] {
    return this.pi.act(state, batch, key);
  }

  evaluateActions(state: PolicyState, batch: SampleBatch, _key: Value): [Value, Extras] {
    return [this.pi.greedy(state, batch), {}];
  }

  values(state: PolicyState, obs: Value): Value {
    return this.pi.values(state, obs);
  }

  toEnvAction(a: Value): Value {
    return this.pi.toEnvAction(a);
  }

  updateStats(state: PolicyState, batch: SampleBatch, batchAxes: number): PolicyState {
    return this.pi.updateStats(state, batch, batchAxes);
  }
}
