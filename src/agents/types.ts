// The agent contract, after evorl's Agent: an agent is an immutable record of
// hyperparameters and network definitions whose methods are pure functions of arrays, so
// workflows trace them into one program (jit), batch them (vmap over seeds or a population)
// and differentiate them (grad of `loss`). All state travels explicitly in `AgentState`.
import type { Value } from "../core/values.js";
import type { Space } from "../envs/spaces.js";

/** Per-transition extra arrays (policy log-probs, values, advantages, env info...). */
export type Extras = Record<string, any>;

/**
 * Transitions, stacked along leading axes ([T, B, ...] after a rollout, [N, ...] once
 * flattened). Only the fields a method needs must be present: acting needs `obs` only.
 */
export interface SampleBatch {
  obs: any;
  actions?: Value;
  rewards?: Value;
  /** The real next observation (the final one, not the reset one, at episode ends). */
  nextObs?: any;
  terminated?: Value;
  truncated?: Value;
  extras?: Extras;
}

/** A batch with every field present, as workflows hand to `loss`. */
export type FullSampleBatch = Required<SampleBatch>;

/**
 * What an agent carries between calls: a pytree record. `params` is what optimizers update;
 * `obsNorm` the observation normalizer's running statistics (or null); `extra` anything else
 * the algorithm needs (target networks, an RND predictor's statistics, ...).
 */
export interface AgentState<P = any, N = any, E = any> {
  params: P;
  obsNorm: N | null;
  extra: E | null;
}

/** Named scalar terms of a loss; `total` is the one differentiated. */
export type LossDict = { total: Value } & Record<string, Value>;

export interface Agent<S extends AgentState = AgentState> {
  /** A short name for logs ("PPO"). */
  readonly name: string;
  /** Fresh state (parameters, normalizer statistics) for these spaces. */
  init(key: Value, obsSpace: Space, actionSpace: Space): S;
  /** Exploring actions for a batch of observations, with extras the loss needs later (logProb, value). */
  computeActions(state: S, batch: SampleBatch, key: Value): [Value, Extras];
  /** Greedy actions (the policy's mode), for evaluation. */
  evaluateActions(state: S, batch: SampleBatch, key: Value): [Value, Extras];
  /** The training objective for a (mini)batch of transitions. */
  loss(state: S, batch: FullSampleBatch, key: Value): LossDict;
  /**
   * Maps policy outputs to the environment's action space (clipping a Gaussian sample to the
   * box, rescaling a tanh-squashed one). Workflows apply it before `env.step`; the batch keeps
   * the unmapped actions, whose log-probabilities the loss needs. Default: the identity.
   */
  toEnvAction?(actions: Value): Value;
}
