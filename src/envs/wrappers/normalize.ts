// Observation and reward normalization with running statistics carried in the state
// (gymnasium's NormalizeObservation / NormalizeReward). Around a vectorized environment the
// statistics are shared by the batch (as SB3's VecNormalize and PureJaxRL's
// NormalizeVecObservation); around a single one each copy keeps its own. Put them outside
// AutoReset so the statistics outlive episodes.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Box, type Space } from "../spaces.js";
import { Wrapper, batchDims, type Wrapped } from "./base.js";
import { initStats, updateStats, type RunningStats } from "./running_stats.js";

export interface NormalizeOptions {
  /** Added to the variance before the square root (default 1e-8). */
  epsilon?: number;
  /** Clip the normalized values to [-clip, clip] (default: no clipping, as gymnasium). */
  clip?: number;
}

export type NormalizeObservationState<S> = Wrapped<S, { obsStats: RunningStats }>;

export class NormalizeObservation<S = unknown, P = unknown> extends Wrapper<NormalizeObservationState<S>, P, S> {
  readonly epsilon: number;
  readonly clip: number | undefined;
  constructor(env: Environment<S, P>, opts: NormalizeOptions = {}) {
    super(env);
    this.epsilon = opts.epsilon ?? 1e-8;
    this.clip = opts.clip;
  }
  override observationSpace(params?: P): Space {
    const s = this.env.observationSpace(params);
    if (!s.shape) throw new TypeError(`NormalizeObservation: needs an array observation space, got ${s}`);
    const c = this.clip ?? Infinity;
    return new Box(-c, c, s.shape, "float32");
  }
  private normalize(stats: RunningStats, obs: Value): Value {
    const z = obs.astype("float32").sub(stats.mean).div(np.sqrt(stats.var.add(this.epsilon)));
    return this.clip === undefined ? z : np.clip(z, -this.clip, this.clip);
  }
  reset(key: Value, params?: P): ResetResult<NormalizeObservationState<S>> {
    const r = this.env.reset(key, params);
    const b = batchDims(this);
    const stats = updateStats(initStats(r.obs.shape.slice(b)), r.obs, b);
    return { obs: this.normalize(stats, r.obs), state: { inner: r.state, obsStats: stats } };
  }
  step(key: Value, state: NormalizeObservationState<S>, action: Value, params?: P): StepResult<NormalizeObservationState<S>> {
    const r = this.env.step(key, state.inner, action, params);
    const stats = updateStats(state.obsStats, r.obs, batchDims(this));
    const info = "finalObs" in r.info ? { ...r.info, finalObs: this.normalize(stats, r.info.finalObs!) } : r.info;
    return { ...r, obs: this.normalize(stats, r.obs), state: { inner: r.state, obsStats: stats }, info };
  }
}

export interface NormalizeRewardOptions extends NormalizeOptions {
  /** Discount of the running return whose spread scales rewards (default 0.99). */
  gamma?: number;
}

export type NormalizeRewardState<S> = Wrapped<S, { returnStats: RunningStats; discountedReturn: Value }>;

/**
 * Scales rewards by the running standard deviation of a discounted return (gymnasium's
 * NormalizeReward: the return restarts on termination, not truncation; rewards are not
 * centred).
 */
export class NormalizeReward<S = unknown, P = unknown> extends Wrapper<NormalizeRewardState<S>, P, S> {
  readonly gamma: number;
  readonly epsilon: number;
  readonly clip: number | undefined;
  constructor(env: Environment<S, P>, opts: NormalizeRewardOptions = {}) {
    super(env);
    this.gamma = opts.gamma ?? 0.99;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.clip = opts.clip;
  }
  reset(key: Value, params?: P): ResetResult<NormalizeRewardState<S>> {
    const r = this.env.reset(key, params);
    const shape = this.numEnvs === undefined ? [] : [this.numEnvs];
    return { obs: r.obs, state: { inner: r.state, returnStats: initStats([]), discountedReturn: np.zeros(shape, "float32") } };
  }
  step(key: Value, state: NormalizeRewardState<S>, action: Value, params?: P): StepResult<NormalizeRewardState<S>> {
    const r = this.env.step(key, state.inner, action, params);
    const reward = r.reward.astype("float32");
    const ret = state.discountedReturn.mul(this.gamma).mul(np.subtract(1, r.terminated.astype("float32"))).add(reward);
    const stats = updateStats(state.returnStats, ret, batchDims(this));
    let scaled = reward.div(np.sqrt(stats.var.add(this.epsilon)));
    if (this.clip !== undefined) scaled = np.clip(scaled, -this.clip, this.clip);
    return { ...r, reward: scaled, state: { inner: r.state, returnStats: stats, discountedReturn: ret } };
  }
}
