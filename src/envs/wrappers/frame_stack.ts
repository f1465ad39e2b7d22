// FrameStack: the last k observations stacked on a new axis (gymnasium's
// FrameStackObservation): obs [k, ...obs] (after the batch axis for a vectorized env), oldest
// first. On reset the stack is padded with the first observation ("reset", the default) or
// zeros ("zero"). Around an auto-resetting environment (info.finalObs present) a new episode
// starts a fresh stack, and info.finalObs becomes the finished episode's last stack.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { lax } from "../../lax/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Box, type Space } from "../spaces.js";
import { Wrapper, batchDims, expandTo, type Wrapped } from "./base.js";

export type FrameStackState<S> = Wrapped<S, { frames: Value }>;

export class FrameStack<S = unknown, P = unknown> extends Wrapper<FrameStackState<S>, P, S> {
  constructor(
    env: Environment<S, P>,
    readonly k: number,
    readonly padding: "reset" | "zero" = "reset",
  ) {
    super(env);
    if (!Number.isInteger(k) || k < 1) throw new TypeError(`FrameStack: k must be a positive integer, got ${k}`);
    if (padding !== "reset" && padding !== "zero") throw new TypeError(`FrameStack: padding must be "reset" or "zero", got ${String(padding)}`);
  }
  override observationSpace(params?: P): Space {
    const s = this.env.observationSpace(params);
    if (!(s instanceof Box)) throw new TypeError(`FrameStack: needs a Box observation space, got ${s}`);
    const b = batchDims(this);
    const per = s.shape.slice(b).reduce((a, d) => a * d, 1);
    const lead = s.shape.slice(0, b);
    const rep = (v: readonly number[]) => {
      const out: number[] = [];
      const batches = v.length / per;
      for (let i = 0; i < batches; i++) for (let j = 0; j < this.k; j++) out.push(...v.slice(i * per, (i + 1) * per));
      return out;
    };
    return new Box(rep(s.lowValues), rep(s.highValues), [...lead, this.k, ...s.shape.slice(b)], s.dtype);
  }
  /** A stack made of `obs` alone (padded as configured). */
  private fresh(obs: Value): Value {
    const b = batchDims(this);
    const one = np.expandDims(obs, b);
    const reps = obs.shape.map(() => 1);
    reps.splice(b, 0, this.k);
    if (this.padding === "reset") return np.tile(one, reps);
    const zeros = np.zerosLike(np.tile(one, reps.map((r, i) => (i === b ? this.k - 1 : r))));
    return np.concatenate([zeros, one], b);
  }
  private push(frames: Value, obs: Value): Value {
    const b = batchDims(this);
    return np.concatenate([lax.sliceInDim(frames, 1, null, 1, b), np.expandDims(obs, b)], b);
  }
  reset(key: Value, params?: P): ResetResult<FrameStackState<S>> {
    const r = this.env.reset(key, params);
    const frames = this.fresh(r.obs);
    return { obs: frames, state: { inner: r.state, frames } };
  }
  step(key: Value, state: FrameStackState<S>, action: Value, params?: P): StepResult<FrameStackState<S>> {
    const r = this.env.step(key, state.inner, action, params);
    if (!("finalObs" in r.info)) {
      const frames = this.push(state.frames, r.obs);
      return { ...r, obs: frames, state: { inner: r.state, frames } };
    }
    const done = r.info.done ?? np.logicalOr(r.terminated, r.truncated);
    const finalFrames = this.push(state.frames, r.info.finalObs!);
    const frames = np.where(expandTo(done, finalFrames.ndim), this.fresh(r.obs), this.push(state.frames, r.obs));
    return { ...r, obs: frames, state: { inner: r.state, frames }, info: { ...r.info, finalObs: finalFrames } };
  }
}
