// Array creation: from JS data (nested arrays, typed arrays, numbers, booleans), constant
// fills, ranges, identity and triangular masks. Fills and masks are built with lax
// (broadcast / iota), so under jit they stay small equations rather than big constants.
import { ShapedArray, checkShape, withOp, type Shape } from "../core/aval.js";
import { Array as ConcreteArray, Value } from "../core/values.js";
import { fromNumbers } from "../core/host.js";
import { lax } from "../lax/index.js";
import { dtypeOfTypedArray, type DType, type TypedArray } from "../xla/dtype.js";
import { checkDType, isIntDtype, resultTypeW, toInexact, type DTypeW } from "./dtypes.js";

export type Scalar = number | boolean | bigint;
export type NestedData = Scalar | Value | TypedArray | readonly NestedData[];
/** What numpy functions accept where an array is expected (jax's ArrayLike). */
export type ArrayLike = Value | NestedData;
export type ShapeLike = number | readonly number[];

export function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** A concrete array from host numbers (converted to `dtype` as XLA converts). */
export function fromHost(values: readonly number[] | Float64Array, shape: Shape, dtype: DType, weak = false): ConcreteArray {
  return new ConcreteArray(new ShapedArray(shape, dtype, weak), { host: fromNumbers(values, shape, dtype, weak).data });
}

/** A 0-d concrete array; weak when it stands for a JS number that should adopt other dtypes. */
export function scalar(v: number | boolean | bigint, dtype: DType, weak = false): ConcreteArray {
  if (dtype === "int64" && typeof v === "bigint") {
    return new ConcreteArray(new ShapedArray([], dtype, weak), { host: BigInt64Array.of(v) });
  }
  return fromHost([Number(v)], [], dtype, weak);
}

export function normShape(fn: string, shape: ShapeLike): number[] {
  if (typeof shape !== "number" && !globalThis.Array.isArray(shape))
    throw new TypeError(
      `${fn}: shape must be a number or an array of non-negative integers (e.g. [2, 3]), got ${shape === null ? "null" : typeof shape}`,
    );
  const s = typeof shape === "number" ? [shape] : [...shape];
  for (const d of s)
    if (!Number.isInteger(d) || d < 0) throw new TypeError(`${fn}: shape ${JSON.stringify(shape)} must hold non-negative integers`);
  try {
    checkShape(s);
  } catch (e) {
    throw withOp(fn, e);
  }
  return s;
}

// --- from JS data -----------------------------------------------------------------------

interface Parsed {
  shape: number[];
  leaves: (number | boolean | bigint)[];
  /** Dtypes contributed by typed arrays (strong) and plain leaves (weak kinds). */
  kinds: DTypeW[];
}

function parseNested(fn: string, data: readonly NestedData[], inferring: boolean, numbers: NumberKind): Parsed {
  const leaves: (number | boolean | bigint)[] = [];
  const kinds = new Map<string, DTypeW>();
  const addKind = (d: DTypeW) => kinds.set(`${d.dtype}${d.weak}`, d);
  let shape: number[] | undefined;
  // Every leaf (and every empty list) must sit at the same depth under equal lengths.
  const check = (dims: number[], path: number[]) => {
    if (!shape) shape = dims;
    else if (shape.length !== dims.length || dims.some((d, i) => d !== shape![i]))
      throw new TypeError(`${fn}: ragged nested data: the element at [${path.join(", ")}] sits under lengths [${dims.join(", ")}], others under [${shape.join(", ")}]`);
  };
  const rec = (x: NestedData, dims: number[], path: number[]): void => {
    if (isTypedArray(x)) {
      check([...dims, x.length], path);
      addKind({ dtype: dtypeOfTypedArray(x), weak: false });
      for (let i = 0; i < x.length; i++) leaves.push(x[i]!);
      return;
    }
    if (globalThis.Array.isArray(x)) {
      const d = [...dims, x.length];
      if (x.length === 0) check(d, path);
      (x as readonly NestedData[]).forEach((e, i) => rec(e, d, [...path, i]));
      return;
    }
    check(dims, path);
    if (typeof x === "boolean") addKind({ dtype: "bool", weak: false });
    else if (typeof x === "bigint") addKind({ dtype: "int64", weak: false });
    else if (typeof x === "number") {
      const isInt = numbers === "int-when-integral" && Number.isInteger(x);
      if (inferring && isInt && Math.abs(x) >= 2 ** 31)
        throw new TypeError(`${fn}: the integer ${x} does not fit int32 (the default integer dtype for indices); pass a dtype ("uint32", "int64" or "float32")`);
      addKind({ dtype: isInt ? "int32" : "float32", weak: true });
    } else throw new TypeError(`${fn}: cannot make an array from ${x === null ? "null" : typeof x} (at index [${path.join(", ")}])`);
    leaves.push(x);
  };
  rec(data, [], []);
  return { shape: shape ?? [0], leaves, kinds: [...kinds.values()] };
}

function containsValue(x: unknown): boolean {
  if (x instanceof Value) return true;
  return globalThis.Array.isArray(x) && x.some(containsValue);
}

/** Stacks values along a new leading axis, promoting them to one dtype. */
function stackValues(fn: string, xs: Value[], dtype?: DType): Value {
  if (xs.length === 0) throw new TypeError(`${fn}: cannot stack an empty list`);
  const dt = dtype ?? resultTypeW(...xs).dtype;
  const s0 = xs[0]!.shape;
  const parts = xs.map((x, i) => {
    if (x.shape.length !== s0.length || x.shape.some((d, k) => d !== s0[k]))
      throw new TypeError(`${fn}: ragged nested data: element ${i} has shape [${x.shape.join(", ")}], element 0 [${s0.join(", ")}]`);
    return lax.reshape(lax.convertElementType(x, dt), [1, ...x.shape]);
  });
  return lax.concatenate(parts, 0);
}

/**
 * How plain JS numbers are typed when they become array data: "float32" for np.array /
 * np.asArray (JS has no float literal, so `[1, 2]` cannot say "float"; float32 as in tfjs
 * and jax-js), "int-when-integral" for indices (`x.get([0, 2])`, `np.take(x, [1])`).
 */
export type NumberKind = "float32" | "int-when-integral";

/**
 * jnp.asarray / jnp.array: arrays pass through (converted when `dtype` is given); JS numbers
 * and nested lists of them become float32 (a bare number a weakly typed float32 scalar);
 * booleans bool; bigints int64; typed arrays keep their dtype (Int32Array -> int32,
 * Uint8Array -> uint8; Uint16Array is read as float16); an explicit `dtype` wins.
 * (A JS number given straight to an operation, as in `x.add(1)`, is not made an array first:
 * it stays weak and adopts x's dtype, so int32 + 1 is int32.)
 */
export function asArray(x: ArrayLike, dtype?: DType): Value {
  return toArray("asArray", x, dtype, "float32");
}

/** Index data: as asArray, but integral JS numbers make int32 (fractional ones float32). */
export function asIndexArray(fn: string, x: ArrayLike): Value {
  return toArray(fn, x, undefined, "int-when-integral");
}

function toArray(fn: string, x: ArrayLike, dtype: DType | undefined, numbers: NumberKind): Value {
  if (dtype !== undefined) checkDType(fn, dtype);
  if (x instanceof Value) return dtype ? lax.convertElementType(x, dtype) : x;
  if (typeof x === "number") {
    if (dtype) return scalar(x, dtype);
    const isInt = numbers === "int-when-integral" && Number.isInteger(x) && Math.abs(x) < 2 ** 31;
    return scalar(x, isInt ? "int32" : "float32", true);
  }
  if (typeof x === "boolean") return scalar(x, dtype ?? "bool");
  if (typeof x === "bigint") return scalar(x, dtype ?? "int64");
  if (isTypedArray(x)) {
    const own = dtypeOfTypedArray(x);
    if (!dtype || dtype === own) return new ConcreteArray(new ShapedArray([x.length], own), { host: x.slice() as TypedArray });
    return fromHost(globalThis.Array.from(x as Iterable<number | bigint>, Number), [x.length], dtype);
  }
  if (globalThis.Array.isArray(x)) {
    if (containsValue(x)) return stackValues(fn, (x as NestedData[]).map((e) => toArray(fn, e, undefined, numbers)), dtype);
    const p = parseNested(fn, x as readonly NestedData[], dtype === undefined, numbers);
    const dt = dtype ?? (p.kinds.length ? resultTypeW(...p.kinds.map((k) => ({ ...k, weak: false }))).dtype : "float32");
    if (dt === "int64" && p.leaves.some((v) => typeof v === "bigint")) {
      const data = BigInt64Array.from(p.leaves, (v) => (typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v)))));
      return new ConcreteArray(new ShapedArray(p.shape, dt), { host: data });
    }
    return fromHost(
      p.leaves.map((v) => Number(v)),
      p.shape,
      dt,
    );
  }
  throw new TypeError(`${fn}: cannot make an array from ${x === null ? "null" : typeof x}`);
}

export const array = asArray;

// --- fills --------------------------------------------------------------------------------

/**
 * jnp.full: `fillValue` broadcast to `shape`. A JS number fill is a scalar, not data: it is
 * weakly typed as in an operation (integral -> weak int32, else weak float32), as jnp.full.
 */
export function full(shape: ShapeLike, fillValue: ArrayLike, dtype?: DType): Value {
  const s = normShape("full", shape);
  const v = typeof fillValue === "number" && dtype === undefined ? asIndexArray("full", fillValue) : asArray(fillValue, dtype);
  if (v.ndim > s.length) throw new TypeError(`full: fill value of shape [${v.shape.join(", ")}] does not broadcast to [${s.join(", ")}]`);
  return lax.broadcastInDim(v, s, v.shape.map((_, i) => s.length - v.ndim + i));
}

export function zeros(shape: ShapeLike, dtype: DType = "float32"): Value {
  return full(shape, 0, dtype);
}
export function ones(shape: ShapeLike, dtype: DType = "float32"): Value {
  return full(shape, 1, dtype);
}
/** jnp.empty: XLA has no uninitialised memory; zeros, as jnp does. */
export function empty(shape: ShapeLike, dtype: DType = "float32"): Value {
  return zeros(shape, dtype);
}

export function fullLike(x: ArrayLike, fillValue: ArrayLike, dtype?: DType, shape?: ShapeLike): Value {
  const a = asArray(x);
  const dt = dtype ?? a.dtype;
  const v = asArray(fillValue, dt);
  // Like jnp: the result keeps x's weak flag when no dtype is given.
  const w = dtype === undefined && a.weakType ? lax.convertElementType(v, dt, true) : v;
  return full(shape ?? a.shape, w);
}
export function zerosLike(x: ArrayLike, dtype?: DType, shape?: ShapeLike): Value {
  return fullLike(x, 0, dtype, shape);
}
export function onesLike(x: ArrayLike, dtype?: DType, shape?: ShapeLike): Value {
  return fullLike(x, 1, dtype, shape);
}
export function emptyLike(x: ArrayLike, dtype?: DType, shape?: ShapeLike): Value {
  return zerosLike(x, dtype, shape);
}

// --- ranges -------------------------------------------------------------------------------

/**
 * jnp.arange(stop) / arange(start, stop, step?): int32 when every bound is integral, else
 * float32; computed as numpy does (start + i * step in float64, then converted).
 */
export function arange(start: number, stop?: number | null, step = 1, dtype?: DType): Value {
  if (stop === undefined || stop === null) {
    stop = start;
    start = 0;
  }
  for (const [k, v] of [["start", start], ["stop", stop], ["step", step]] as const)
    if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`arange: ${k} must be a finite JS number, got ${String(v)}`);
  if (step === 0) throw new RangeError("arange: step must not be zero");
  const allInt = Number.isInteger(start) && Number.isInteger(stop) && Number.isInteger(step);
  const dt = dtype ? checkDType("arange", dtype) : allInt ? "int32" : "float32";
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (start === 0 && step === 1 && dt !== "bool") return lax.iota(dt, n);
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = start + i * step;
  return fromHost(vals, [n], dt);
}

/**
 * jnp.linspace: `num` evenly spaced values from start to stop (inclusive when endpoint).
 * Computed as jnp does, start * (1 - t) + stop * t in the float dtype, so values match.
 */
export function linspace(start: number, stop: number, num = 50, endpoint = true, dtype?: DType): Value {
  if (!Number.isInteger(num) || num < 0) throw new TypeError(`linspace: num must be a non-negative integer, got ${num}`);
  const dt = dtype ? checkDType("linspace", dtype) : "float32";
  const comp = toInexact({ dtype: dt, weak: false }).dtype;
  // f32 rounding emulated on the host (float16 / bfloat16 computed in f32 like XLA would upcast).
  const r = comp === "float64" ? (v: number) => v : Math.fround;
  const s = r(start);
  const e = r(stop);
  const div = endpoint ? num - 1 : num;
  const vals = new Float64Array(num);
  if (num === 1) vals[0] = s;
  else
    for (let i = 0; i < div; i++) {
      const t = r(r(i) / div);
      vals[i] = r(r(s * r(1 - t)) + r(e * t));
    }
  if (endpoint && num > 1) vals[num - 1] = e;
  if (isIntDtype(dt)) for (let i = 0; i < num; i++) vals[i] = Math.floor(vals[i]!);
  return fromHost(vals, [num], dt);
}

// --- identity and triangles -------------------------------------------------------------

/** Boolean mask of shape [n, m]: true where col - row <= k (at and below the k-th diagonal). */
function triMask(n: number, m: number, k: number): Value {
  const rows = lax.broadcastedIota("int32", [n, m], 0);
  const cols = lax.broadcastedIota("int32", [n, m], 1);
  return lax.le(lax.sub(cols, rows), scalarFull(k, [n, m]));
}

function scalarFull(v: number, shape: number[], dtype: DType = "int32"): Value {
  return lax.broadcastInDim(scalar(v, dtype), shape, []);
}

/** jnp.eye(n, m?, k?): ones on the k-th diagonal. */
export function eye(n: number, m?: number | null, k = 0, dtype: DType = "float32"): Value {
  const mm = m ?? n;
  normShape("eye", [n, mm]);
  const rows = lax.broadcastedIota("int32", [n, mm], 0);
  const cols = lax.broadcastedIota("int32", [n, mm], 1);
  const mask = lax.eq(lax.sub(cols, rows), scalarFull(k, [n, mm]));
  return lax.convertElementType(mask, checkDType("eye", dtype));
}

export function identity(n: number, dtype: DType = "float32"): Value {
  return eye(n, n, 0, dtype);
}

/** jnp.tri: ones at and below the k-th diagonal. */
export function tri(n: number, m?: number | null, k = 0, dtype: DType = "float32"): Value {
  const mm = m ?? n;
  normShape("tri", [n, mm]);
  return lax.convertElementType(triMask(n, mm, k), checkDType("tri", dtype));
}

function triangle(fn: string, x: ArrayLike, k: number, lower: boolean): Value {
  const a = asArray(x);
  if (a.ndim < 2) throw new TypeError(`${fn}: needs an array of rank >= 2, got shape [${a.shape.join(", ")}]`);
  const n = a.shape[a.ndim - 2]!;
  const m = a.shape[a.ndim - 1]!;
  // tril keeps col - row <= k; triu keeps col - row >= k, i.e. not (col - row <= k - 1).
  const mask2 = triMask(n, m, lower ? k : k - 1);
  const mask = lax.broadcastInDim(mask2, a.shape, [a.ndim - 2, a.ndim - 1]);
  const zero = lax.broadcastInDim(scalar(0, a.dtype, a.weakType), a.shape, []);
  return lower ? lax.select(mask, a, zero) : lax.select(mask, zero, a);
}

/** jnp.tril: zeros above the k-th diagonal of the last two axes. */
export function tril(x: ArrayLike, k = 0): Value {
  return triangle("tril", x, k, true);
}
/** jnp.triu: zeros below the k-th diagonal of the last two axes. */
export function triu(x: ArrayLike, k = 0): Value {
  return triangle("triu", x, k, false);
}

