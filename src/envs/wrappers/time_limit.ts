// TimeLimit: truncates an episode after `maxSteps` steps (gymnasium's TimeLimit: the step
// that reaches the limit reports truncated = true, also when it terminates).
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Wrapper, type Wrapped } from "./base.js";

export type TimeLimitState<S> = Wrapped<S, { t: Value }>;

export class TimeLimit<S = unknown, P = unknown> extends Wrapper<TimeLimitState<S>, P, S> {
  constructor(
    env: Environment<S, P>,
    readonly maxSteps: number,
  ) {
    super(env);
    if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new TypeError(`TimeLimit: maxSteps must be a positive integer, got ${maxSteps}`);
  }
  reset(key: Value, params?: P): ResetResult<TimeLimitState<S>> {
    const r = this.env.reset(key, params);
    return { obs: r.obs, state: { inner: r.state, t: np.zeros(this.numEnvs === undefined ? [] : [this.numEnvs], "int32") } };
  }
  step(key: Value, state: TimeLimitState<S>, action: Value, params?: P): StepResult<TimeLimitState<S>> {
    const r = this.env.step(key, state.inner, action, params);
    const t = state.t.add(1);
    return { ...r, truncated: np.logicalOr(r.truncated, t.ge(this.maxSteps)), state: { inner: r.state, t } };
  }
}
