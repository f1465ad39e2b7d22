// Spaces: static descriptions of observations and actions (gymnasium.spaces), whose `sample`
// and `contains` are traced functions (they jit and vmap). Bounds are host data fixed when
// the space is built; what `contains` cannot know statically (values) it checks with arrays,
// what it can (shapes, dtypes, structure) it answers with a concrete boolean.
import { Array as ConcreteArray, Value } from "../core/values.js";
import { ShapedArray, isFloatDtype, isIntDtype, sizeOf, type Shape } from "../core/aval.js";
import { fromNumbers, toNumbers } from "../core/host.js";
import { numpy as np } from "../numpy/index.js";
import { asIndexArray } from "../numpy/creation.js";
import { random } from "../random/index.js";
import type { DType } from "../xla/dtype.js";

/** What a space holds: an array, or a record / list of them for Dict and Tuple spaces. */
export type SpaceValue = Value | { [k: string]: SpaceValue } | SpaceValue[];

/** A space whose samples are `T` (an array for Discrete / Box / MultiDiscrete, which is what env.step takes). */
export interface Space<T extends SpaceValue = SpaceValue> {
  readonly kind: "discrete" | "box" | "multiDiscrete" | "dict" | "tuple";
  /** Shape of one value ([] for Discrete); undefined for Dict / Tuple. */
  readonly shape: Shape | undefined;
  /** dtype of one value; undefined for Dict / Tuple. */
  readonly dtype: DType | undefined;
  /** A random element (traced: it jits and vmaps over keys). */
  sample(key: Value): T;
  /** A bool scalar: is `x` an element of the space? */
  contains(x: unknown): Value;
  toString(): string;
}

const TRUE = (): Value => boolScalar(true);
const FALSE = (): Value => boolScalar(false);
function boolScalar(b: boolean): Value {
  return new ConcreteArray(new ShapedArray([], "bool"), { host: fromNumbers([b ? 1 : 0], [], "bool").data });
}

/**
 * x as an array, or undefined when it is not array-like. JS numbers are read as gymnasium
 * reads Python numbers (integral -> int32, a bare number weak), not as np.array's float32.
 */
function asValue(x: unknown): Value | undefined {
  if (x instanceof Value) return x;
  if (typeof x === "number" || typeof x === "boolean" || Array.isArray(x) || ArrayBuffer.isView(x)) {
    try {
      return asIndexArray("contains", x as never);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

// numpy's safe casting (np.can_cast), which gymnasium's Box.contains requires.
const RANK: Partial<Record<DType, [kind: number, bits: number]>> = {
  bool: [0, 1],
  uint8: [1, 8],
  uint32: [1, 32],
  int8: [2, 8],
  int32: [2, 32],
  int64: [2, 64],
  float16: [3, 16],
  bfloat16: [3, 16],
  float32: [3, 32],
  float64: [3, 64],
};
export function canCastSafely(from: DType, to: DType, weak = false): boolean {
  if (from === to) return true;
  const a = RANK[from];
  const b = RANK[to];
  if (!a || !b) return false;
  // A JS number adopts the space's dtype (weak types), as a Python scalar does in numpy 2.
  if (weak) return a[0] <= 2 ? b[0] >= 1 : b[0] === 3;
  if (a[0] === 0) return true;
  if (a[0] === 3) return b[0] === 3 && b[1] >= a[1] && to !== "bfloat16";
  if (b[0] === 3) return b[1] > a[1];
  if (a[0] === 1 && b[0] === 2) return b[1] > a[1];
  return a[0] === b[0] && b[1] >= a[1];
}

function shapeStr(s: Shape | undefined): string {
  return s ? `[${s.join(", ")}]` : "none";
}
function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

// --- Discrete -----------------------------------------------------------------------------

/** The integers start, ..., start + n - 1 (int32 scalars). */
export class Discrete implements Space<Value> {
  readonly kind = "discrete" as const;
  readonly shape: Shape = [];
  readonly dtype: DType = "int32";
  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new TypeError(`Discrete: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(start)) throw new TypeError(`Discrete: start must be an integer, got ${start}`);
  }
  sample(key: Value): Value {
    return random.randint(key, [], this.start, this.start + this.n);
  }
  contains(x: unknown): Value {
    const v = asValue(x);
    if (!v || v.ndim !== 0 || !isIntDtype(v.dtype)) return FALSE();
    return np.logicalAnd(v.ge(this.start), v.lt(this.start + this.n));
  }
  toString(): string {
    return this.start ? `Discrete(${this.n}, start=${this.start})` : `Discrete(${this.n})`;
  }
}

// --- Box ----------------------------------------------------------------------------------

type Bound = number | readonly number[] | readonly (readonly number[])[] | Float32Array | Float64Array;

function flatBound(what: string, b: Bound, shape: Shape | undefined): { values: number[]; shape: Shape } {
  if (typeof b === "number") return { values: new Array(sizeOf(shape ?? [])).fill(b), shape: shape ?? [] };
  const nested = ArrayBuffer.isView(b) ? [...(b as Float64Array)] : (b as readonly unknown[]);
  const values: number[] = [];
  const dims: number[] = [];
  const rec = (x: unknown, depth: number) => {
    if (typeof x === "number") {
      values.push(x);
      return;
    }
    const arr = x as readonly unknown[];
    if (dims[depth] === undefined) dims[depth] = arr.length;
    else if (dims[depth] !== arr.length) throw new TypeError(`Box: ${what} is ragged`);
    arr.forEach((e) => rec(e, depth + 1));
  };
  rec(nested, 0);
  // A flat list of the right size stands for any shape.
  if (shape && dims.length === 1 && values.length === sizeOf(shape)) return { values, shape };
  if (shape && !sameShape(dims, shape))
    throw new TypeError(`Box: ${what} has shape ${shapeStr(dims)} but the space's shape is ${shapeStr(shape)}`);
  return { values, shape: dims };
}

/**
 * A box in R^shape (or an integer lattice for integer dtypes): low <= x <= high elementwise.
 * Bounds are numbers (broadcast to `shape`) or nested arrays; +-Infinity marks unbounded sides.
 */
export class Box implements Space<Value> {
  readonly kind = "box" as const;
  readonly shape: Shape;
  readonly lowValues: readonly number[];
  readonly highValues: readonly number[];
  constructor(
    low: Bound,
    high: Bound,
    shape?: Shape,
    readonly dtype: DType = "float32",
  ) {
    if (!isFloatDtype(dtype) && !isIntDtype(dtype)) throw new TypeError(`Box: dtype must be a float or integer dtype, got ${dtype}`);
    let lo = flatBound("low", low, shape);
    const hi = flatBound("high", high, shape ?? (typeof low !== "number" ? lo.shape : undefined));
    if (typeof low === "number" && !shape) lo = flatBound("low", low, hi.shape);
    if (!sameShape(lo.shape, hi.shape)) throw new TypeError(`Box: low has shape ${shapeStr(lo.shape)} but high has ${shapeStr(hi.shape)}`);
    this.shape = lo.shape;
    // Stored as the dtype rounds them (gymnasium casts its bounds to the dtype too).
    const round = (v: number[]) => [...toNumbers(fromNumbers(v, [v.length], isIntDtype(dtype) ? "float64" : dtype))];
    this.lowValues = round(lo.values);
    this.highValues = round(hi.values);
    this.lowValues.forEach((l, i) => {
      if (Number.isNaN(l) || Number.isNaN(this.highValues[i]!)) throw new TypeError("Box: bounds must not be NaN");
      if (l > this.highValues[i]!) throw new TypeError(`Box: low (${l}) exceeds high (${this.highValues[i]}) at flat index ${i}`);
      if (isIntDtype(dtype) && (!Number.isFinite(l) || !Number.isFinite(this.highValues[i]!)))
        throw new TypeError(`Box: an integer box needs finite bounds, got [${l}, ${this.highValues[i]}] at flat index ${i}`);
    });
  }
  /** The lower bounds as an array of the space's dtype and shape. */
  get low(): Value {
    return np.reshape(np.array(this.lowValues as number[], this.dtype), this.shape);
  }
  get high(): Value {
    return np.reshape(np.array(this.highValues as number[], this.dtype), this.shape);
  }
  /** True when every bound is finite. */
  get bounded(): boolean {
    return [...this.lowValues, ...this.highValues].every(Number.isFinite);
  }
  sample(key: Value): Value {
    const s = this.shape;
    if (isIntDtype(this.dtype)) {
      const lo = np.reshape(np.array(this.lowValues as number[], "int32"), s);
      const hi = np.reshape(np.array(this.highValues.map((h) => h + 1), "int32"), s);
      return random.randint(key, s, lo, hi, this.dtype === "int64" ? "int32" : this.dtype).astype(this.dtype);
    }
    // gymnasium's rule: uniform on bounded sides, shifted exponential on half-bounded, normal
    // on unbounded.
    const [ku, ke, kn] = [0, 1, 2].map((i) => random.foldIn(key, i));
    const fin = (v: readonly number[]) => v.map((x) => (Number.isFinite(x) ? x : 0));
    const lo = np.reshape(np.array(fin(this.lowValues), this.dtype), s);
    const hi = np.reshape(np.array(fin(this.highValues), this.dtype), s);
    if (this.bounded) return random.uniform(key, s, this.dtype, lo, hi);
    const mask = (f: (l: number, h: number) => boolean) =>
      np.reshape(np.array(this.lowValues.map((l, i) => f(l, this.highValues[i]!))), s);
    const u = random.uniform(ku!, s, this.dtype, lo, hi);
    const e = random.exponential(ke!, s, this.dtype);
    const n = random.normal(kn!, s, this.dtype);
    const lowOnly = mask((l, h) => Number.isFinite(l) && !Number.isFinite(h));
    const highOnly = mask((l, h) => !Number.isFinite(l) && Number.isFinite(h));
    const both = mask((l, h) => Number.isFinite(l) && Number.isFinite(h));
    return np.where(both, u, np.where(lowOnly, lo.add(e), np.where(highOnly, hi.sub(e), n)));
  }
  contains(x: unknown): Value {
    const v = asValue(x);
    if (!v || !sameShape(v.shape, this.shape) || !canCastSafely(v.dtype, this.dtype, v.weakType)) return FALSE();
    const xv = v.astype(isIntDtype(v.dtype) && isIntDtype(this.dtype) ? "int32" : this.dtype);
    const lo = np.reshape(np.array(this.lowValues as number[], xv.dtype), this.shape);
    const hi = np.reshape(np.array(this.highValues as number[], xv.dtype), this.shape);
    return np.all(np.logicalAnd(xv.ge(lo), xv.le(hi)));
  }
  /** The same bounds viewed with another shape of equal size. */
  reshaped(shape: Shape): Box {
    if (sizeOf(shape) !== sizeOf(this.shape)) throw new TypeError(`Box.reshaped: cannot view ${shapeStr(this.shape)} as ${shapeStr(shape)}`);
    return new Box(this.lowValues, this.highValues, shape, this.dtype);
  }
  toString(): string {
    const b = (v: readonly number[]) => (v.every((e) => e === v[0]) ? String(v[0]) : `[${v.join(", ")}]`);
    return `Box(${b(this.lowValues)}, ${b(this.highValues)}, ${shapeStr(this.shape)}, ${this.dtype})`;
  }
}

// --- MultiDiscrete ------------------------------------------------------------------------

/** Arrays of integers, entry i in start[i] .. start[i] + nvec[i] - 1 (int32). */
export class MultiDiscrete implements Space<Value> {
  readonly kind = "multiDiscrete" as const;
  readonly dtype: DType = "int32";
  readonly shape: Shape;
  readonly nvecValues: readonly number[];
  readonly startValues: readonly number[];
  /** nvec / start: nested arrays, or flat lists with an explicit `shape`. */
  constructor(nvec: readonly number[] | readonly (readonly number[])[], start?: readonly number[] | readonly (readonly number[])[], shape?: Shape) {
    const n = flatBound("nvec", nvec as Bound, shape);
    this.shape = n.shape;
    this.nvecValues = n.values;
    this.startValues = start ? flatBound("start", start as Bound, n.shape).values : n.values.map(() => 0);
    for (const v of [...this.nvecValues, ...this.startValues]) if (!Number.isInteger(v)) throw new TypeError(`MultiDiscrete: nvec and start must hold integers, got ${v}`);
    if (this.nvecValues.some((v) => v < 1)) throw new TypeError(`MultiDiscrete: nvec entries must be positive, got [${this.nvecValues.join(", ")}]`);
  }
  get nvec(): Value {
    return np.reshape(np.array(this.nvecValues as number[], "int32"), this.shape);
  }
  get start(): Value {
    return np.reshape(np.array(this.startValues as number[], "int32"), this.shape);
  }
  sample(key: Value): Value {
    return random.randint(key, this.shape, this.start, this.start.add(this.nvec));
  }
  contains(x: unknown): Value {
    const v = asValue(x);
    if (!v || !sameShape(v.shape, this.shape) || !isIntDtype(v.dtype)) return FALSE();
    return np.all(np.logicalAnd(v.ge(this.start), v.lt(this.start.add(this.nvec))));
  }
  toString(): string {
    return `MultiDiscrete([${this.nvecValues.join(", ")}])`;
  }
}

// --- Dict / Tuple -------------------------------------------------------------------------

/** A record of spaces; values are records with the same keys. */
export class DictSpace implements Space {
  readonly kind = "dict" as const;
  readonly shape = undefined;
  readonly dtype = undefined;
  readonly spaces: Readonly<Record<string, Space>>;
  constructor(spaces: Record<string, Space>) {
    // Keys sorted, as pytrees order record fields (and gymnasium sorts a plain dict's keys).
    this.spaces = Object.fromEntries(Object.keys(spaces).sort().map((k) => [k, spaces[k]!]));
  }
  sample(key: Value): { [k: string]: SpaceValue } {
    const names = Object.keys(this.spaces);
    const out: { [k: string]: SpaceValue } = {};
    names.forEach((k, i) => (out[k] = this.spaces[k]!.sample(random.foldIn(key, i))));
    return out;
  }
  contains(x: unknown): Value {
    if (!x || typeof x !== "object" || Array.isArray(x) || x instanceof Value) return FALSE();
    const rec = x as Record<string, unknown>;
    const names = Object.keys(this.spaces);
    if (Object.keys(rec).length !== names.length || names.some((k) => !(k in rec))) return FALSE();
    return names.reduce<Value>((acc, k) => np.logicalAnd(acc, this.spaces[k]!.contains(rec[k])), TRUE());
  }
  toString(): string {
    return `Dict(${Object.entries(this.spaces)
      .map(([k, s]) => `${k}: ${s}`)
      .join(", ")})`;
  }
}

/** A fixed-length list of spaces; values are lists. */
export class TupleSpace implements Space {
  readonly kind = "tuple" as const;
  readonly shape = undefined;
  readonly dtype = undefined;
  constructor(readonly spaces: readonly Space[]) {}
  sample(key: Value): SpaceValue[] {
    return this.spaces.map((s, i) => s.sample(random.foldIn(key, i)));
  }
  contains(x: unknown): Value {
    if (!Array.isArray(x) || x.length !== this.spaces.length) return FALSE();
    return this.spaces.reduce<Value>((acc, s, i) => np.logicalAnd(acc, s.contains(x[i])), TRUE());
  }
  toString(): string {
    return `Tuple(${this.spaces.join(", ")})`;
  }
}

// --- helpers ------------------------------------------------------------------------------

/**
 * The space of `n` stacked values of `space` (gymnasium's batch_space): Box gains a leading
 * axis, Discrete becomes MultiDiscrete([n]), MultiDiscrete gains a leading axis, Dict / Tuple
 * batch each member.
 */
export function batchSpace(space: Space<Value>, n: number): Space<Value>;
export function batchSpace(space: Space, n: number): Space;
export function batchSpace(space: Space, n: number): Space {
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`batchSpace: n must be a positive integer, got ${n}`);
  if (space instanceof Box) {
    const rep = (v: readonly number[]) => Array.from({ length: n }, () => v).flat();
    return new Box(rep(space.lowValues), rep(space.highValues), [n, ...space.shape], space.dtype);
  }
  if (space instanceof Discrete) return new MultiDiscrete(new Array(n).fill(space.n), new Array(n).fill(space.start));
  if (space instanceof MultiDiscrete) {
    const rep = (v: readonly number[]) => Array.from({ length: n }, () => v).flat();
    return new MultiDiscrete(rep(space.nvecValues), rep(space.startValues), [n, ...space.shape]);
  }
  if (space instanceof DictSpace) return new DictSpace(Object.fromEntries(Object.entries(space.spaces).map(([k, s]) => [k, batchSpace(s, n)])));
  if (space instanceof TupleSpace) return new TupleSpace(space.spaces.map((s) => batchSpace(s, n)));
  throw new TypeError(`batchSpace: unsupported space ${space}`);
}

/** The number of entries of a flattened value (gymnasium's flatdim: Discrete one-hot is n). */
export function flatDim(space: Space): number {
  if (space instanceof Discrete) return space.n;
  if (space instanceof MultiDiscrete) return space.nvecValues.reduce((a, b) => a + b, 0);
  if (space instanceof Box) return sizeOf(space.shape);
  if (space instanceof DictSpace) return Object.values(space.spaces).reduce((a, s) => a + flatDim(s), 0);
  if (space instanceof TupleSpace) return space.spaces.reduce((a, s) => a + flatDim(s), 0);
  throw new TypeError(`flatDim: unsupported space ${space}`);
}

export const spaces = { Discrete, Box, MultiDiscrete, Dict: DictSpace, Tuple: TupleSpace, batchSpace, flatDim, canCastSafely };
export { DictSpace as Dict, TupleSpace as Tuple };
