// AutoReset: when an episode ends (terminated or truncated) the step resets the environment
// with a fresh key and returns the new episode's first observation, as gymnasium's vector
// environments and gymnax do. The step still reports the finished episode's reward,
// terminated and truncated; its real last observation is info.finalObs (equal to obs on
// steps that did not end an episode) and info.done says which steps ended one. The state is
// the inner environment's state (no fields of its own).
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { lax } from "../../lax/index.js";
import { random } from "../../random/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Wrapper, doneOf, expandTo, selectTree } from "./base.js";

export class AutoReset<S = unknown, P = unknown> extends Wrapper<S, P, S> {
  constructor(env: Environment<S, P>) {
    super(env);
  }
  override innerState(state: S): S {
    return state;
  }
  reset(key: Value, params?: P): ResetResult<S> {
    return this.env.reset(key, params);
  }
  step(key: Value, state: S, action: Value, params?: P): StepResult<S> {
    const ks = random.split(key);
    const [kStep, kReset] = [ks.get(0), ks.get(1)];
    const r = this.env.step(kStep, state, action, params);
    const fresh = this.env.reset(kReset, params);
    // Computed once per environment: else XLA recomputes the step's end test for every element
    // of the observation it selects (lax.materialize).
    const done = lax.materialize(doneOf(r));
    return {
      ...r,
      obs: np.where(expandTo(done, r.obs.ndim), fresh.obs, r.obs),
      state: selectTree(done, fresh.state, r.state),
      info: { ...r.info, finalObs: r.obs, done },
    };
  }
}
