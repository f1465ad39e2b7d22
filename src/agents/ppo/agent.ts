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
import { checkTraced, pickOptions, resolveConfig } from "../common/config.js";
import { actorCritic, flattenObs, pixelFrames, type ActorCritic, type ActorCriticParams } from "../common/networks.js";
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

type Policy = Categorical | Normal | TanhNormal;

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
  readonly #obsSpace: string;
  readonly #obsSpaceObj: Space;
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
    const names = extensions.map((e) => e.name);
    if (new Set(names).size !== names.length) throw new TypeError(`PPO: two extensions share a name (${names.join(", ")})`);
    this.extensions = Object.freeze([...extensions]);
    this.dataParallelUnsupported = extensions.length
      ? `the ${extensions.map((e) => e.name).join(", ")} extension's normalizers and optimizer are per-device; use numDevices = 1`
      : undefined;
    this.twoCritic = extensions.some((e) => e.intrinsicRewards) ? resolveConfig<TwoCriticOptions>(TWO_CRITIC_SCHEMA, pick(TWO_CRITIC_SCHEMA), "PPO") : null;
    if (this.options.torso !== "mlp" && this.options.normalizeObs) throw new TypeError(`PPO: normalizeObs applies to the mlp torso only (torso = "${this.options.torso}" scales pixels to [0, 1))`);
    this.net = actorCritic(this.actionDim, { ...this.options, valueHeads: this.twoCritic ? 2 : 1 });
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
    return new PPOAgent({ ...plain, ...(this.twoCritic ?? {}) }, this.#obsSpaceObj, this.#actionSpace, { ...this.traced, ...traced }, this.extensions);
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
    const params: PPOParams = { net: this.net.init(key, this.options.torso === "mlp" ? flat : this.obsShape) };
    if (!this.discrete) params.logStd = np.full([this.actionDim], this.options.initLogStd, "float32");
    const obsNorm = this.options.normalizeObs ? initStats(flat) : null;
    if (!this.extensions.length) return { params, obsNorm, extra: null };
    const heads = this.extensions.filter((e) => e.initHeads);
    if (heads.length) {
      const size = this.net.featureSize!(this.options.torso === "mlp" ? flat : this.obsShape);
      params.aux = Object.fromEntries(heads.map((e, i) => [e.name, e.initHeads!(random.foldIn(key, 0x617578 + i), size)]));
    }
    // Keys folded from the agent's key, so PPO's own parameters are those of a plain PPO.
    const ext = Object.fromEntries(this.extensions.map((e, i) => [e.name, e.init(random.foldIn(key, 0x6578 + i))]));
    return { params, obsNorm, extra: { ext } };
  }

  /** Flattened float observations, normalized when the agent keeps statistics. */
  features(state: PPOState, obs: Value): Value {
    if (this.options.torso !== "mlp") return pixelFrames(obs, this.obsShape);
    const x = flattenObs(obs, this.obsShape);
    const s = state.obsNorm;
    if (!s) return x;
    return np.clip(np.divide(np.subtract(x, s.mean), np.sqrt(np.add(s.var, 1e-8))), -10, 10);
  }

  /** The policy distribution and the values for a batch of observations. */
  policy(state: PPOState, obs: Value): [Policy, Value] {
    const [pi, v] = this.#heads(state, obs);
    return [pi, this.twoCritic ? np.get(v, "...", 0) : v];
  }

  /** The policy's outputs (Discrete: logits; Box: means) for observations [N, ...]. */
  actorOutput(params: PPOParams, state: PPOState, obs: Value): Value {
    return this.net.apply(params.net, this.features(state, obs))[0];
  }

  // The policy and every value head ([...] with one critic, [..., 2] with two: extrinsic, intrinsic).
  #heads(state: PPOState, obs: Value): [Policy, Value] {
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
    const [pi, v] = this.#heads(state, batch.obs);
    const a = pi instanceof TanhNormal ? pi.base().sample(key) : pi.sample(key);
    if (!this.twoCritic) return [a, { logProb: this.#logProb(pi, a), value: v }];
    return [a, { logProb: this.#logProb(pi, a), value: np.get(v, "...", 0), valueInt: np.get(v, "...", 1) }];
  }

  evaluateActions(state: PPOState, batch: SampleBatch, _key: Value): [Value, Extras] {
    const [pi] = this.policy(state, batch.obs);
    return [pi instanceof TanhNormal ? pi.base().mode() : pi.mode(), {}];
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
  loss(state: PPOState, batch: FullSampleBatch, key: Value, devices?: DeviceAxis): LossDict {
    // Extensions may extend the minibatch (symmetry's mirrored samples) and add loss terms.
    const originalSize = (batch.obs as Value).shape[0]!;
    for (const e of this.extensions) if (e.augment) batch = e.augment(batch);
    const [pi, v] = this.#heads(state, batch.obs);
    const values = this.twoCritic ? np.get(v, "...", 0) : v;
    const ex = batch.extras;
    const o = this.options;
    const entropy = pi instanceof TanhNormal ? pi.entropy(key) : pi.entropy();
    const hyper = { ...o, valueClipEps: o.valueClipEps ?? o.clipEps, axisName: devices?.axisName };
    const terms: LossDict = { ...ppoLoss({ logProb: this.#logProb(pi, batch.actions), oldLogProb: ex.logProb, advantages: ex.advantages, values, oldValues: ex.value, targets: ex.targets, entropy }, hyper) };
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
