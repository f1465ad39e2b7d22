// Reductions: sum/max/min/prod/and/or over a set of axes, argmax/argmin along one axis, and
// cumulative sum/prod/max/min along one axis. Reduced axes are dropped (keepdims is numpy's).
import { ShapedArray, shapeStr, stridesOf } from "../core/aval.js";
import { definePrimitive, type Primitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import type { Value } from "../core/values.js";
import { fromNumbers, toNumbers, type HostArray } from "../core/host.js";
import { tensorType, type LowerCtx } from "../core/lowering.js";
import type { DType } from "../xla/dtype.js";
import { checkArity, checkDtype, forEachIndex, i64Array, isFloatDtype, isIntDtype, isUnsignedDtype, newHost, out, primError, type DtypeClass } from "./util.js";

// --- StableHLO emission helpers (shared with sort.ts) ------------------------------------

export function compareType(d: DType): string {
  return isFloatDtype(d) ? "FLOAT" : d === "bool" || isUnsignedDtype(d) ? "UNSIGNED" : "SIGNED";
}

/** Elementwise comparison of two values of aval `a`; the result is bool of the same shape. */
export function cmp(ctx: LowerCtx, dir: "EQ" | "NE" | "LT" | "LE" | "GT" | "GE", x: string, y: string, a: ShapedArray): string {
  const attrs = `comparison_direction = #stablehlo<comparison_direction ${dir}>, compare_type = #stablehlo<comparison_type ${compareType(a.dtype)}>`;
  return ctx.op1("stablehlo.compare", [x, y], [a, a], new ShapedArray(a.shape, "bool"), { attrs });
}

export function binop(ctx: LowerCtx, name: string, x: string, y: string, a: ShapedArray): string {
  return ctx.op1(name, [x, y], [a, a], a);
}

export function select(ctx: LowerCtx, p: string, x: string, y: string, a: ShapedArray): string {
  return ctx.op1("stablehlo.select", [p, x, y], [new ShapedArray(a.shape, "bool"), a, a], a);
}

export function iota(ctx: LowerCtx, a: ShapedArray, dim: number): string {
  return ctx.op("stablehlo.iota", [], [], [tensorType(a)], { attrs: `iota_dimension = ${dim} : i64` })[0]!;
}

export function sliceAxis(ctx: LowerCtx, x: string, a: ShapedArray, axis: number, start: number, limit: number, stride = 1): [string, ShapedArray] {
  const starts = a.shape.map((_, d) => (d === axis ? start : 0));
  const limits = a.shape.map((n, d) => (d === axis ? limit : n));
  const strides = a.shape.map((_, d) => (d === axis ? stride : 1));
  const shape = a.shape.map((n, d) => (d === axis ? Math.max(0, Math.ceil((limit - start) / stride)) : n));
  const o = new ShapedArray(shape, a.dtype);
  const attrs = `start_indices = ${i64Array(starts)}, limit_indices = ${i64Array(limits)}, strides = ${i64Array(strides)}`;
  return [ctx.op1("stablehlo.slice", [x], [a], o, { attrs }), o];
}

export function concat(ctx: LowerCtx, xs: string[], avals: ShapedArray[], axis: number): [string, ShapedArray] {
  const shape = avals[0]!.shape.map((n, d) => (d === axis ? avals.reduce((s, a) => s + a.shape[d]!, 0) : n));
  const o = new ShapedArray(shape, avals[0]!.dtype);
  return [ctx.op1("stablehlo.concatenate", xs, avals, o, { attrs: `dimension = ${axis} : i64` }), o];
}

export function reshape(ctx: LowerCtx, x: string, a: ShapedArray, shape: number[]): [string, ShapedArray] {
  const o = new ShapedArray(shape, a.dtype);
  return [ctx.op1("stablehlo.reshape", [x], [a], o), o];
}

export function reverse(ctx: LowerCtx, x: string, a: ShapedArray, axes: number[]): string {
  return ctx.op1("stablehlo.reverse", [x], [a], a, { attrs: `dimensions = ${i64Array(axes)}` });
}

/** A splat constant given as an MLIR literal (hex bit patterns for half-precision infinities). */
function constLit(ctx: LowerCtx, lit: string, a: ShapedArray): string {
  const t = tensorType(a);
  return ctx.op("stablehlo.constant", [], [], [t], { attrs: `value = dense<${lit}> : ${t}` })[0]!;
}

const HALF_INF: Partial<Record<DType, [string, string]>> = { float16: ["0xFC00", "0x7C00"], bfloat16: ["0xFF80", "0x7F80"] };

/** +inf / -inf for floats, the dtype's max / min for integers, true / false for bool. */
export function extremeConst(ctx: LowerCtx, a: ShapedArray, sign: 1 | -1): string {
  const d = a.dtype;
  const half = HALF_INF[d];
  if (half) return constLit(ctx, half[sign > 0 ? 1 : 0], a);
  if (isFloatDtype(d)) return ctx.constant(sign * Infinity, a);
  if (d === "bool") return ctx.constant(sign > 0, a);
  if (d === "int64") return ctx.constant(sign > 0 ? 2n ** 63n - 1n : -(2n ** 63n), a);
  const [lo, hi] = INT_RANGE[d]!;
  return ctx.constant(sign > 0 ? hi : lo, a);
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};

// --- reductions over axes ---------------------------------------------------------------

export type ReduceKind = "sum" | "max" | "min" | "prod" | "and" | "or";

const KIND_MLIR: Record<ReduceKind, string> = {
  sum: "stablehlo.add",
  max: "stablehlo.maximum",
  min: "stablehlo.minimum",
  prod: "stablehlo.multiply",
  and: "stablehlo.and",
  or: "stablehlo.or",
};
const KIND_CLASS: Record<ReduceKind, DtypeClass> = { sum: "num", prod: "num", max: "any", min: "any", and: "intOrBool", or: "intOrBool" };

/**
 * One combining step. Float max/min propagate NaN explicitly: the CPU plugin's
 * maximum(1, NaN) returns 1 under its default compile options.
 */
function combine(ctx: LowerCtx, kind: ReduceKind, p: string, q: string, a: ShapedArray): string {
  const r = binop(ctx, KIND_MLIR[kind], p, q, a);
  if ((kind !== "max" && kind !== "min") || !isFloatDtype(a.dtype)) return r;
  return select(ctx, cmp(ctx, "NE", p, p, a), p, select(ctx, cmp(ctx, "NE", q, q, a), q, r, a), a);
}

function identityConst(ctx: LowerCtx, kind: ReduceKind, a: ShapedArray): string {
  const d = a.dtype;
  switch (kind) {
    case "sum":
      return ctx.constant(0, a);
    case "prod":
      return ctx.constant(1, a);
    case "max":
      return extremeConst(ctx, a, -1);
    case "min":
      return extremeConst(ctx, a, 1);
    case "or":
      return ctx.constant(d === "bool" ? false : 0, a);
    case "and":
      // all bits set
      if (d === "bool") return ctx.constant(true, a);
      return isUnsignedDtype(d) ? extremeConst(ctx, a, 1) : ctx.constant(d === "int64" ? -1n : -1, a);
  }
}

/** Scalar combine functions on JS numbers; integer results are wrapped by the typed array on write. */
function combineNum(kind: ReduceKind, d: DType): (a: number, b: number) => number {
  const int = isIntDtype(d);
  switch (kind) {
    case "sum":
      return int ? (a, b) => (a + b) | 0 : d === "bool" ? (a, b) => a | b : (a, b) => a + b;
    case "prod":
      return int ? Math.imul : (a, b) => a * b;
    case "max":
      return (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b);
    case "min":
      return (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b);
    case "and":
      return (a, b) => a & b;
    case "or":
      return (a, b) => a | b;
  }
}
function combineBig(kind: ReduceKind): (a: bigint, b: bigint) => bigint {
  switch (kind) {
    case "sum":
      return (a, b) => BigInt.asIntN(64, a + b);
    case "prod":
      return (a, b) => BigInt.asIntN(64, a * b);
    case "max":
      return (a, b) => (a > b ? a : b);
    case "min":
      return (a, b) => (a < b ? a : b);
    case "and":
      return (a, b) => a & b;
    case "or":
      return (a, b) => a | b;
  }
}
function identityNum(kind: ReduceKind, d: DType): number {
  switch (kind) {
    case "sum":
    case "or":
      return 0;
    case "prod":
      return 1;
    case "and":
      return d === "bool" ? 1 : -1;
    case "max":
      return isFloatDtype(d) ? -Infinity : d === "bool" ? 0 : INT_RANGE[d]![0];
    case "min":
      return isFloatDtype(d) ? Infinity : d === "bool" ? 1 : INT_RANGE[d]![1];
  }
}
function identityBig(kind: ReduceKind): bigint {
  return { sum: 0n, or: 0n, prod: 1n, and: -1n, max: -(2n ** 63n), min: 2n ** 63n - 1n }[kind];
}

/** For each input element, the flat index of the output element it folds into. */
function outIndexMap(shape: readonly number[], axes: readonly number[]): Int32Array {
  const keep = shape.map((_, d) => !axes.includes(d));
  const oshape = shape.filter((_, d) => keep[d]);
  const ost = stridesOf(oshape);
  const st: number[] = [];
  let k = 0;
  shape.forEach((_, d) => st.push(keep[d] ? ost[k++]! : 0));
  const map = new Int32Array(shape.reduce((a, b) => a * b, 1));
  forEachIndex(shape, (flat, idx) => {
    let o = 0;
    for (let d = 0; d < idx.length; d++) o += idx[d]! * st[d]!;
    map[flat] = o;
  });
  return map;
}

function reduceRef(kind: ReduceKind, x: HostArray, axes: readonly number[], o: ShapedArray): HostArray {
  const map = outIndexMap(x.aval.shape, axes);
  const d = x.aval.dtype;
  if (d === "int64") {
    const f = combineBig(kind);
    const r = newHost(o);
    const acc = r.data as BigInt64Array;
    acc.fill(identityBig(kind));
    const src = x.data as BigInt64Array;
    for (let i = 0; i < map.length; i++) acc[map[i]!] = f(acc[map[i]!]!, src[i]!);
    return r;
  }
  const f = combineNum(kind, d);
  const acc = new Float64Array(o.size).fill(identityNum(kind, d));
  const src = toNumbers(x);
  for (let i = 0; i < map.length; i++) acc[map[i]!] = f(acc[map[i]!]!, src[i]!);
  return fromNumbers(acc, o.shape, o.dtype, o.weakType);
}

function checkAxes(prim: string, axes: readonly number[], a: ShapedArray): void {
  if (!Array.isArray(axes)) throw primError(prim, `axes must be an array of integers, got ${String(axes)}`);
  for (let i = 0; i < axes.length; i++) {
    const ax = axes[i]!;
    if (!Number.isInteger(ax) || ax < 0 || ax >= a.ndim)
      throw primError(prim, `axis ${ax} is out of range for an operand of shape ${shapeStr(a.shape)}`);
    if (i > 0 && ax <= axes[i - 1]!) throw primError(prim, `axes must be sorted and distinct, got [${axes.join(", ")}]`);
  }
}

function defReduce(kind: ReduceKind): Primitive<{ axes: number[] }> {
  const name = `reduce_${kind}`;
  return definePrimitive<{ axes: number[] }>({
    name,
    abstractEval(avals, { axes }) {
      checkArity(name, avals, 1);
      const a = avals[0]!;
      checkDtype(name, "operand", a, KIND_CLASS[kind]);
      checkAxes(name, axes, a);
      return [out(a.shape.filter((_, d) => !axes.includes(d)), a.dtype, a.weakType)];
    },
    lower(ctx, [x], [a], [o], { axes }) {
      if (axes.length === 0) return [x!];
      const s = new ShapedArray([], a!.dtype);
      const init = identityConst(ctx, kind, s);
      const body = ctx.block([s, s], [s], ([p, q]) => [combine(ctx, kind, p!, q!, s)]);
      return ctx.op("stablehlo.reduce", [x!, init], [tensorType(a!), tensorType(s)], [tensorType(o!)], {
        regions: [body],
        attrs: `dimensions = ${i64Array(axes)}`,
      });
    },
    ref([x], { axes }, [o]) {
      return [reduceRef(kind, x!, axes, o!)];
    },
  });
}

export const reduceSumP = defReduce("sum");
export const reduceMaxP = defReduce("max");
export const reduceMinP = defReduce("min");
export const reduceProdP = defReduce("prod");
export const reduceAndP = defReduce("and");
export const reduceOrP = defReduce("or");

// --- argmax / argmin --------------------------------------------------------------------

interface ArgParams {
  axis: number;
  indexDtype: DType;
}

/**
 * Lowered as a variadic reduce over (value, index) pairs. The comparator is a total order
 * (NaN above everything, ties broken by the lower index), so it is associative and
 * commutative and any reduction order gives numpy's "first occurrence" answer.
 */
function defArg(isMax: boolean): Primitive<ArgParams> {
  const name = isMax ? "argmax" : "argmin";
  return definePrimitive<ArgParams>({
    name,
    abstractEval(avals, { axis, indexDtype }) {
      checkArity(name, avals, 1);
      const a = avals[0]!;
      if (!Number.isInteger(axis) || axis < 0 || axis >= a.ndim)
        throw primError(name, `axis ${axis} is out of range for an operand of shape ${shapeStr(a.shape)}`);
      if (a.shape[axis] === 0) throw primError(name, `cannot take the ${name} of an empty axis (axis ${axis} of shape ${shapeStr(a.shape)})`);
      if (!isIntDtype(indexDtype)) throw primError(name, `indexDtype must be an integer dtype, got ${indexDtype}`);
      return [out(a.shape.filter((_, d) => d !== axis), indexDtype)];
    },
    lower(ctx, [x], [a], [o], { axis, indexDtype }) {
      const ia = new ShapedArray(a!.shape, indexDtype);
      const idx = iota(ctx, ia, axis);
      const sv = new ShapedArray([], a!.dtype);
      const si = new ShapedArray([], indexDtype);
      const initV = extremeConst(ctx, sv, isMax ? -1 : 1);
      const initI = ctx.constant(0, si);
      const float = isFloatDtype(a!.dtype);
      const body = ctx.block([sv, si, sv, si], [sv, si], ([v1, i1, v2, i2]) => {
        const b = new ShapedArray([], "bool");
        const or = (p: string, q: string) => binop(ctx, "stablehlo.or", p, q, b);
        const and = (p: string, q: string) => binop(ctx, "stablehlo.and", p, q, b);
        let better = cmp(ctx, isMax ? "GT" : "LT", v1!, v2!, sv);
        let same = cmp(ctx, "EQ", v1!, v2!, sv);
        if (float) {
          const n1 = cmp(ctx, "NE", v1!, v1!, sv);
          const n2 = cmp(ctx, "NE", v2!, v2!, sv);
          const notN2 = ctx.op1("stablehlo.not", [n2], [b], b);
          better = or(better, and(n1, notN2));
          same = or(same, and(n1, n2));
        }
        const pick = or(better, and(same, cmp(ctx, "LT", i1!, i2!, si)));
        return [select(ctx, pick, v1!, v2!, sv), select(ctx, pick, i1!, i2!, si)];
      });
      const r = ctx.op(
        "stablehlo.reduce",
        [x!, idx, initV, initI],
        [tensorType(a!), tensorType(ia), tensorType(sv), tensorType(si)],
        [tensorType(new ShapedArray(o!.shape, a!.dtype)), tensorType(o!)],
        { regions: [body], attrs: `dimensions = ${i64Array([axis])}` },
      );
      return [r[1]!];
    },
    ref([x], { axis }, [o]) {
      const shape = x!.aval.shape;
      const n = shape[axis]!;
      const inner = stridesOf(shape)[axis]!;
      const outer = x!.aval.size / (n * inner);
      const big = x!.aval.dtype === "int64";
      const v = (big ? x!.data : toNumbers(x!)) as ArrayLike<number>; // bigints compare alike
      const res = new Float64Array(o!.size);
      for (let p = 0; p < outer; p++)
        for (let q = 0; q < inner; q++) {
          const base = p * n * inner + q;
          let best = 0;
          for (let i = 1; i < n; i++) {
            const c = v[base + i * inner]!;
            const b = v[base + best * inner]!;
            if (b !== b) break; // NaN found first: it wins
            if (c !== c || (isMax ? c > b : c < b)) best = i;
          }
          res[p * inner + q] = best;
        }
      return [fromNumbers(res, o!.shape, o!.dtype)];
    },
  });
}

export const argmaxP = defArg(true);
export const argminP = defArg(false);

// --- cumulative reductions --------------------------------------------------------------

type CumKind = "sum" | "prod" | "max" | "min";
interface CumParams {
  axis: number;
  reverse: boolean;
}

/**
 * Inclusive prefix scan along `axis` by the recursive odd/even scheme (log depth, O(n) work):
 * combine adjacent pairs, scan those, then fill in the even positions and interleave.
 */
function scanLower(ctx: LowerCtx, kind: CumKind, x: string, a: ShapedArray, axis: number): string {
  const n = a.shape[axis]!;
  if (n < 2) return x;
  const op = (p: string, q: string, t: ShapedArray) => combine(ctx, kind, p, q, t);
  const m = Math.floor(n / 2);
  const [ev, evA] = sliceAxis(ctx, x, a, axis, 0, n - 1, 2);
  const [od] = sliceAxis(ctx, x, a, axis, 1, n, 2);
  const pairs = op(ev, od, evA);
  const odd = scanLower(ctx, kind, pairs, evA, axis); // prefixes ending at 1, 3, 5, ...
  const [first, firstA] = sliceAxis(ctx, x, a, axis, 0, 1);
  let even = first;
  let evenA = firstA;
  const rest = Math.ceil(n / 2) - 1; // even positions 2, 4, ...
  if (rest > 0) {
    const [xs, xsA] = sliceAxis(ctx, x, a, axis, 2, n, 2);
    const [prev] = sliceAxis(ctx, odd, evA, axis, 0, rest);
    [even, evenA] = concat(ctx, [first, op(prev, xs, xsA)], [firstA, xsA], axis);
  }
  // Interleave even (length ce) and odd (length m): pad odd to ce, stack on a new axis, merge.
  const ce = evenA.shape[axis]!;
  let oddP = odd;
  if (ce > m) {
    const [last] = sliceAxis(ctx, even, evenA, axis, ce - 1, ce);
    oddP = concat(ctx, [odd, last], [evA, firstA], axis)[0];
  }
  const stackShape = [...a.shape.slice(0, axis), ce, 1, ...a.shape.slice(axis + 1)];
  const [e1, e1A] = reshape(ctx, even, evenA, stackShape);
  const [o1] = reshape(ctx, oddP, evenA, stackShape);
  const [both, bothA] = concat(ctx, [e1, o1], [e1A, e1A], axis + 1);
  const merged = a.shape.map((s, d) => (d === axis ? 2 * ce : s));
  const [flat, flatA] = reshape(ctx, both, bothA, merged);
  return 2 * ce === n ? flat : sliceAxis(ctx, flat, flatA, axis, 0, n)[0];
}

function defCum(kind: CumKind): Primitive<CumParams> {
  const name = `cum${kind}`;
  return definePrimitive<CumParams>({
    name,
    abstractEval(avals, { axis }) {
      checkArity(name, avals, 1);
      const a = avals[0]!;
      checkDtype(name, "operand", a, kind === "sum" || kind === "prod" ? "num" : "any");
      if (!Number.isInteger(axis) || axis < 0 || axis >= a.ndim)
        throw primError(name, `axis ${axis} is out of range for an operand of shape ${shapeStr(a.shape)}`);
      return [a];
    },
    lower(ctx, [x], [a], _o, { axis, reverse: rev }) {
      const t = new ShapedArray(a!.shape, a!.dtype);
      if (!rev) return [scanLower(ctx, kind, x!, t, axis)];
      const r = scanLower(ctx, kind, reverse(ctx, x!, t, [axis]), t, axis);
      return [reverse(ctx, r, t, [axis])];
    },
    ref([x], { axis, reverse }, [o]) {
      const shape = x!.aval.shape;
      const n = shape[axis]!;
      const inner = stridesOf(shape)[axis]!;
      const outer = n === 0 ? 0 : x!.aval.size / (n * inner);
      const big = x!.aval.dtype === "int64";
      const src = big ? (x!.data as BigInt64Array) : toNumbers(x!);
      const dst = big ? new BigInt64Array(src.length) : new Float64Array(src.length);
      const f = (big ? combineBig(kind) : combineNum(kind, x!.aval.dtype)) as (p: unknown, q: unknown) => never;
      for (let p = 0; p < outer; p++)
        for (let q = 0; q < inner; q++)
          for (let k = 0; k < n; k++) {
            const i = reverse ? n - 1 - k : k;
            const at = p * n * inner + q + i * inner;
            dst[at] = k === 0 ? src[at]! : f(dst[at + (reverse ? inner : -inner)], src[at]);
          }
      if (big) return [{ aval: o!, data: dst }];
      return [fromNumbers(dst as Float64Array, o!.shape, o!.dtype, o!.weakType)];
    },
  });
}

export const cumsumP = defCum("sum");
export const cumprodP = defCum("prod");
export const cummaxP = defCum("max");
export const cumminP = defCum("min");

// --- the lax face -------------------------------------------------------------------------

function normAxis(prim: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) throw primError(prim, `axis ${axis} is out of range for an operand of rank ${ndim}`);
  return axis < 0 ? axis + ndim : axis;
}

/** Normalizes negative axes and sorts them (duplicates are an error). */
function normAxes(prim: string, axes: readonly number[], ndim: number): number[] {
  const r = axes.map((a) => normAxis(prim, a, ndim)).sort((p, q) => p - q);
  for (let i = 1; i < r.length; i++) if (r[i] === r[i - 1]) throw primError(prim, `axis ${r[i]} is repeated in [${axes.join(", ")}]`);
  return r;
}

const red = (p: Primitive<{ axes: number[] }>) => (x: Value, axes: readonly number[]) => bind1(p, [x], { axes: normAxes(p.name, axes, x.ndim) });
const cum = (p: Primitive<CumParams>) => (x: Value, axis: number, reverse = false) => bind1(p, [x], { axis: normAxis(p.name, axis, x.ndim), reverse });

export const reduceLax = {
  reduceSum: red(reduceSumP),
  reduceMax: red(reduceMaxP),
  reduceMin: red(reduceMinP),
  reduceProd: red(reduceProdP),
  reduceAnd: red(reduceAndP),
  reduceOr: red(reduceOrP),
  argmax: (x: Value, axis: number, indexDtype: DType = "int32") => bind1(argmaxP, [x], { axis: normAxis("argmax", axis, x.ndim), indexDtype }),
  argmin: (x: Value, axis: number, indexDtype: DType = "int32") => bind1(argminP, [x], { axis: normAxis("argmin", axis, x.ndim), indexDtype }),
  cumsum: cum(cumsumP),
  cumprod: cum(cumprodP),
  cummax: cum(cummaxP),
  cummin: cum(cumminP),
};
