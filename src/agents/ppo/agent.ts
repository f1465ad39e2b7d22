// The PPO agent: an actor-critic for Discrete actions (Categorical) or Box actions (a diagonal
// Gaussian with a learned state-independent log-std, optionally tanh-squashed), PPO's loss,
// and its learner (GAE, then epochs × shuffled minibatches: update.ts). Built for one pair of
// spaces; every method is a pure function of arrays.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import type { Space } from "../../envs/spaces.js";
import type { RunningStats } from "../../envs/wrappers/running_stats.js";
import type { GradientTransformation } from "../../optim/index.js";
import { checkTraced, pickOptions, resolveConfig } from "../common/config.js";
import type { ActorCritic, ActorCriticParams } from "../common/networks.js";
import { ActorCriticPolicy, type PolicyDist } from "../common/policy.js";
import { random } from "../../random/index.js";
import { TWO_CRITIC_SCHEMA, type TwoCriticOptions } from "../extensions/config.js";
import type { Extension, ExtensionStates } from "../extensions/types.js";
import type { AgentState, DeviceAxis, Extras, FullSampleBatch, LossDict, OnPolicyAgent, OptStates, SampleBatch, Trajectory, UpdateContext, UpdateResult } from "../types.js";
import { PPO_AGENT_SCHEMA, PPO_LEARNER_SCHEMA, type PPOAgentOptions, type PPOLearnerOptions } from "./config.js";
import { ppoLoss, valueLoss } from "./loss.js";
import { ppoOptimizer, ppoUpdate, type PPOLoop } from "./update.js";

export interface PPOParams {
  net: ActorCriticParams;
  /** Box actions only: the Gaussian's log standard deviation, [actionDim]. */
  logStd?: Value;
  /** Extensions' heads on the shared torso (UNREAL's auxiliary tasks), by extension name. */
  aux?: Record<string, unknown>;
}

/** What PPO keeps besides its params: its extensions' states, by name (null without extensions). */
export interface PPOExtra {
  ext: ExtensionStates;
}

export type PPOState = AgentState<PPOParams, RunningStats, PPOExtra>;

/** Options that may be traced scalars (a swept hyperparameter under vmap). */
const TRACEABLE = ["clipEps", "valueClipEps", "vfCoef", "entCoef", "lr", "gamma", "gaeLambda", "maxGradNorm", "rewardScale"];
type LoopKey = "gamma" | "numEnvs" | "numSteps" | "totalSteps";

export class PPOAgent implements OnPolicyAgent<PPOState> {
  readonly name = "PPO";
  /** Extensions keep per-sample normalizers and their own optimizers, not synchronized across devices. */
  readonly dataParallelUnsupported: string | undefined;
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
  /** Extensions (RND, SND, symmetry) whose hooks the learner calls; their states live in extra.ext. */
  readonly extensions: readonly Extension[];
  /** The intrinsic critic's options, when an extension gives intrinsic rewards (else null: one critic). */
  readonly twoCritic: TwoCriticOptions | null;
  /** Acting: the networks, the action distribution, observation features (shared with A2C and IMPALA). */
  readonly pi: ActorCriticPolicy;
  readonly #obsSpace: Space;
  readonly #actionSpace: Space;

  /**
   * Options are checked against PPO_AGENT_SCHEMA and PPO_LEARNER_SCHEMA (missing ones take
   * their defaults; keys of other parts of a config are ignored); gamma, numEnvs, numSteps and
   * totalSteps come from the loop's options when given.
   */
  constructor(
    options: Partial<PPOAgentOptions & PPOLearnerOptions> & Record<string, unknown>,
    obsSpace: Space,
    actionSpace: Space,
    traced: Record<string, Value> = {},
    extensions: readonly Extension[] = [],
  ) {
    const pick = (schema: object) => pickOptions(options, schema);
    this.traced = checkTraced("PPO", traced, TRACEABLE);
    this.options = Object.freeze({ ...resolveConfig<PPOAgentOptions>(PPO_AGENT_SCHEMA, pick(PPO_AGENT_SCHEMA), "PPO"), ...pickTraced(traced, PPO_AGENT_SCHEMA) });
    this.learner = Object.freeze(resolveConfig<PPOLearnerOptions>(PPO_LEARNER_SCHEMA, pick(PPO_LEARNER_SCHEMA), "PPO"));
    const num = (k: LoopKey, d: number) => (typeof options[k] === "number" ? (options[k] as number) : d);
    this.loop = Object.freeze({ gamma: num("gamma", 0.99), numEnvs: num("numEnvs", 4), numSteps: num("numSteps", 128), totalSteps: num("totalSteps", 500_000) });
    this.#obsSpace = obsSpace;
    this.#actionSpace = actionSpace;
    const names = extensions.map((e) => e.name);
    if (new Set(names).size !== names.length) throw new TypeError(`PPO: two extensions share a name (${names.join(", ")})`);
    this.extensions = Object.freeze([...extensions]);
    this.dataParallelUnsupported = extensions.length
      ? `the ${extensions.map((e) => e.name).join(", ")} extension's normalizers and optimizer are per-device; use numDevices = 1`
      : undefined;
    this.twoCritic = extensions.some((e) => e.intrinsicRewards) ? resolveConfig<TwoCriticOptions>(TWO_CRITIC_SCHEMA, pick(TWO_CRITIC_SCHEMA), "PPO") : null;
    this.pi = new ActorCriticPolicy("PPO", this.options, obsSpace, actionSpace, this.twoCritic ? 2 : 1);
    this.discrete = this.pi.discrete;
    this.obsShape = this.pi.obsShape;
    this.actionDim = this.pi.actionDim;
    this.net = this.pi.net;
    const withHeads = extensions.filter((e) => e.initHeads);
    if (withHeads.length && !this.net.features)
      throw new TypeError(`PPO: the ${withHeads.map((e) => e.name).join(", ")} extension trains heads on a shared torso: use torso = "nature" or "impala", or sharedTorso = true`);
    Object.freeze(this);
  }

  /**
   * The same agent with some loss hyperparameters (clipEps, valueClipEps, vfCoef, entCoef)
   * replaced by traced scalars, for sweeps vmapped over a hyperparameter axis.
   */
  withOptions(traced: Record<string, Value>): PPOAgent {
    const plain = Object.fromEntries(Object.entries({ ...this.options, ...this.learner, ...this.loop }).filter(([k]) => !(k in this.traced)));
    return new PPOAgent({ ...plain, ...(this.twoCritic ?? {}) }, this.#obsSpace, this.#actionSpace, { ...this.traced, ...traced }, this.extensions);
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
    const base = this.pi.init(key, obsSpace, actionSpace);
    const params: PPOParams = { ...base.params };
    const obsNorm = base.obsNorm;
    if (!this.extensions.length) return { params, obsNorm, extra: null };
    const heads = this.extensions.filter((e) => e.initHeads);
    if (heads.length) {
      const size = this.net.featureSize!(this.pi.inputShape);
      params.aux = Object.fromEntries(heads.map((e, i) => [e.name, e.initHeads!(random.foldIn(key, 0x617578 + i), size)]));
    }
    // Keys folded from the agent's key, so PPO's own parameters are those of a plain PPO.
    const ext = Object.fromEntries(this.extensions.map((e, i) => [e.name, e.init(random.foldIn(key, 0x6578 + i))]));
    return { params, obsNorm, extra: { ext } };
  }

  /** Network inputs: frames for a CNN torso, else flattened float observations, normalized when the agent keeps statistics. */
  features(state: PPOState, obs: Value): Value {
    return this.pi.features(state, obs);
  }

  /** The policy distribution and the (extrinsic) values for a batch of observations. */
  policy(state: PPOState, obs: Value): [PolicyDist, Value] {
    const [pi, v] = this.pi.dist(state, obs);
    return [pi, this.twoCritic ? np.get(v, "...", 0) : v];
  }

  /** The policy's outputs (Discrete: logits; Box: means) for observations [N, ...]. */
  actorOutput(params: PPOParams, state: PPOState, obs: Value): Value {
    return this.net.apply(params.net, this.features(state, obs))[0];
  }

  computeActions(state: PPOState, batch: SampleBatch, key: Value): [Value, Extras] {
    return this.pi.act(state, batch, key);
  }

  evaluateActions(state: PPOState, batch: SampleBatch, _key: Value): [Value, Extras] {
    return [this.pi.greedy(state, batch), {}];
  }

  /** The (extrinsic) values of observations. */
  values(state: PPOState, obs: Value): Value {
    const v = this.net.value(state.params.net, this.features(state, obs));
    return this.twoCritic ? np.get(v, "...", 0) : v;
  }

  /** Both critics' values [..., 2] (extrinsic, intrinsic); only with two critics. */
  allValues(state: PPOState, obs: Value): Value {
    if (!this.twoCritic) throw new TypeError("PPO.allValues: this agent has one critic (no extension gives intrinsic rewards)");
    return this.net.value(state.params.net, this.features(state, obs));
  }

  toEnvAction(a: Value): Value {
    return this.pi.toEnvAction(a);
  }

  updateStats(state: PPOState, batch: SampleBatch, batchAxes: number): PPOState {
    return this.pi.updateStats(state, batch, batchAxes);
  }

  /** PPO's loss; batch.extras carries logProb and value from the rollout, and advantages and targets from GAE. */
  loss(state: PPOState, batch: FullSampleBatch, key: Value, devices?: DeviceAxis): LossDict {
    // Extensions may extend the minibatch (symmetry's mirrored samples) and add loss terms.
    const originalSize = (batch.obs as Value).shape[0]!;
    for (const e of this.extensions) if (e.augment) batch = e.augment(batch);
    const [pi, v] = this.pi.dist(state, batch.obs);
    const values = this.twoCritic ? np.get(v, "...", 0) : v;
    const ex = batch.extras;
    const o = this.options;
    const entropy = this.pi.entropy(pi, key);
    const hyper = { ...o, valueClipEps: o.valueClipEps ?? o.clipEps, axisName: devices?.axisName };
    const terms: LossDict = { ...ppoLoss({ logProb: this.pi.logProb(pi, batch.actions), oldLogProb: ex.logProb, advantages: ex.advantages, values, oldValues: ex.value, targets: ex.targets, entropy }, hyper) };
    if (this.twoCritic) {
      // The intrinsic critic's loss, clipped the same way, weighted as the extrinsic one.
      const valueLossInt = valueLoss(np.get(v, "...", 1), ex.valueInt!, ex.targetsInt!, hyper);
      terms.valueLossInt = valueLossInt;
      terms.total = np.add(terms.total, np.multiply(hyper.vfCoef, valueLossInt));
    }
    for (const e of this.extensions) {
      if (!e.policyLoss) continue;
      const r = e.policyLoss((obs) => this.actorOutput(state.params, state, obs), batch, originalSize);
      terms.total = np.add(terms.total, r.loss);
      for (const [k, m] of Object.entries(r.metrics)) terms[k.replace(/^loss\//, "")] = m;
    }
    this.extensions.forEach((e, i) => {
      if (!e.auxLoss) return;
      const model = { features: (obs: Value) => this.net.features!(state.params.net, this.features(state, obs)), value: (obs: Value) => this.values(state, obs) };
      const r = e.auxLoss(state.params.aux![e.name], model, state.extra!.ext[e.name], random.foldIn(key, 0x617578 + i));
      terms.total = np.add(terms.total, r.loss);
      for (const [k, m] of Object.entries(r.metrics)) terms[k.replace(/^loss\//, "")] = m;
    });
    return terms;
  }
}

/** A PPO agent for these spaces (options: PPO_AGENT_SCHEMA's and PPO_LEARNER_SCHEMA's keys; others are ignored). */
export function makePPOAgent(options: Partial<PPOAgentOptions & PPOLearnerOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}): PPOAgent {
  return new PPOAgent(options, obsSpace, actionSpace, traced);
}

function pickTraced(traced: Record<string, Value>, schema: object): Record<string, Value> {
  return Object.fromEntries(Object.entries(traced).filter(([k]) => k in schema));
}
