// The PPO agent: an actor-critic for Discrete actions (Categorical) or Box actions (a diagonal
// Gaussian with a learned state-independent log-std, optionally tanh-squashed), and PPO's
// loss. Built for one pair of spaces; every method is a pure function of arrays.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { Categorical, Normal, TanhNormal } from "../../distributions/index.js";
import { Box, Discrete, type Space } from "../../envs/spaces.js";
import { initStats, updateStats, type RunningStats } from "../../envs/wrappers/running_stats.js";
import { resolveConfig } from "../common/config.js";
import { actorCritic, flattenObs, type ActorCritic, type ActorCriticParams } from "../common/networks.js";
import type { Agent, AgentState, Extras, FullSampleBatch, LossDict, SampleBatch } from "../types.js";
import { PPO_AGENT_SCHEMA, type PPOAgentOptions } from "./config.js";
import { ppoLoss } from "./loss.js";

export interface PPOParams {
  net: ActorCriticParams;
  /** Box actions only: the Gaussian's log standard deviation, [actionDim]. */
  logStd?: Value;
}

export type PPOState = AgentState<PPOParams, RunningStats, null>;

/** What an on-policy workflow needs beyond the Agent contract. */
export interface OnPolicyAgent<S extends AgentState = AgentState> extends Agent<S> {
  /** V(s) for a batch of observations (bootstraps and GAE). */
  values(state: S, obs: Value): Value;
  /** New statistics (e.g. the observation normalizer's) from a rollout with `batchAxes` leading axes. */
  updateStats?(state: S, batch: SampleBatch, batchAxes: number): S;
}

type Policy = Categorical | Normal | TanhNormal;

export class PPOAgent implements OnPolicyAgent<PPOState> {
  readonly name = "PPO";
  readonly options: PPOAgentOptions;
  readonly discrete: boolean;
  readonly obsShape: readonly number[];
  readonly actionDim: number;
  readonly net: ActorCritic;
  readonly #obsSpace: string;
  readonly #obsSpaceObj: Space;
  readonly #actionSpace: Space;

  /** Options are checked against PPO_AGENT_SCHEMA (missing ones take their defaults; keys of other parts of a config are ignored). */
  constructor(options: Partial<PPOAgentOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}) {
    const own = Object.fromEntries(Object.entries(options).filter(([k]) => k in PPO_AGENT_SCHEMA));
    this.options = Object.freeze({ ...resolveConfig<PPOAgentOptions>(PPO_AGENT_SCHEMA, own, "PPO"), ...traced });
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
    for (const k of Object.keys(traced))
      if (!["clipEps", "valueClipEps", "vfCoef", "entCoef"].includes(k)) throw new TypeError(`PPO.withOptions: ${k} cannot be a traced value (only clipEps, valueClipEps, vfCoef, entCoef)`);
    const plain = Object.fromEntries(Object.entries(this.options).filter(([, v]) => typeof v !== "object" || v === null || Array.isArray(v)));
    return new PPOAgent(plain, this.#obsSpaceObj, this.#actionSpace, traced);
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

/** A PPO agent for these spaces (options: PPO_AGENT_SCHEMA's keys; others are ignored). */
export function makePPOAgent(options: Partial<PPOAgentOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space): PPOAgent {
  return new PPOAgent(options, obsSpace, actionSpace);
}
