// The PPO agent: an actor-critic for Discrete actions (Categorical) or Box actions (a diagonal
// Gaussian with a learned state-independent log-std, optionally tanh-squashed), PPO's loss,
// and its learner (GAE, then epochs × shuffled minibatches: update.ts). Built for one pair of
// spaces; every method is a pure function of arrays.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { Categorical, Normal, TanhNormal } from "../../distributions/index.js";
import { Box, Discrete, type Space } from "../../envs/spaces.js";
import { initStats, updateStats, type RunningStats } from "../../envs/wrappers/running_stats.js";
import type { GradientTransformation } from "../../optim/index.js";
import { resolveConfig } from "../common/config.js";
import { actorCritic, flattenObs, type ActorCritic, type ActorCriticParams } from "../common/networks.js";
import type { AgentState, Extras, FullSampleBatch, LossDict, OnPolicyAgent, OptStates, SampleBatch, Trajectory, UpdateContext, UpdateResult } from "../types.js";
import { PPO_AGENT_SCHEMA, PPO_LEARNER_SCHEMA, type PPOAgentOptions, type PPOLearnerOptions } from "./config.js";
import { ppoLoss } from "./loss.js";
import { ppoOptimizer, ppoUpdate, type PPOLoop } from "./update.js";

export interface PPOParams {
  net: ActorCriticParams;
  /** Box actions only: the Gaussian's log standard deviation, [actionDim]. */
  logStd?: Value;
}

export type PPOState = AgentState<PPOParams, RunningStats, null>;

/** Options that may be traced scalars (a swept hyperparameter under vmap). */
const TRACEABLE = ["clipEps", "valueClipEps", "vfCoef", "entCoef", "lr", "gamma", "gaeLambda", "maxGradNorm", "rewardScale"];
const LOOP_KEYS = ["gamma", "numEnvs", "numSteps", "totalSteps"] as const;

type Policy = Categorical | Normal | TanhNormal;

export class PPOAgent implements OnPolicyAgent<PPOState> {
  readonly name = "PPO";
  readonly options: PPOAgentOptions;
  readonly learner: PPOLearnerOptions;
  /** The rollout's shape and budget (for minibatch sizes and the learning-rate schedule). */
  readonly loop: PPOLoop;
  /** Swept hyperparameters (traced scalars), by option name. */
  readonly traced: Readonly<Record<string, Value>>;
  readonly discrete: boolean;
  readonly obsShape: readonly number[];
  readonly actionDim: number;
  readonly net: ActorCritic;
  readonly #obsSpace: string;
  readonly #obsSpaceObj: Space;
  readonly #actionSpace: Space;

  /**
   * Options are checked against PPO_AGENT_SCHEMA and PPO_LEARNER_SCHEMA (missing ones take
   * their defaults; keys of other parts of a config are ignored); gamma, numEnvs, numSteps and
   * totalSteps come from the loop's options when given.
   */
  constructor(options: Partial<PPOAgentOptions & PPOLearnerOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}) {
    const pick = (schema: object) => Object.fromEntries(Object.entries(options).filter(([k]) => k in schema));
    for (const k of Object.keys(traced)) if (!TRACEABLE.includes(k)) throw new TypeError(`PPO: ${k} cannot be a traced value (only ${TRACEABLE.join(", ")})`);
    this.traced = Object.freeze({ ...traced });
    this.options = Object.freeze({ ...resolveConfig<PPOAgentOptions>(PPO_AGENT_SCHEMA, pick(PPO_AGENT_SCHEMA), "PPO"), ...pickTraced(traced, PPO_AGENT_SCHEMA) });
    this.learner = Object.freeze(resolveConfig<PPOLearnerOptions>(PPO_LEARNER_SCHEMA, pick(PPO_LEARNER_SCHEMA), "PPO"));
    const num = (k: (typeof LOOP_KEYS)[number], d: number) => (typeof options[k] === "number" ? (options[k] as number) : d);
    this.loop = Object.freeze({ gamma: num("gamma", 0.99), numEnvs: num("numEnvs", 4), numSteps: num("numSteps", 128), totalSteps: num("totalSteps", 500_000) });
    if (!(obsSpace instanceof Box)) throw new TypeError(`PPO: needs a Box observation space, got ${obsSpace}`);
    this.obsShape = obsSpace.shape;
    if (actionSpace instanceof Discrete) {
      this.discrete = true;
      this.actionDim = actionSpace.n;
    } else if (actionSpace instanceof Box && actionSpace.shape.length === 1) {
      this.discrete = false;
      this.actionDim = actionSpace.shape[0]!;
      if (this.options.squash && !actionSpace.bounded) throw new TypeError(`PPO: squash needs a bounded action box, got ${actionSpace}`);
    } else throw new TypeError(`PPO: supports Discrete actions and 1-D Box actions, got ${actionSpace}`);
    this.#obsSpace = String(obsSpace);
    this.#obsSpaceObj = obsSpace;
    this.#actionSpace = actionSpace;
    this.net = actorCritic(this.actionDim, this.options);
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
    if (String(obsSpace) !== this.#obsSpace || String(actionSpace) !== String(this.#actionSpace))
      throw new TypeError(`PPO.init: this agent was built for ${this.#obsSpace} → ${this.#actionSpace}, not ${obsSpace} → ${actionSpace}`);
    const flat = [this.obsShape.reduce((a, b) => a * b, 1)];
    const params: PPOParams = { net: this.net.init(key, flat) };
    if (!this.discrete) params.logStd = np.full([this.actionDim], this.options.initLogStd, "float32");
    const obsNorm = this.options.normalizeObs ? initStats(flat) : null;
    return { params, obsNorm, extra: null };
  }

  /** Flattened float observations, normalized when the agent keeps statistics. */
  features(state: PPOState, obs: Value): Value {
    const x = flattenObs(obs, this.obsShape);
    const s = state.obsNorm;
    if (!s) return x;
    return np.clip(np.divide(np.subtract(x, s.mean), np.sqrt(np.add(s.var, 1e-8))), -10, 10);
  }

  /** The policy distribution and the values for a batch of observations. */
  policy(state: PPOState, obs: Value): [Policy, Value] {
    const [out, v] = this.net.apply(state.params.net, this.features(state, obs));
    if (this.discrete) return [new Categorical(out), v];
    const scale = np.exp(state.params.logStd!);
    return [this.options.squash ? new TanhNormal(out, scale, { eventNdims: 1 }) : new Normal(out, scale, { eventNdims: 1 }), v];
  }

  // Box actions in the batch are the Gaussian's samples (pre-tanh when squashed): exact
  // log-probabilities, no atanh of a clipped value. toEnvAction maps them to the box.
  #logProb(pi: Policy, a: Value): Value {
    return pi instanceof TanhNormal ? pi.logProb(np.tanh(a), a) : pi.logProb(a);
  }

  computeActions(state: PPOState, batch: SampleBatch, key: Value): [Value, Extras] {
    const [pi, value] = this.policy(state, batch.obs);
    const a = pi instanceof TanhNormal ? pi.base().sample(key) : pi.sample(key);
    return [a, { logProb: this.#logProb(pi, a), value }];
  }

  evaluateActions(state: PPOState, batch: SampleBatch, _key: Value): [Value, Extras] {
    const [pi] = this.policy(state, batch.obs);
    return [pi instanceof TanhNormal ? pi.base().mode() : pi.mode(), {}];
  }

  values(state: PPOState, obs: Value): Value {
    return this.net.value(state.params.net, this.features(state, obs));
  }

  toEnvAction(a: Value): Value {
    const sp = this.#actionSpace;
    if (sp instanceof Discrete) return sp.start ? np.add(a, sp.start) : a;
    const box = sp as Box;
    if (this.options.squash) return np.add(box.low, np.multiply(np.multiply(np.add(np.tanh(a), 1), 0.5), np.subtract(box.high, box.low)));
    return box.bounded ? np.clip(a, box.low, box.high) : a;
  }

  updateStats(state: PPOState, batch: SampleBatch, batchAxes: number): PPOState {
    if (!state.obsNorm) return state;
    const lead = (batch.obs as Value).shape.slice(0, batchAxes);
    return { ...state, obsNorm: updateStats(state.obsNorm, flattenObs(batch.obs, this.obsShape).reshape([...lead, -1]), batchAxes) };
  }

  /** PPO's loss; batch.extras carries logProb and value from the rollout, and advantages and targets from GAE. */
  loss(state: PPOState, batch: FullSampleBatch, key: Value): LossDict {
    const [pi, values] = this.policy(state, batch.obs);
    const ex = batch.extras;
    const o = this.options;
    const entropy = pi instanceof TanhNormal ? pi.entropy(key) : pi.entropy();
    const terms = ppoLoss(
      { logProb: this.#logProb(pi, batch.actions), oldLogProb: ex.logProb, advantages: ex.advantages, values, oldValues: ex.value, targets: ex.targets, entropy },
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
