// Activation functions, as jax.nn: plain functions of an array, usable directly or as layers
// in Sequential / MLP.
import type { Value } from "../core/values.js";
import { numpy as np } from "../numpy/index.js";
import type { ArrayLike } from "../numpy/index.js";
import { erf as erfLax } from "../random/special.js";

export type Activation = (x: Value) => Value;

export const relu: Activation = (x) => np.relu(x);
export const tanh: Activation = (x) => np.tanh(x);
export const sigmoid: Activation = (x) => np.sigmoid(x);
export const silu: Activation = (x) => np.silu(x);
/** log(1 + exp(x)), computed stably. */
export const softplus: Activation = (x) => np.softplus(x);
/** Identity (a linear output layer). */
export const identity: Activation = (x) => x;

/** jax.nn.elu: x for x > 0, alpha·(exp(x) − 1) otherwise (expm1 of a clamped x, so no overflow). */
export function elu(x: ArrayLike, alpha = 1.0): Value {
  const a = np.asArray(x);
  const pos = np.greater(a, 0);
  return np.where(pos, a, np.multiply(alpha, np.expm1(np.where(pos, 0, a))));
}

/** jax.nn.leaky_relu: x for x ≥ 0, negativeSlope·x otherwise. */
export function leakyRelu(x: ArrayLike, negativeSlope = 0.01): Value {
  const a = np.asArray(x);
  return np.where(np.greaterEqual(a, 0), a, np.multiply(negativeSlope, a));
}

/**
 * jax.nn.gelu: the tanh approximation by default; `approximate = false` is the exact
 * 0.5·x·(1 + erf(x/√2)) with the erf that random uses (XLA's polynomial for f32).
 */
export function gelu(x: ArrayLike, approximate = true): Value {
  if (approximate) return np.gelu(x, true);
  const a = np.asArray(x);
  const f = a.dtype === "float64" || a.dtype === "float32" ? a : np.astype(a, "float32");
  return np.multiply(np.multiply(f, 0.5), np.add(1, erfLax(np.divide(f, Math.SQRT2))));
}

/** Activations by name, for configs: "relu", "tanh", "elu", "leakyRelu", "gelu", ... */
export const activations: Record<string, Activation> = {
  relu,
  tanh,
  sigmoid,
  silu,
  swish: silu,
  softplus,
  identity,
  linear: identity,
  elu: (x) => elu(x),
  leakyRelu: (x) => leakyRelu(x),
  leaky_relu: (x) => leakyRelu(x),
  gelu: (x) => gelu(x),
};

/** An activation given as a function or a name. */
export function getActivation(a: Activation | string): Activation {
  if (typeof a === "function") return a;
  const f = activations[a];
  if (f === undefined) throw new TypeError(`nn: unknown activation "${a}"; known: ${Object.keys(activations).join(", ")}`);
  return f;
}
