// The PPO agent: an actor-critic for Discrete actions (Categorical) or Box actions (a diagonal
// Gaussian with a learned state-independent log-std, optionally tanh-squashed), PPO's loss,
// and its learner (GAE, then epochs × shuffled minibatches: update.ts). Built for one pair of
// spaces; every method is a pure function of arrays.
import type { Value } from "../../core/values.js";
import type { Space } from "../../envs/spaces.js";
import type { GradientTransformation } from "../../optim/index.js";
import { resolveConfig } from "../common/config.js";
import type { ActorCritic } from "../common/networks.js";
import { ActorCriticPolicy, pickOptions, type PolicyDist, type PolicyParams, type PolicyState } from "../common/policy.js";
import type { Extras, FullSampleBatch, LossDict, OnPolicyAgent, OptStates, SampleBatch, Trajectory, UpdateContext, UpdateResult } from "../types.js";
import { PPO_AGENT_SCHEMA, PPO_LEARNER_SCHEMA, type PPOAgentOptions, type PPOLearnerOptions } from "./config.js";
import { ppoLoss } from "./loss.js";
import { ppoOptimizer, ppoUpdate, type PPOLoop } from "./update.js";

export type PPOParams = PolicyParams;

export type PPOState = PolicyState;

/** Options that may be traced scalars (a swept hyperparameter under vmap). */
const TRACEABLE = ["clipEps", "valueClipEps", "vfCoef", "entCoef", "lr", "gamma", "gaeLambda", "maxGradNorm", "rewardScale"];
const LOOP_KEYS = ["gamma", "numEnvs", "numSteps", "totalSteps"] as const;

export class PPOAgent implements OnPolicyAgent<PPOState> {
  readonly name = "PPO";
  readonly options: PPOAgentOptions;
  readonly learner: PPOLearnerOptions;
  /** The rollout's shape and budget (for minibatch sizes and the learning-rate schedule). */
  readonly loop: PPOLoop;
  /** Swept hyperparameters (traced scalars), by option name. */
  readonly traced: Readonly<Record<string, Value>>;
  /** The actor-critic policy (networks, distribution, normalizer) shared with A2C and IMPALA. */
  readonly pi: ActorCriticPolicy;
  readonly discrete: boolean;
  readonly obsShape: readonly number[];
  readonly actionDim: number;
  readonly net: ActorCritic;
  readonly #obsSpaceObj: Space;
  readonly #actionSpace: Space;

  /**
   * Options are checked against PPO_AGENT_SCHEMA and PPO_LEARNER_SCHEMA (missing ones take
   * their defaults; keys of other parts of a config are ignored); gamma, numEnvs, numSteps and
   * totalSteps come from the loop's options when given.
   */
  constructor(options: Partial<PPOAgentOptions & PPOLearnerOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}) {
    for (const k of Object.keys(traced)) if (!TRACEABLE.includes(k)) throw new TypeError(`PPO: ${k} cannot be a traced value (only ${TRACEABLE.join(", ")})`);
    this.traced = Object.freeze({ ...traced });
    this.options = Object.freeze({ ...resolveConfig<PPOAgentOptions>(PPO_AGENT_SCHEMA, pickOptions(options, PPO_AGENT_SCHEMA), "PPO"), ...pickTraced(traced, PPO_AGENT_SCHEMA) });
    this.learner = Object.freeze(resolveConfig<PPOLearnerOptions>(PPO_LEARNER_SCHEMA, pickOptions(options, PPO_LEARNER_SCHEMA), "PPO"));
    const num = (k: (typeof LOOP_KEYS)[number], d: number) => (typeof options[k] === "number" ? (options[k] as number) : d);
    this.loop = Object.freeze({ gamma: num("gamma", 0.99), numEnvs: num("numEnvs", 4), numSteps: num("numSteps", 128), totalSteps: num("totalSteps", 500_000) });
    this.pi = new ActorCriticPolicy("PPO", this.options, obsSpace, actionSpace);
    this.discrete = this.pi.discrete;
    this.obsShape = this.pi.obsShape;
    this.actionDim = this.pi.actionDim;
    this.net = this.pi.net;
    this.#obsSpaceObj = obsSpace;
    this.#actionSpace = actionSpace;
    Object.freeze(this);
  }

  /**
   * The same agent with some loss hyperparameters (clipEps, valueClipEps, vfCoef, entCoef)
   * replaced by traced scalars, for sweeps vmapped over a hyperparameter axis.
   */
  withOptions(traced: Record<string, Value>): PPOAgent {
    const plain = Object.fromEntries(Object.entries({ ...this.options, ...this.learner, ...this.loop }).filter(([k]) => !(k in this.traced)));
    return new PPOAgent(plain, this.#obsSpaceObj, this.#actionSpace, { ...this.traced, ...traced });
  }

  /** A hyperparameter: the traced (swept) value if any, else the option's. */
  h(name: string): number | Value {
    const t = this.traced[name];
    if (t !== undefined) return t;
    const all = { ...this.options, ...this.learner, ...this.loop } as Record<string, unknown>;
    return all[name] as number;
  }

  optimizers(): Record<string, GradientTransformation> {
    return { model: ppoOptimizer(this) };
  }

  update(state: PPOState, optStates: OptStates, traj: Trajectory, ctx: UpdateContext): UpdateResult<PPOState> {
    return ppoUpdate(this, state, optStates, traj, ctx);
  }

  init(key: Value, obsSpace: Space, actionSpace: Space): PPOState {
    return this.pi.init(key, obsSpace, actionSpace);
  }

  /** Flattened float observations, normalized when the agent keeps statistics. */
  features(state: PPOState, obs: Value): Value {
    return this.pi.features(state, obs);
  }

  /** The policy distribution and the values for a batch of observations. */
  policy(state: PPOState, obs: Value): [PolicyDist, Value] {
    return this.pi.dist(state, obs);
  }

  computeActions(state: PPOState, batch: SampleBatch, key: Value): [Value, Extras] {
    return this.pi.act(state, batch, key);
  }

  evaluateActions(state: PPOState, batch: SampleBatch, _key: Value): [Value, Extras] {
    return [this.pi.greedy(state, batch), {}];
  }

  values(state: PPOState, obs: Value): Value {
    return this.pi.values(state, obs);
  }

  toEnvAction(a: Value): Value {
    return this.pi.toEnvAction(a);
  }

  updateStats(state: PPOState, batch: SampleBatch, batchAxes: number): PPOState {
    return this.pi.updateStats(state, batch, batchAxes);
  }

  /** PPO's loss; batch.extras carries logProb and value from the rollout, and advantages and targets from GAE. */
  loss(state: PPOState, batch: FullSampleBatch, key: Value): LossDict {
    const [pi, values] = this.policy(state, batch.obs);
    const ex = batch.extras;
    const o = this.options;
    const entropy = this.pi.entropy(pi, key);
    const terms = ppoLoss(
      { logProb: this.pi.logProb(pi, batch.actions), oldLogProb: ex.logProb, advantages: ex.advantages, values, oldValues: ex.value, targets: ex.targets, entropy },
      { ...o, valueClipEps: o.valueClipEps ?? o.clipEps },
    );
    return { ...terms };
  }
}

/** A PPO agent for these spaces (options: PPO_AGENT_SCHEMA's and PPO_LEARNER_SCHEMA's keys; others are ignored). */
export function makePPOAgent(options: Partial<PPOAgentOptions & PPOLearnerOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}): PPOAgent {
  return new PPOAgent(options, obsSpace, actionSpace, traced);
}

function pickTraced(traced: Record<string, Value>, schema: object): Record<string, Value> {
  return Object.fromEntries(Object.entries(traced).filter(([k]) => k in schema));
}
