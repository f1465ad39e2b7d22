// Shared helpers of the distributions: parameter conversion, event sums, sample shapes, and
// building instances from pytree children without re-validating them.
import { Value } from "../core/values.js";
import { isFloatDtype } from "../core/aval.js";
import { lax } from "../lax/index.js";
import { numpy as np, type ArrayLike } from "../numpy/index.js";
import type { DType } from "../xla/dtype.js";

export const LOG_2PI = Math.log(2 * Math.PI);

/** A parameter as a float array: integer / bool / JS numbers become float32 (weak numbers stay weak). */
export function floatParam(where: string, name: string, x: ArrayLike): Value {
  let v: Value;
  try {
    v = np.asArray(x);
  } catch (e) {
    throw new TypeError(`${where}: ${name} must be an array or a number (${(e as Error).message})`);
  }
  if (isFloatDtype(v.dtype)) return v;
  return lax.convertElementType(v, "float32", v.weakType);
}

/** The float dtype two parameters compute in (numpy promotion). */
export function commonFloat(a: Value, b: Value): DType {
  return np.resultType(a, b) as DType;
}

export function checkEventNdims(where: string, n: number | undefined, shape: readonly number[]): number {
  const e = n ?? 0;
  if (!Number.isInteger(e) || e < 0) throw new TypeError(`${where}: eventNdims must be a non-negative integer, got ${n}`);
  if (e > shape.length)
    throw new TypeError(`${where}: eventNdims ${e} exceeds the parameters' rank ${shape.length} (shape [${shape.join(", ")}])`);
  return e;
}

/** Sums the last `n` axes (the event axes of an independent distribution). */
export function sumEvent(x: Value, n: number): Value {
  if (n === 0) return x;
  return np.sum(x, Array.from({ length: n }, (_, i) => -1 - i));
}

export function sampleShapeOf(where: string, s: number | readonly number[] | undefined): number[] {
  const out = s === undefined ? [] : typeof s === "number" ? [s] : [...s];
  for (const d of out)
    if (!Number.isInteger(d) || d < 0) throw new TypeError(`${where}: sampleShape must hold non-negative integers, got ${JSON.stringify(s)}`);
  return out;
}

export function checkSame<T>(where: string, cls: abstract new (...a: never[]) => T, other: unknown): T {
  if (!(other instanceof cls)) {
    const got = other === null || typeof other !== "object" ? String(other) : (other.constructor?.name ?? "object");
    throw new TypeError(`${where}: the other distribution must be a ${cls.name}, got ${got}`);
  }
  return other;
}

/** An instance of `cls` with these fields, bypassing the constructor (pytree unflatten: children may be tracers or anything). */
export function rebuild<T extends object>(cls: abstract new (...a: never[]) => T, fields: Record<string, unknown>): T {
  return Object.freeze(Object.assign(Object.create(cls.prototype) as T, fields));
}

/** The value broadcast to `shape`. */
export function bcast(x: Value, shape: readonly number[]): Value {
  return np.broadcastTo(x, shape);
}

/** A dtype's machine epsilon (for clipping into the open interval (-1, 1)). */
export function epsOf(dtype: DType): number {
  switch (dtype) {
    case "float64":
      return 2 ** -52;
    case "float16":
      return 2 ** -10;
    case "bfloat16":
      return 2 ** -7;
    default:
      return 2 ** -23;
  }
}
