// vectorize(env, n): n copies of an environment stepped together by vmap. reset and step take
// one key (split into n inside) and batched states / actions with a leading axis of n;
// everything returned has that leading axis, render included ([n, H, W, 3]). Wrap with
// AutoReset first (vectorize(new AutoReset(env), n)) so finished copies restart on their own.
import type { Value } from "../../core/values.js";
import { vmap } from "../../core/batching.js";
import { random } from "../../random/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { batchSpace, type Space } from "../spaces.js";

export class VecEnv<S = unknown, P = unknown> implements Environment<S, P> {
  constructor(
    readonly env: Environment<S, P>,
    readonly numEnvs: number,
  ) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new TypeError(`vectorize: n must be a positive integer, got ${numEnvs}`);
    if ((env as { numEnvs?: number }).numEnvs !== undefined) throw new TypeError(`vectorize: ${env.id} is already vectorized`);
  }
  get id(): string {
    return this.env.id;
  }
  get defaultParams(): P {
    return this.env.defaultParams;
  }
  /** The space of one copy's observations. */
  singleObservationSpace(params?: P): Space {
    return this.env.observationSpace(params);
  }
  singleActionSpace(params?: P): Space {
    return this.env.actionSpace(params);
  }
  /** The batched space (gymnasium's batch_space of the single one). */
  observationSpace(params?: P): Space {
    return batchSpace(this.env.observationSpace(params), this.numEnvs);
  }
  actionSpace(params?: P): Space<Value> {
    return batchSpace(this.env.actionSpace(params), this.numEnvs);
  }
  // Params are closed over, not vmapped: they are shared by every copy, and JS numbers in
  // them stay exact constants.
  reset(key: Value, params?: P): ResetResult<S> {
    return vmap((k: Value) => this.env.reset(k, params))(random.split(key, this.numEnvs));
  }
  step(key: Value, state: S, action: Value, params?: P): StepResult<S> {
    const f = (k: Value, s: S, a: Value) => this.env.step(k, s, a, params);
    return vmap(f)(random.split(key, this.numEnvs), state, action);
  }
  render(state: S, params?: P): Value {
    return vmap((s: S) => this.env.render(s, params))(state);
  }
  toString(): string {
    return `VecEnv<${String(this.env)}, ${this.numEnvs}>`;
  }
}

export function vectorize<S, P>(env: Environment<S, P>, n: number): VecEnv<S, P> {
  return new VecEnv(env, n);
}
