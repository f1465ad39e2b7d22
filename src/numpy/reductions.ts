// Reductions with numpy's axis / keepdims conventions, and the jax.nn / scipy functions built
// on them (logsumexp, softmax, logSoftmax, oneHot).
import { Value } from "../core/values.js";
import { lax } from "../lax/index.js";
import type { DType } from "../xla/dtype.js";
import { asArray, scalar, type ArrayLike } from "./creation.js";
import { broadcastTo, dtypeW } from "./broadcast.js";
import { checkDType, dtypeInfo, isFloatDtype, toInexact } from "./dtypes.js";
import { constLike, isfinite } from "./math.js";

/** An axis argument: one axis, several, or all (undefined / null). Negative counts from the end. */
export type Axis = number | readonly number[] | null | undefined;

export interface ReduceOptions {
  axis?: Axis;
  keepdims?: boolean;
  /** Accumulate (and return) in this dtype. */
  dtype?: DType;
  /** Only elements where this mask is true take part. */
  where?: ArrayLike;
  /** A starting value combined into every result (numpy's `initial`). */
  initial?: number;
}

/** Normalises an axis argument against a rank: sorted, non-negative, no repeats. */
export function normAxes(fn: string, axis: Axis, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : [...axis];
  const out = list.map((a) => normAxis(fn, a, ndim));
  if (new Set(out).size !== out.length) throw new TypeError(`${fn}: axis ${JSON.stringify(axis)} repeats an axis`);
  return out.sort((a, b) => a - b);
}

export function normAxis(fn: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim)
    throw new RangeError(`${fn}: axis ${axis} is out of bounds for an array of rank ${ndim}`);
  return axis < 0 ? axis + ndim : axis;
}

/** Reads (axis, keepdims) or an options object in the second position. */
function opts(axisOrOpts: Axis | ReduceOptions, keepdims?: boolean): ReduceOptions {
  if (axisOrOpts !== null && typeof axisOrOpts === "object" && !Array.isArray(axisOrOpts)) return { ...(axisOrOpts as ReduceOptions), keepdims: keepdims ?? (axisOrOpts as ReduceOptions).keepdims };
  return { axis: axisOrOpts as Axis, keepdims };
}

/** Puts size-1 axes back where `axes` were reduced. */
export function keepDims(r: Value, axes: readonly number[], ndim: number): Value {
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < ndim; i++) shape.push(axes.includes(i) ? 1 : r.shape[k++]!);
  return lax.reshape(r, shape);
}

/** The dtype sum / prod accumulate in: small ints and bools widen, as in jnp. */
function sumDtype(d: DType): DType {
  if (d === "bool" || d === "int8") return "int32";
  if (d === "uint8") return "uint32";
  return d;
}

type Kind = "sum" | "prod" | "max" | "min";

function identityFor(kind: Kind, d: DType): number | bigint {
  if (kind === "sum") return 0;
  if (kind === "prod") return 1;
  if (isFloatDtype(d)) return kind === "max" ? -Infinity : Infinity;
  if (d === "int64") return kind === "max" ? -(2n ** 63n) : 2n ** 63n - 1n;
  const { min, max } = dtypeInfo(d);
  return kind === "max" ? min : max;
}

function reduce(fn: string, kind: Kind, x: ArrayLike, o: ReduceOptions): Value {
  let a = asArray(x);
  const axes = normAxes(fn, o.axis, a.ndim);
  // As in JAX: max and min have no identity, so an empty reduced axis is an error, not -inf.
  if ((kind === "max" || kind === "min") && (o.initial === undefined || o.initial === null) && axes.some((ax) => a.shape[ax] === 0))
    throw new RangeError(
      `${fn}: zero-size array to reduction operation ${fn} which has no identity (shape ${JSON.stringify(a.shape)}, ` +
        `axes ${JSON.stringify(axes)}); pass initial= to define the result of an empty reduction`,
    );
  let dt = o.dtype ? checkDType(fn, o.dtype) : kind === "sum" || kind === "prod" ? sumDtype(a.dtype) : a.dtype;
  if (dt !== a.dtype) a = lax.convertElementType(a, dt, a.weakType);
  dt = a.dtype;
  if (o.where !== undefined && o.where !== null) {
    if ((kind === "max" || kind === "min") && o.initial === undefined)
      throw new TypeError(`${fn}: a where= mask needs initial= (the result of an all-false slice is otherwise undefined)`);
    const mask = broadcastTo(lax.convertElementType(asArray(o.where), "bool"), a.shape, fn);
    a = lax.select(mask, a, constLike(a, identityFor(kind, dt)));
  }
  let r: Value;
  const bool = dt === "bool";
  switch (kind) {
    case "sum":
      r = lax.reduceSum(a, axes);
      break;
    case "prod":
      r = lax.reduceProd(a, axes);
      break;
    case "max":
      r = bool ? lax.reduceOr(a, axes) : lax.reduceMax(a, axes);
      break;
    case "min":
      r = bool ? lax.reduceAnd(a, axes) : lax.reduceMin(a, axes);
      break;
  }
  if (o.initial !== undefined && o.initial !== null) {
    const init = constLike(r, o.initial);
    r = kind === "sum" ? lax.add(r, init) : kind === "prod" ? lax.mul(r, init) : kind === "max" ? lax.max(r, init) : lax.min(r, init);
  }
  return o.keepdims ? keepDims(r, axes, a.ndim) : r;
}

export function sum(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean): Value {
  return reduce("sum", "sum", x, opts(axis, keepdims));
}
export function prod(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean): Value {
  return reduce("prod", "prod", x, opts(axis, keepdims));
}
export function max(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean): Value {
  return reduce("max", "max", x, opts(axis, keepdims));
}
export function min(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean): Value {
  return reduce("min", "min", x, opts(axis, keepdims));
}
export const amax = max;
export const amin = min;

function boolReduce(fn: string, x: ArrayLike, o: ReduceOptions, all: boolean): Value {
  let a = asArray(x);
  if (a.dtype !== "bool") a = lax.convertElementType(a, "bool");
  const axes = normAxes(fn, o.axis, a.ndim);
  if (o.where !== undefined && o.where !== null) {
    const mask = broadcastTo(lax.convertElementType(asArray(o.where), "bool"), a.shape, fn);
    a = lax.select(mask, a, constLike(a, all ? 1 : 0));
  }
  const r = all ? lax.reduceAnd(a, axes) : lax.reduceOr(a, axes);
  return o.keepdims ? keepDims(r, axes, a.ndim) : r;
}
export function any(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean): Value {
  return boolReduce("any", x, opts(axis, keepdims), false);
}
export function all(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean): Value {
  return boolReduce("all", x, opts(axis, keepdims), true);
}

/** Number of elements a reduction covers (with a where mask: per result, as an array). */
function count(fn: string, a: Value, o: ReduceOptions, axes: number[], dt: DType): Value {
  if (o.where === undefined || o.where === null) {
    const n = axes.reduce((p, ax) => p * a.shape[ax]!, 1);
    return scalar(n, dt);
  }
  const mask = broadcastTo(lax.convertElementType(asArray(o.where), "bool"), a.shape, fn);
  const c = lax.reduceSum(lax.convertElementType(mask, dt), axes);
  return o.keepdims ? keepDims(c, axes, a.ndim) : c;
}

/** Divides (broadcasting a scalar count). */
function divBy(s: Value, n: Value): Value {
  return lax.div(s, n.ndim === 0 && s.ndim > 0 ? lax.broadcastInDim(n, s.shape, []) : n);
}

/** f16 / bf16 accumulate in f32 (as jnp's mean / var do), integers in float32. */
function computeDtype(d: DType): { comp: DType; out: DType } {
  const out = toInexact({ dtype: d, weak: false }).dtype;
  return { comp: out === "float16" || out === "bfloat16" ? "float32" : out, out };
}

export function mean(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean): Value {
  const o = opts(axis, keepdims);
  const a0 = asArray(x);
  const { comp, out } = computeDtype(o.dtype ? checkDType("mean", o.dtype) : a0.dtype);
  const a = lax.convertElementType(a0, comp, a0.weakType);
  const axes = normAxes("mean", o.axis, a.ndim);
  const s = reduce("mean", "sum", a, { ...o, dtype: undefined, initial: undefined });
  return lax.convertElementType(divBy(s, count("mean", a, o, axes, comp)), out, a0.weakType);
}

export interface VarOptions extends ReduceOptions {
  /** Delta degrees of freedom: divide by N - ddof. */
  ddof?: number;
}

export function variance(x: ArrayLike, axis?: Axis | VarOptions, keepdims?: boolean, ddof = 0): Value {
  const o: VarOptions = opts(axis, keepdims);
  const dd = o.ddof ?? ddof;
  const a0 = asArray(x);
  const { comp, out } = computeDtype(o.dtype ? checkDType("var", o.dtype) : a0.dtype);
  const a = lax.convertElementType(a0, comp, a0.weakType);
  const axes = normAxes("var", o.axis, a.ndim);
  const m = mean(a, { axis: axes, keepdims: true, where: o.where });
  const c = lax.sub(a, broadcastTo(m, a.shape, "var"));
  const s = reduce("var", "sum", lax.mul(c, c), { axis: axes, keepdims: o.keepdims, where: o.where });
  const n = count("var", a, o, axes, comp);
  const norm = lax.sub(n, constLike(n, dd));
  return lax.convertElementType(divBy(s, norm), out, a0.weakType);
}
export { variance as var };

export function std(x: ArrayLike, axis?: Axis | VarOptions, keepdims?: boolean, ddof = 0): Value {
  return lax.sqrt(variance(x, axis, keepdims, ddof));
}

function argReduce(fn: string, x: ArrayLike, axis: number | null | undefined, keepdims: boolean, isMax: boolean): Value {
  let a = asArray(x);
  let ax: number;
  const nd = a.ndim;
  if (axis === undefined || axis === null) {
    a = lax.reshape(a, [a.size]);
    ax = 0;
  } else ax = normAxis(fn, axis, a.ndim);
  if (a.shape[ax] === 0) throw new RangeError(`${fn}: attempt to get ${fn} of an empty sequence (axis ${ax} of shape [${a.shape.join(", ")}])`);
  const r = isMax ? lax.argmax(a, ax, "int32") : lax.argmin(a, ax, "int32");
  if (!keepdims) return r;
  return axis === undefined || axis === null ? lax.reshape(r, new Array(nd).fill(1)) : keepDims(r, [ax], nd);
}
/** Index of the first maximum (NaN counts as the maximum), int32. */
export function argmax(x: ArrayLike, axis?: number | null, keepdims = false): Value {
  return argReduce("argmax", x, axis, keepdims, true);
}
export function argmin(x: ArrayLike, axis?: number | null, keepdims = false): Value {
  return argReduce("argmin", x, axis, keepdims, false);
}

function cumulative(fn: string, x: ArrayLike, axis: number | null | undefined, dtype: DType | undefined, op: "cumsum" | "cumprod"): Value {
  let a = asArray(x);
  if (axis === undefined || axis === null) {
    a = lax.reshape(a, [a.size]);
    axis = 0;
  }
  const ax = normAxis(fn, axis, a.ndim);
  const dt = dtype ? checkDType(fn, dtype) : sumDtype(a.dtype);
  a = lax.convertElementType(a, dt, a.weakType);
  return op === "cumsum" ? lax.cumsum(a, ax) : lax.cumprod(a, ax);
}
/** Running sum along an axis (flattened when axis is omitted). */
export function cumsum(x: ArrayLike, axis?: number | null, dtype?: DType): Value {
  return cumulative("cumsum", x, axis, dtype, "cumsum");
}
export function cumprod(x: ArrayLike, axis?: number | null, dtype?: DType): Value {
  return cumulative("cumprod", x, axis, dtype, "cumprod");
}

// --- jax.nn / jax.scipy.special -------------------------------------------------------------

function toFloat(x: ArrayLike): Value {
  const a = asArray(x);
  const t = toInexact(dtypeW(a));
  return lax.convertElementType(a, t.dtype, t.weak);
}

export interface LogsumexpOptions {
  axis?: Axis;
  keepdims?: boolean;
  /** Scale factors: log(sum(b * exp(a))). */
  b?: ArrayLike | null;
}

/** log(sum(exp(a))) computed stably (max-shifted); -inf where every term is -inf. */
export function logsumexp(a: ArrayLike, axis?: Axis | LogsumexpOptions, keepdims?: boolean): Value {
  const o: LogsumexpOptions =
    axis !== null && typeof axis === "object" && !Array.isArray(axis) ? { ...(axis as LogsumexpOptions), keepdims: keepdims ?? (axis as LogsumexpOptions).keepdims } : { axis: axis as Axis, keepdims };
  const x = toFloat(a);
  const axes = normAxes("logsumexp", o.axis, x.ndim);
  const amax0 = lax.reduceMax(x, axes);
  const amax = lax.stopGradient(lax.select(isfinite(amax0), amax0, constLike(amax0, 0)));
  const amaxKeep = keepDims(amax, axes, x.ndim);
  let e = lax.exp(lax.sub(x, broadcastTo(amaxKeep, x.shape, "logsumexp")));
  if (o.b !== undefined && o.b !== null) e = lax.mul(e, broadcastTo(lax.convertElementType(asArray(o.b), x.dtype), x.shape, "logsumexp"));
  const s = lax.reduceSum(e, axes);
  let out = lax.add(lax.log(lax.abs(s)), amax);
  if (o.b !== undefined && o.b !== null) out = lax.select(lax.lt(s, constLike(s, 0)), constLike(out, NaN), out);
  return o.keepdims ? keepDims(out, axes, x.ndim) : out;
}

/** exp(x) / sum(exp(x)) along `axis` (default the last), max-shifted for stability. */
export function softmax(x: ArrayLike, axis: Axis = -1): Value {
  const a = toFloat(x);
  const axes = normAxes("softmax", axis, a.ndim);
  const m = broadcastTo(keepDims(lax.reduceMax(a, axes), axes, a.ndim), a.shape, "softmax");
  const u = lax.exp(lax.sub(a, lax.stopGradient(m)));
  return lax.div(u, broadcastTo(keepDims(lax.reduceSum(u, axes), axes, a.ndim), a.shape, "softmax"));
}

/** x - logsumexp(x) along `axis` (default the last). */
export function logSoftmax(x: ArrayLike, axis: Axis = -1): Value {
  const a = toFloat(x);
  const axes = normAxes("logSoftmax", axis, a.ndim);
  const m = broadcastTo(keepDims(lax.reduceMax(a, axes), axes, a.ndim), a.shape, "logSoftmax");
  const shifted = lax.sub(a, lax.stopGradient(m));
  const lse = lax.log(lax.reduceSum(lax.exp(shifted), axes));
  return lax.sub(shifted, broadcastTo(keepDims(lse, axes, a.ndim), a.shape, "logSoftmax"));
}

export interface OneHotOptions {
  dtype?: DType;
  /** Where the new class axis goes (default -1, the end). */
  axis?: number;
}

/** One-hot encoding: out-of-range (and negative) classes give an all-zero row, as in jax.nn. */
export function oneHot(x: ArrayLike, numClasses: number, dtypeOrOpts: DType | OneHotOptions = {}): Value {
  const o: OneHotOptions = typeof dtypeOrOpts === "string" ? { dtype: dtypeOrOpts } : dtypeOrOpts;
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new TypeError(`oneHot: numClasses must be a non-negative integer, got ${numClasses}`);
  let a = asArray(x);
  if (isFloatDtype(a.dtype) || a.dtype === "bool") a = lax.convertElementType(a, "int32");
  const ax = normAxis("oneHot", o.axis ?? -1, a.ndim + 1);
  const shape = [...a.shape];
  shape.splice(ax, 0, numClasses);
  const lhs = broadcastTo(lax.expandDims(a, [ax]), shape, "oneHot");
  const rhs = lax.broadcastedIota(a.dtype, shape, ax);
  return lax.convertElementType(lax.eq(lhs, rhs), checkDType("oneHot", o.dtype ?? "float32"));
}
