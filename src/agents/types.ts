// The agent contract, after evorl's Agent: an agent is an immutable record of
// hyperparameters and network definitions whose methods are pure functions of arrays, so
// workflows trace them into one program (jit), batch them (vmap over seeds or a population)
// and differentiate them (grad of its losses). All state travels explicitly in `AgentState`.
//
// Two refinements say how an agent learns, one per workflow family:
// - `OnPolicyAgent.update` takes a whole rollout ([T, B, ...]) — PPO's epochs × minibatches,
//   A2C's single step, IMPALA's V-trace all live in the algorithm's folder;
// - `OffPolicyAgent.update` takes a batch sampled from the replay buffer — DQN's TD step and
//   target update, TD3's delayed actor, SAC's three losses.
// Both return new agent state, new optimizer states (one per named optimizer) and metrics.
import type { Value } from "../core/values.js";
import type { GradientTransformation } from "../optim/index.js";
import type { Space } from "../envs/spaces.js";

/** Per-transition extra arrays (policy log-probs, values, advantages, env info...). */
export type Extras = Record<string, Value>;

/** An observation: an array, or a pytree of arrays for structured observation spaces. */
export type Obs = Value;

/**
 * Transitions, stacked along leading axes ([T, B, ...] after a rollout, [N, ...] once
 * flattened). Only the fields a method needs must be present: acting needs `obs` only.
 */
export interface SampleBatch {
  obs: Obs;
  actions?: Value;
  rewards?: Value;
  /** The real next observation (the final one, not the reset one, at episode ends). */
  nextObs?: Obs;
  terminated?: Value;
  truncated?: Value;
  extras?: Extras;
}

/** A batch with every field present, as workflows hand to learners. */
export type FullSampleBatch = Required<SampleBatch>;

/**
 * What an agent carries between calls: a pytree record. `params` is what optimizers update;
 * `obsNorm` the observation normalizer's running statistics (or null); `extra` anything else
 * the algorithm needs (target networks, an entropy temperature, an RND predictor...).
 */
export interface AgentState<P = unknown, N = unknown, E = unknown> {
  params: P;
  obsNorm: N | null;
  extra: E | null;
}

/** Named scalar terms of a loss; `total` is the one differentiated. */
export type LossDict = { total: Value } & Record<string, Value>;

/** Counters every workflow state carries (int32 scalars, counted in the traced program). */
export interface Counters {
  /** Workflow iterations (jitted steps) so far. */
  iterations: Value;
  /** Environment steps taken (every copy of a vectorized env counts). */
  envSteps: Value;
  /** Episodes ended (terminated or truncated). */
  episodes: Value;
  /** Gradient updates (learner steps) so far. */
  updates: Value;
}

/**
 * The device axis of a data-parallel update (numDevices > 1): the update runs inside `pmap`
 * on each device's shard of the data, and learners average their gradients (and any
 * statistic that must be global, like advantage standardization) over `axisName`.
 */
export interface DeviceAxis {
  /** The pmap axis name the collectives use. */
  axisName: string;
  /** Devices on the axis (each holds 1/size of the global batch). */
  size: number;
}

/** What a learner sees besides its data: a key and the run's counters (for schedules). */
export interface UpdateContext {
  key: Value;
  counters: Counters;
  /** Set when the update is one device's part of a data-parallel update (see common/parallel.ts). */
  devices?: DeviceAxis;
}

/** Optimizer states by optimizer name ({ actor, critic, alpha }; PPO: { model }). */
export type OptStates = Record<string, unknown>;

export interface UpdateResult<S> {
  agentState: S;
  optStates: OptStates;
  /** Scalar metrics, logged under these names (by convention `loss/<term>`). */
  metrics: Record<string, Value>;
  /** Gradient updates this call made (added to counters.updates). */
  updates: number | Value;
}

export interface Agent<S extends AgentState = AgentState> {
  /** A short name for logs ("PPO"). */
  readonly name: string;
  /** Fresh state (parameters, normalizer statistics, target networks) for these spaces. */
  init(key: Value, obsSpace: Space, actionSpace: Space): S;
  /**
   * Exploring actions for a batch of observations, with extras a learner needs later
   * (logProb, value). `envSteps` (the run's counter) drives exploration schedules (ε-greedy).
   */
  computeActions(state: S, batch: SampleBatch, key: Value, envSteps?: Value): [Value, Extras];
  /**
   * Why this agent cannot train data-parallel (numDevices > 1), if it cannot: workflows refuse
   * with this reason before compiling anything. Undefined: it can.
   */
  readonly dataParallelUnsupported?: string;
  /** Greedy actions (the policy's mode), for evaluation. */
  evaluateActions(state: S, batch: SampleBatch, key: Value): [Value, Extras];
  /**
   * Maps policy outputs to the environment's action space (clipping a Gaussian sample to the
   * box, rescaling a tanh-squashed one). Workflows apply it before `env.step`; the batch keeps
   * the unmapped actions, whose log-probabilities a loss needs. Default: the identity.
   */
  toEnvAction?(actions: Value): Value;
  /** New statistics (e.g. the observation normalizer's) from a batch with `batchAxes` leading axes. */
  updateStats?(state: S, batch: SampleBatch, batchAxes: number): S;
}

/** An agent that learns: its optimizers by name, and one pure update. */
export interface Learner<S extends AgentState, B> {
  /** The optimizers by name; workflows keep one state per name (OptStates). */
  optimizers(): Record<string, GradientTransformation>;
  /** One learning step on `batch`: new agent state, optimizer states and metrics. Pure. */
  update(state: S, optStates: OptStates, batch: B, ctx: UpdateContext): UpdateResult<S>;
}

/**
 * A rollout as on-policy learners get it: every field [T, B, ...] (time-major), `nextObs`
 * the real next observations (final ones at episode ends), extras from computeActions.
 */
export type Trajectory = FullSampleBatch;

export interface OnPolicyAgent<S extends AgentState = AgentState> extends Agent<S>, Learner<S, Trajectory> {}

/**
 * A replay batch as off-policy learners get it, [N, ...]. `rewards` is the (n-step)
 * discounted reward sum and `extras.discount` the factor of the bootstrap value:
 * γⁿ·(1 − terminated) — zero after a termination, γⁿ after a truncation (the episode was cut,
 * its value goes on), so targets are r + discount · V(nextObs).
 */
export type ReplayBatch = FullSampleBatch;

export interface OffPolicyAgent<S extends AgentState = AgentState> extends Agent<S>, Learner<S, ReplayBatch> {}

/**
 * What an evolution workflow measured for a population: each member's fitness (its mean
 * episode return), [popSize]; the env steps each member took, [popSize]; and, when the agent
 * asks for them (`wantsObsMoments`), the sums of the observations the members saw (flattened
 * to float features) over every live step, for observation normalization.
 */
export interface PopulationFeedback {
  fitness: Value;
  lengths: Value;
  obsMoments?: { count: Value; sum: Value; sumSq: Value };
}

/** What `tell` returns: the new agent state (the search's mean), the new search state and metrics. */
export interface TellResult<S, E> {
  agentState: S;
  search: E;
  metrics: Record<string, Value>;
}

/**
 * An agent learned by a black-box search over its parameters, in evorl's ask / tell shape.
 * `AgentState.params` holds the search's mean (what evaluation, GIFs and checkpoints use);
 * `E` is the search's own state (σ, an optimizer's state...). `ask` samples a population of
 * parameters — every leaf of `params` stacked [popSize, ...] — from `key`; `tell` gets the
 * same key back, so a member's noise is regenerated from it, never stored.
 */
export interface EvolutionAgent<S extends AgentState = AgentState, E = unknown> extends Agent<S> {
  /** Members per population (the leading axis of what `ask` returns). */
  readonly popSize: number;
  /** Whether `tell` needs PopulationFeedback.obsMoments (observation normalization). */
  readonly wantsObsMoments: boolean;
  /** The search state for an initial agent state. */
  initSearch(agentState: S): E;
  /** The population's params, each leaf stacked [popSize, ...]. Pure. */
  ask(agentState: S, search: E, key: Value): unknown;
  /** The next mean and search state from the members' fitness; `key` is the one `ask` got. Pure. */
  tell(agentState: S, search: E, key: Value, feedback: PopulationFeedback, ctx: UpdateContext): TellResult<S, E>;
}
