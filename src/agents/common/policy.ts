// The stochastic actor-critic policy the on-policy agents share (PPO, A2C, IMPALA): the
// networks of networks.ts (MLP torsos, or a CNN torso on frames), a Categorical for Discrete
// actions or a diagonal Gaussian with a learned state-independent log-std (optionally
// tanh-squashed) for 1-D Box actions, one or two value heads, an optional running observation
// normalizer, and the map from policy samples to the env's actions. Each agent keeps its own
// loss and learner; this is only what acting needs.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { Categorical, Normal, TanhNormal } from "../../distributions/index.js";
import { Box, Discrete, type Space } from "../../envs/spaces.js";
import { checkInitSpaces, policySpaces } from "./spaces.js";
import type { RunningStats } from "../../envs/wrappers/running_stats.js";
import { initObsStats, obsFeatures, updateObsStats } from "./obs.js";
import type { Schema } from "./config.js";
import { actorCritic, pixelFrames, type ActorCritic, type ActorCriticParams, type Torso } from "./networks.js";
import type { AgentState, Extras, SampleBatch } from "../types.js";

export interface PolicyOptions {
  hiddenSizes: number[];
  activation: "tanh" | "relu" | "elu" | "gelu" | "silu";
  sharedTorso: boolean;
  squash: boolean;
  initLogStd: number;
  normalizeObs: boolean;
  /** "mlp" (default): flattened observations; "nature" / "impala": a CNN torso on frames. */
  torso?: Torso;
}

/** The policy's options, as every on-policy agent's schema includes them. */
export const POLICY_SCHEMA: Schema = {
  hiddenSizes: { kind: "ints", default: [64, 64], doc: "hidden layer widths of the actor and critic torsos" },
  activation: { kind: "enum", default: "tanh", values: ["tanh", "relu", "elu", "gelu", "silu"], doc: "hidden activation" },
  sharedTorso: { kind: "bool", default: false, doc: "one torso with a policy head and a value head instead of two networks" },
  squash: { kind: "bool", default: false, doc: "Box actions: tanh-squash the Gaussian and rescale it to the bounds (else clip the sample to them)" },
  initLogStd: { kind: "number", default: 0, doc: "Box actions: initial log standard deviation (a learned, state-independent vector)" },
  normalizeObs: { kind: "bool", default: false, doc: "normalize observations by running mean and variance (kept in the agent state)" },
};

export interface PolicyParams {
  net: ActorCriticParams;
  /** Box actions only: the Gaussian's log standard deviation, [actionDim]. */
  logStd?: Value;
}

export type PolicyState = AgentState<PolicyParams, RunningStats, null>;

/** What acting reads of an agent state (agents with more state, such as PPO's extensions, pass theirs). */
export type PolicyView = Pick<AgentState<PolicyParams, RunningStats, unknown>, "params" | "obsNorm">;

export type PolicyDist = Categorical | Normal | TanhNormal;

export class ActorCriticPolicy {
  readonly discrete: boolean;
  readonly obsShape: readonly number[];
  readonly actionDim: number;
  readonly net: ActorCritic;
  readonly #obsSpace: Space;

  /** `who` names the agent in error messages ("PPO"); `valueHeads` 2 gives values [..., 2] (extrinsic, intrinsic). */
  constructor(
    readonly who: string,
    readonly options: PolicyOptions,
    obsSpace: Space,
    readonly actionSpace: Space,
    readonly valueHeads: 1 | 2 = 1,
  ) {
    ({ obsShape: this.obsShape, discrete: this.discrete, actionDim: this.actionDim } = policySpaces(who, obsSpace, actionSpace));
    if (options.squash && actionSpace instanceof Box && !actionSpace.bounded) throw new TypeError(`${who}: squash needs a bounded action box, got ${actionSpace}`);
    this.#obsSpace = obsSpace;
    if (this.pixels && options.normalizeObs) throw new TypeError(`${who}: normalizeObs applies to the mlp torso only (torso = "${options.torso}" scales pixels to [0, 1))`);
    this.net = actorCritic(this.actionDim, { ...options, valueHeads });
    Object.freeze(this);
  }

  /** A CNN torso on frames (else flattened observations through MLPs). */
  get pixels(): boolean {
    return (this.options.torso ?? "mlp") !== "mlp";
  }

  /** The input shape the networks are initialized for: frames for a CNN torso, else the flattened observation. */
  get inputShape(): number[] {
    return this.pixels ? [...this.obsShape] : [this.obsShape.reduce((a, b) => a * b, 1)];
  }

  /** Fresh parameters (and normalizer statistics) for the spaces this policy was built for. */
  init(key: Value, obsSpace: Space, actionSpace: Space): PolicyState {
    checkInitSpaces(this.who, { obs: this.#obsSpace, action: this.actionSpace }, obsSpace, actionSpace);
    const params: PolicyParams = { net: this.net.init(key, this.inputShape) };
    if (!this.discrete) params.logStd = np.full([this.actionDim], this.options.initLogStd, "float32");
    return { params, obsNorm: initObsStats(this.obsShape, this.options.normalizeObs), extra: null };
  }

  /** Network inputs: frames for a CNN torso, else flattened float observations, normalized when the state keeps statistics. */
  features(state: PolicyView, obs: Value): Value {
    return this.pixels ? pixelFrames(obs, this.obsShape) : obsFeatures(obs, this.obsShape, state.obsNorm);
  }

  /** The policy distribution and the values ([...], or [..., 2] with two heads) for a batch of observations (any leading axes). */
  dist(state: PolicyView, obs: Value): [PolicyDist, Value] {
    const [out, v] = this.net.apply(state.params.net, this.features(state, obs));
    if (this.discrete) return [new Categorical(out), v];
    const scale = np.exp(state.params.logStd!);
    return [this.options.squash ? new TanhNormal(out, scale, { eventNdims: 1 }) : new Normal(out, scale, { eventNdims: 1 }), v];
  }

  values(state: PolicyView, obs: Value): Value {
    return this.net.value(state.params.net, this.features(state, obs));
  }

  // Box actions in a batch are the Gaussian's samples (pre-tanh when squashed): exact
  // log-probabilities, no atanh of a clipped value. toEnvAction maps them to the box.
  logProb(pi: PolicyDist, a: Value): Value {
    return pi instanceof TanhNormal ? pi.logProb(np.tanh(a), a) : pi.logProb(a);
  }

  /** Per-sample entropy (a one-sample estimate for the tanh-squashed Gaussian). */
  entropy(pi: PolicyDist, key: Value): Value {
    return pi instanceof TanhNormal ? pi.entropy(key) : pi.entropy();
  }

  /** Sampled actions with their log-probabilities and the values (the rollout's extras). */
  act(state: PolicyView, batch: SampleBatch, key: Value): [Value, Extras] {
    const [pi, v] = this.dist(state, batch.obs);
    const a = pi instanceof TanhNormal ? pi.base().sample(key) : pi.sample(key);
    if (this.valueHeads === 1) return [a, { logProb: this.logProb(pi, a), value: v }];
    return [a, { logProb: this.logProb(pi, a), value: np.get(v, "...", 0), valueInt: np.get(v, "...", 1) }];
  }

  /** The policy's mode (pre-tanh when squashed). */
  greedy(state: PolicyView, batch: SampleBatch): Value {
    const [pi] = this.dist(state, batch.obs);
    return pi instanceof TanhNormal ? pi.base().mode() : pi.mode();
  }

  toEnvAction(a: Value): Value {
    const sp = this.actionSpace;
    if (sp instanceof Discrete) return sp.start ? np.add(a, sp.start) : a;
    const box = sp as Box;
    if (this.options.squash) return np.add(box.low, np.multiply(np.multiply(np.add(np.tanh(a), 1), 0.5), np.subtract(box.high, box.low)));
    return box.bounded ? np.clip(a, box.low, box.high) : a;
  }

  updateStats<S extends PolicyView>(state: S, batch: SampleBatch, batchAxes: number): S {
    if (!state.obsNorm) return state;
    return { ...state, obsNorm: updateObsStats(state.obsNorm, batch.obs, this.obsShape, batchAxes) };
  }
}

/** The options of `schema` present in `options` (keys of other parts of a config are ignored). */
export { pickOptions } from "./config.js";
