// Array methods (x.add(y), x.reshape(...), x.sum(1), x.T, x.at(i).set(v)...) installed on
// Value.prototype, so concrete arrays and tracers share them, as JAX does. Core never imports
// numpy; importing src/numpy/index.ts installs these.
import { Array as ConcreteArray, Value } from "../core/values.js";
import { toNumbers } from "../core/host.js";
import type { DType } from "../xla/dtype.js";
import type { ArrayLike, ShapeLike } from "./creation.js";
import * as m from "./math.js";
import * as r from "./reductions.js";
import * as mp from "./manipulation.js";
import * as la from "./linalg.js";
import * as ix from "./indexing.js";
import type { Axis, ReduceOptions, VarOptions } from "./reductions.js";
import type { IndexEntry, AtRef } from "./indexing.js";

declare module "../core/values.js" {
  interface Value {
    add(y: ArrayLike): Value;
    sub(y: ArrayLike): Value;
    mul(y: ArrayLike): Value;
    div(y: ArrayLike): Value;
    floorDiv(y: ArrayLike): Value;
    mod(y: ArrayLike): Value;
    pow(y: ArrayLike): Value;
    matmul(y: ArrayLike): Value;
    neg(): Value;
    abs(): Value;
    exp(): Value;
    log(): Value;
    sqrt(): Value;
    square(): Value;
    tanh(): Value;
    sigmoid(): Value;
    round(decimals?: number): Value;
    clip(min?: ArrayLike | null, max?: ArrayLike | null): Value;
    eq(y: ArrayLike): Value;
    ne(y: ArrayLike): Value;
    lt(y: ArrayLike): Value;
    le(y: ArrayLike): Value;
    gt(y: ArrayLike): Value;
    ge(y: ArrayLike): Value;
    astype(dtype: DType): Value;
    sum(axis?: Axis | ReduceOptions, keepdims?: boolean): Value;
    prod(axis?: Axis | ReduceOptions, keepdims?: boolean): Value;
    mean(axis?: Axis | ReduceOptions, keepdims?: boolean): Value;
    max(axis?: Axis | ReduceOptions, keepdims?: boolean): Value;
    min(axis?: Axis | ReduceOptions, keepdims?: boolean): Value;
    any(axis?: Axis | ReduceOptions, keepdims?: boolean): Value;
    all(axis?: Axis | ReduceOptions, keepdims?: boolean): Value;
    var(axis?: Axis | VarOptions, keepdims?: boolean, ddof?: number): Value;
    std(axis?: Axis | VarOptions, keepdims?: boolean, ddof?: number): Value;
    argmax(axis?: number | null, keepdims?: boolean): Value;
    argmin(axis?: number | null, keepdims?: boolean): Value;
    cumsum(axis?: number | null, dtype?: DType): Value;
    cumprod(axis?: number | null, dtype?: DType): Value;
    sort(axis?: number | null, opts?: mp.SortOptions): Value;
    argsort(axis?: number | null, opts?: mp.SortOptions): Value;
    reshape(shape: ShapeLike): Value;
    transpose(axes?: readonly number[] | null): Value;
    /** The transpose (all axes reversed). */
    readonly T: Value;
    swapaxes(axis1: number, axis2: number): Value;
    squeeze(axis?: Axis): Value;
    expandDims(axis: number | readonly number[]): Value;
    flatten(): Value;
    ravel(): Value;
    take(indices: ArrayLike, axis?: number | null, mode?: mp.TakeMode): Value;
    /** x[index]: numbers, s(start, stop, step) or ":"-strings, null (new axis), "...", integer arrays. */
    get(...index: IndexEntry[]): Value;
    /** jax's x.at[index]: x.at(i).set(v), .add(v), .multiply(v), .min(v), .max(v), .get(). */
    at(...index: IndexEntry[]): AtRef;
    /** The value of a one-element concrete array as a JS number (bool: 1 / 0). */
    item(): number;
    /** Iteration along axis 0, as JAX: `const [k1, k2] = random.split(key)`, `for (const row of x)`. */
    [Symbol.iterator](): IterableIterator<Value>;
  }
}

// Each method takes its own arguments (`never[]` admits every parameter list); they are installed,
// never called from here.
type Method = (this: Value, ...args: never[]) => unknown;

const methods: Record<string, Method> = {
  add(y: ArrayLike) {
    return m.add(this, y);
  },
  sub(y: ArrayLike) {
    return m.subtract(this, y);
  },
  mul(y: ArrayLike) {
    return m.multiply(this, y);
  },
  div(y: ArrayLike) {
    return m.divide(this, y);
  },
  floorDiv(y: ArrayLike) {
    return m.floorDivide(this, y);
  },
  mod(y: ArrayLike) {
    return m.remainder(this, y);
  },
  pow(y: ArrayLike) {
    return m.power(this, y);
  },
  matmul(y: ArrayLike) {
    return la.matmul(this, y);
  },
  neg() {
    return m.negative(this);
  },
  abs() {
    return m.abs(this);
  },
  exp() {
    return m.exp(this);
  },
  log() {
    return m.log(this);
  },
  sqrt() {
    return m.sqrt(this);
  },
  square() {
    return m.square(this);
  },
  tanh() {
    return m.tanh(this);
  },
  sigmoid() {
    return m.sigmoid(this);
  },
  round(decimals?: number) {
    return m.round(this, decimals);
  },
  clip(min?: ArrayLike | null, max?: ArrayLike | null) {
    return m.clip(this, min, max);
  },
  eq(y: ArrayLike) {
    return m.equal(this, y);
  },
  ne(y: ArrayLike) {
    return m.notEqual(this, y);
  },
  lt(y: ArrayLike) {
    return m.less(this, y);
  },
  le(y: ArrayLike) {
    return m.lessEqual(this, y);
  },
  gt(y: ArrayLike) {
    return m.greater(this, y);
  },
  ge(y: ArrayLike) {
    return m.greaterEqual(this, y);
  },
  astype(dtype: DType) {
    return m.astype(this, dtype);
  },
  sum(axis?: Axis | ReduceOptions, keepdims?: boolean) {
    return r.sum(this, axis, keepdims);
  },
  prod(axis?: Axis | ReduceOptions, keepdims?: boolean) {
    return r.prod(this, axis, keepdims);
  },
  mean(axis?: Axis | ReduceOptions, keepdims?: boolean) {
    return r.mean(this, axis, keepdims);
  },
  max(axis?: Axis | ReduceOptions, keepdims?: boolean) {
    return r.max(this, axis, keepdims);
  },
  min(axis?: Axis | ReduceOptions, keepdims?: boolean) {
    return r.min(this, axis, keepdims);
  },
  any(axis?: Axis | ReduceOptions, keepdims?: boolean) {
    return r.any(this, axis, keepdims);
  },
  all(axis?: Axis | ReduceOptions, keepdims?: boolean) {
    return r.all(this, axis, keepdims);
  },
  var(axis?: Axis | VarOptions, keepdims?: boolean, ddof?: number) {
    return r.variance(this, axis, keepdims, ddof);
  },
  std(axis?: Axis | VarOptions, keepdims?: boolean, ddof?: number) {
    return r.std(this, axis, keepdims, ddof);
  },
  argmax(axis?: number | null, keepdims?: boolean) {
    return r.argmax(this, axis, keepdims);
  },
  argmin(axis?: number | null, keepdims?: boolean) {
    return r.argmin(this, axis, keepdims);
  },
  cumsum(axis?: number | null, dtype?: DType) {
    return r.cumsum(this, axis, dtype);
  },
  cumprod(axis?: number | null, dtype?: DType) {
    return r.cumprod(this, axis, dtype);
  },
  sort(axis?: number | null, opts?: mp.SortOptions) {
    return mp.sort(this, axis, opts);
  },
  argsort(axis?: number | null, opts?: mp.SortOptions) {
    return mp.argsort(this, axis, opts);
  },
  reshape(shape: ShapeLike) {
    return mp.reshape(this, shape);
  },
  transpose(axes?: readonly number[] | null) {
    return mp.transpose(this, axes);
  },
  swapaxes(axis1: number, axis2: number) {
    return mp.swapaxes(this, axis1, axis2);
  },
  squeeze(axis?: Axis) {
    return mp.squeeze(this, axis);
  },
  expandDims(axis: number | readonly number[]) {
    return mp.expandDims(this, axis);
  },
  flatten() {
    return mp.ravel(this);
  },
  ravel() {
    return mp.ravel(this);
  },
  take(indices: ArrayLike, axis?: number | null, mode?: mp.TakeMode) {
    return mp.take(this, indices, axis, mode);
  },
  get(...index: IndexEntry[]) {
    return ix.get(this, ...index);
  },
  at(...index: IndexEntry[]) {
    return ix.at(this, ...index);
  },
  item() {
    if (!(this instanceof ConcreteArray))
      throw new Error(`item(): a traced value (${this.aval}) has no concrete value while tracing; return it from the jitted function instead`);
    if (this.size !== 1) throw new TypeError(`item(): only one-element arrays convert to a number; this one has shape [${this.shape.join(", ")}]`);
    return toNumbers({ aval: this.aval, data: this.dataSync() })[0]!;
  },
};

// x[0], x[1], ... (a 0-d array has no axis to iterate along: an error, as in JAX).
function* iterate(this: Value): IterableIterator<Value> {
  if (this.ndim === 0) throw new TypeError(`iteration over a 0-d array (${this.aval}): it has no axis 0; use x.item() for its number`);
  const n = this.shape[0]!;
  for (let i = 0; i < n; i++) yield ix.get(this, i);
}

let installed = false;

/** Puts the methods on Value.prototype (idempotent). */
export function installMethods(): void {
  if (installed) return;
  installed = true;
  for (const [name, fn] of Object.entries(methods))
    Object.defineProperty(Value.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(Value.prototype, Symbol.iterator, { value: iterate, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(Value.prototype, "T", {
    get(this: Value) {
      return mp.transpose(this);
    },
    configurable: true,
    enumerable: false,
  });
}

installMethods();
