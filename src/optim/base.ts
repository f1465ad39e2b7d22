// The optax contract: a GradientTransformation is a pair of pure functions, init(params) ->
// state and update(updates, state, params?) -> [updates, state]. States are pytrees of arrays
// (records; `chain` makes an array of its parts' states), so a whole train step jits and its
// state can be donated.
import { Value } from "../core/values.js";
import { numpy as np } from "../numpy/index.js";
import { leaves, map } from "../pytree/index.js";

/** A step-size (or any hyperparameter) schedule: a traced function of an int32 step count. */
export type Schedule = (count: Value | number) => Value;
/** A hyperparameter: a JS number, a scalar array (e.g. injected by injectHyperparams). */
export type Scalar = number | Value;
export type ScalarOrSchedule = Scalar | Schedule;

/**
 * `init(params) -> state`, `update(updates, state, params?) -> [updates, state]`. Updates come
 * back with the type they went in with (a gradient tree gives an update tree of that shape).
 */
export interface GradientTransformation<S = unknown> {
  init(params: unknown): S;
  /** `params` is needed by some transformations (weight decay); the others ignore it. */
  update<U>(updates: U, state: S, params?: unknown): [U, S];
}

/**
 * A GradientTransformation from update code written over untyped trees: `update` maps a tree
 * of updates to a tree of the same structure, which the interface promises its callers.
 */
export function transformation<S>(t: { init(params: unknown): S; update(updates: unknown, state: S, params?: unknown): [unknown, S] }): GradientTransformation<S> {
  return { init: (params) => t.init(params), update: <U>(updates: U, state: S, params?: unknown) => t.update(updates, state, params) as [U, S] };
}

export type EmptyState = Record<string, never>;

export const isSchedule = (x: unknown): x is Schedule => typeof x === "function";

/** An int32 scalar zero: the step counters. */
export function zeroCount(): Value {
  return np.zeros([], "int32");
}

/** count + 1, saturating at the dtype's maximum instead of wrapping (optax.safe_increment). */
export function safeIncrement(count: Value): Value {
  const max = count.dtype === "int32" ? 2147483647 : count.dtype === "uint32" ? 4294967295 : Number.MAX_VALUE;
  return np.where(np.less(count, max), np.add(count, 1), count);
}

/** A count as an int32 array (schedules accept JS numbers for convenience). */
export function asCount(count: Value | number): Value {
  return typeof count === "number" ? np.array(count, "int32") : count;
}

/** The identity transformation. */
export function identity(): GradientTransformation<EmptyState> {
  return { init: () => ({}), update: (u, s) => [u, s] };
}

/** Applies transformations in sequence; the state is the array of their states. */
export function chain(...transforms: GradientTransformation[]): GradientTransformation<unknown[]> {
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update(updates, state, params) {
      if (!Array.isArray(state) || state.length !== transforms.length)
        throw new TypeError(
          `optim.chain: the state must be the array of ${transforms.length} states from this chain's init, got ${Array.isArray(state) ? `${state.length} entries` : typeof state}`,
        );
      const next: unknown[] = [];
      let u = updates;
      transforms.forEach((t, i) => {
        const [nu, ns] = t.update(u, state[i], params);
        u = nu;
        next.push(ns);
      });
      return [u, next];
    },
  };
}

/** params + updates, each leaf kept in its params dtype (optax.apply_updates). */
export function applyUpdates<P>(params: P, updates: unknown): P {
  return map((p: Value, u: Value) => np.astype(np.add(p, u), p.dtype), params, updates);
}

/** sqrt of the sum of squares of every leaf (optax.tree.norm / global_norm). */
export function globalNorm(tree: unknown): Value {
  const ls = leaves(tree).filter((l): l is Value => l instanceof Value);
  let total: Value | number = 0;
  for (const l of ls) total = np.add(total, np.sum(np.square(l)));
  return np.sqrt(typeof total === "number" ? np.array(0, "float32") : total);
}

/** step·new + (1 − step)·old, leaf by leaf (optax.incremental_update: Polyak averaging for target networks). */
export function incrementalUpdate<P>(newTensors: P, oldTensors: P, stepSize: Scalar): P {
  return map((n: Value, o: Value) => np.add(np.multiply(stepSize, n), np.multiply(typeof stepSize === "number" ? 1 - stepSize : np.subtract(1, stepSize), o)), newTensors, oldTensors);
}

/** newTensors when step % updatePeriod == 0, else oldTensors (optax.periodic_update; step may be traced). */
export function periodicUpdate<P>(newTensors: P, oldTensors: P, step: Value | number, updatePeriod: number): P {
  const now = np.equal(np.remainder(asCount(step), updatePeriod), 0);
  return map((n: Value, o: Value) => np.where(now, n, o), newTensors, oldTensors);
}

/** The highest-precision float dtype among the leaves (float32 if none). */
export function highestFloatDtype(tree: unknown): "float64" | "float32" {
  return leaves(tree).some((l) => l instanceof Value && l.dtype === "float64") ? "float64" : "float32";
}
