// The wrapper base: an Environment around an Environment. A wrapper's state is
// `{ inner, ...its own fields }` (AutoReset, which has no fields, keeps the inner state as is).
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { map } from "../../pytree/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import type { Space } from "../spaces.js";

/** The state of a wrapper with fields F around an environment with state S. */
export type Wrapped<S, F> = { inner: S } & F;

export abstract class Wrapper<S = unknown, P = unknown, IS = unknown> implements Environment<S, P> {
  constructor(readonly env: Environment<IS, P>) {}
  get id(): string {
    return this.env.id;
  }
  get defaultParams(): P {
    return this.env.defaultParams;
  }
  /** The batch size when the wrapped environment is vectorized (see vectorize), else undefined. */
  get numEnvs(): number | undefined {
    return (this.env as { numEnvs?: number }).numEnvs;
  }
  /** The environment under every wrapper. */
  get unwrapped(): Environment<unknown, P> {
    let e: Environment<unknown, P> = this.env;
    while (e instanceof Wrapper) e = e.env;
    return (e as { unwrapped?: Environment<unknown, P> }).unwrapped ?? e;
  }
  observationSpace(params?: P): Space {
    return this.env.observationSpace(params);
  }
  actionSpace(params?: P): Space<Value> {
    return this.env.actionSpace(params);
  }
  /** The inner environment's state inside this wrapper's state. */
  innerState(state: S): IS {
    // S is Wrapped<IS, F> by construction; it stays a free parameter so subclasses name their states.
    return (state as unknown as { inner: IS }).inner;
  }
  render(state: S, params?: P): Value {
    return this.env.render(this.innerState(state), params);
  }
  abstract reset(key: Value, params?: P): ResetResult<S>;
  abstract step(key: Value, state: S, action: Value, params?: P): StepResult<S>;
  toString(): string {
    return `${this.constructor.name}<${String(this.env)}>`;
  }
}

/** Number of leading batch axes of an environment's arrays: 1 when vectorized, else 0. */
export function batchDims(env: Environment): number {
  return (env as { numEnvs?: number }).numEnvs === undefined ? 0 : 1;
}

/**
 * `pred ? a : b` leaf by leaf for two trees of one structure. `pred` is a bool of the trees'
 * batch shape ([] for one environment, [n] for a vector of them) and broadcasts over each
 * leaf's trailing axes.
 */
export function selectTree<T>(pred: Value, a: T, b: T): T {
  return map<T>((x: Value, y: Value) => np.where(expandTo(pred, x.ndim), x, y), a, b);
}

/** `v` with size-1 axes appended up to rank `ndim` (so a batch-shaped flag broadcasts). */
export function expandTo(v: Value, ndim: number): Value {
  return v.ndim >= ndim ? v : np.reshape(v, [...v.shape, ...new Array<number>(ndim - v.ndim).fill(1)]);
}

/** terminated || truncated. */
export function doneOf(r: { terminated: Value; truncated: Value }): Value {
  return np.logicalOr(r.terminated, r.truncated);
}
