// Shared pieces of the classic-control environments: options, dtype handling, small helpers.
//
// Precision. gymnasium computes these dynamics in float64 (Python floats and float64 numpy
// arrays) and returns float32 observations. Here the state dtype is an option: "float32" (the
// default, as gymnax: fast everywhere, GPUs included) or "float64", which repeats gymnasium's
// arithmetic operation for operation, so trajectories agree to the last bits XLA's sin / cos
// leave. Observations are float32 and rewards float32 either way.
import { Value } from "../../core/values.js";
import { numpy as np, type ArrayLike } from "../../numpy/index.js";

export type FloatDType = "float32" | "float64";

export interface ClassicOptions {
  /** State dtype (see above); default "float32". */
  dtype?: FloatDType;
  /** Frame size as a multiple of gymnasium's (600 x 400 or 500 x 500); default 1. */
  renderScale?: number;
}

export function parseOptions(id: string, options: Record<string, unknown> = {}): { dtype: FloatDType; scale: number } {
  for (const k of Object.keys(options))
    if (k !== "dtype" && k !== "renderScale") throw new TypeError(`${id}: unknown option "${k}" (options: dtype, renderScale, maxEpisodeSteps)`);
  const dtype = (options.dtype ?? "float32") as FloatDType;
  if (dtype !== "float32" && dtype !== "float64") throw new TypeError(`${id}: dtype must be "float32" or "float64", got ${String(dtype)}`);
  const scale = (options.renderScale ?? 1) as number;
  if (typeof scale !== "number" || !(scale > 0) || !Number.isFinite(scale)) throw new TypeError(`${id}: renderScale must be a positive number, got ${String(scale)}`);
  return { dtype, scale };
}

/** A float scalar of the state dtype (JS numbers become exact constants of that dtype). */
export function scalar(x: ArrayLike, dtype: FloatDType): Value {
  return np.asArray(x, dtype);
}

/** The i-th entry of a vector (a state given as gymnasium's flat state). */
export function entry(v: Value, i: number, dtype: FloatDType): Value {
  return v.get(i).astype(dtype);
}

/** Entries of the state, in order, as a float32 observation vector. */
export function observe(parts: readonly Value[]): Value {
  return np.stack(parts.map((p) => p.astype("float32")));
}

/** A float32 reward scalar. */
export function reward(x: ArrayLike): Value {
  return np.asArray(x, "float32");
}

export function bool(x: boolean): Value {
  return np.asArray(x, "bool");
}

/** `cond ? a : b` for scalars (a where). */
export function pick(cond: Value, a: ArrayLike, b: ArrayLike): Value {
  return np.where(cond, a, b);
}

/** gymnasium's flat state vector as an array of `dtype` (from numbers or an array). */
export function stateVector(id: string, v: ArrayLike, n: number, dtype: FloatDType): Value {
  const a = v instanceof Value ? v.astype(dtype) : np.asArray(v, dtype);
  if (a.ndim !== 1 || a.shape[0] !== n) throw new TypeError(`${id}.stateFrom: expects ${n} numbers (gymnasium's state order), got shape [${a.shape.join(", ")}]`);
  return a;
}
