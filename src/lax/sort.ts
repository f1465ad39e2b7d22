// Sorting: `sort` of N operands along one dimension by their first numKeys operands
// (lexicographically), and `top_k` along the last axis. Float keys use a total order:
// -0 equals 0, every NaN equals every other NaN and sorts above +inf (numpy's "NaN last").
import { ShapedArray, shapeEq, shapeStr, stridesOf } from "../core/aval.js";
import { definePrimitive } from "../core/primitive.js";
import { bind } from "../core/trace.js";
import type { Value } from "../core/values.js";
import { toNumbers, type HostArray } from "../core/host.js";
import { tensorType, type LowerCtx } from "../core/lowering.js";
import type { DType } from "../xla/dtype.js";
import { checkArity, isFloatDtype, newHost, out, primError } from "./util.js";
import { binop, cmp, iota, sliceAxis } from "./reduce.js";

// --- the comparator -----------------------------------------------------------------------

/** Signed integer type of the float's width, its max, and the canonical +NaN bit pattern. */
const FLOAT_BITS: Partial<Record<DType, { int: string; max: string; nan: string }>> = {
  float16: { int: "i16", max: "32767", nan: String(0x7e00) },
  bfloat16: { int: "i16", max: "32767", nan: String(0x7fc0) },
  float32: { int: "i32", max: String(2 ** 31 - 1), nan: String(0x7fc00000) },
  float64: { int: "i64", max: (2n ** 63n - 1n).toString(), nan: (0x7ff8n << 48n).toString() },
};

/**
 * Maps a scalar float to a signed integer whose order is the float total order above: the
 * bits, with -0 and NaNs standardized, negatives flipped (max - bits, wrapping) so that
 * they order below the positives and among themselves by magnitude.
 */
function totalOrderKey(ctx: LowerCtx, x: string, d: DType): string {
  const fb = FLOAT_BITS[d]!;
  const ft = tensorType({ shape: [], dtype: d });
  const it = `tensor<${fb.int}>`;
  const bt = "tensor<i1>";
  const s = new ShapedArray([], d);
  const c = (lit: string) => ctx.op("stablehlo.constant", [], [], [it], { attrs: `value = dense<${lit}> : ${it}` })[0]!;
  const sel = (p: string, a: string, b: string) => ctx.op("stablehlo.select", [p, a, b], [bt, it, it], [it])[0]!;
  const bits = ctx.op("stablehlo.bitcast_convert", [x], [ft], [it])[0]!;
  const zero = c("0");
  const fzero = ctx.constant(0, s);
  let k = sel(cmp(ctx, "EQ", x, fzero, s), zero, bits);
  k = sel(cmp(ctx, "NE", x, x, s), c(fb.nan), k);
  const neg = ctx.op("stablehlo.compare", [k, zero], [it, it], [bt], {
    attrs: `comparison_direction = #stablehlo<comparison_direction LT>, compare_type = #stablehlo<comparison_type SIGNED>`,
  })[0]!;
  const flipped = ctx.op("stablehlo.subtract", [c(fb.max), k], [it, it], [it])[0]!;
  return sel(neg, flipped, k);
}

function signedLess(ctx: LowerCtx, dir: "LT" | "EQ", a: string, b: string, t: string): string {
  return ctx.op("stablehlo.compare", [a, b], [t, t], ["tensor<i1>"], {
    attrs: `comparison_direction = #stablehlo<comparison_direction ${dir}>, compare_type = #stablehlo<comparison_type SIGNED>`,
  })[0]!;
}

/**
 * The comparator region for stablehlo.sort: block args are (lhs0, rhs0, lhs1, rhs1, ...);
 * returns lhs < rhs (or > when descending) comparing the first numKeys operands in turn.
 */
function comparator(ctx: LowerCtx, dtypes: DType[], numKeys: number, descending: boolean): string {
  const args = dtypes.flatMap((d) => [new ShapedArray([], d), new ShapedArray([], d)]);
  const b = new ShapedArray([], "bool");
  return ctx.block(args, [b], (xs) => {
    let p: string | undefined;
    for (let k = numKeys - 1; k >= 0; k--) {
      const d = dtypes[k]!;
      let [l, r] = [xs[2 * k]!, xs[2 * k + 1]!];
      if (descending) [l, r] = [r, l];
      let lt: string, eq: string;
      if (isFloatDtype(d)) {
        const it = `tensor<${FLOAT_BITS[d]!.int}>`;
        const kl = totalOrderKey(ctx, l, d);
        const kr = totalOrderKey(ctx, r, d);
        lt = signedLess(ctx, "LT", kl, kr, it);
        eq = p === undefined ? "" : signedLess(ctx, "EQ", kl, kr, it);
      } else {
        const s = new ShapedArray([], d);
        lt = cmp(ctx, "LT", l, r, s);
        eq = p === undefined ? "" : cmp(ctx, "EQ", l, r, s);
      }
      p = p === undefined ? lt : binop(ctx, "stablehlo.or", lt, binop(ctx, "stablehlo.and", eq, p, b), b);
    }
    return [p!];
  });
}

function emitSort(ctx: LowerCtx, xs: string[], avals: ShapedArray[], dimension: number, isStable: boolean, numKeys: number, descending: boolean): string[] {
  const region = comparator(ctx, avals.map((a) => a.dtype), numKeys, descending);
  const types = avals.map(tensorType);
  return ctx.op("stablehlo.sort", xs, types, types, {
    regions: [region],
    attrs: `dimension = ${dimension} : i64, is_stable = ${isStable}`,
  });
}

// --- ref ----------------------------------------------------------------------------------

/** Total-order comparison of two keys (numbers or bigints): NaN last, -0 == 0. */
function keyCmp(a: number | bigint, b: number | bigint): number {
  const an = a !== a;
  const bn = b !== b;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function keysOf(h: HostArray): ArrayLike<number | bigint> {
  return h.aval.dtype === "int64" ? (h.data as BigInt64Array) : toNumbers(h);
}

/** Sorts every line along `dim`; returns, per output element, the flat source index. */
function sortPerm(shape: readonly number[], dim: number, keys: ArrayLike<number | bigint>[], descending: boolean): Int32Array {
  const n = shape[dim]!;
  const inner = stridesOf(shape)[dim]!;
  const size = shape.reduce((a, b) => a * b, 1);
  const outer = n === 0 ? 0 : size / (n * inner);
  const perm = new Int32Array(size);
  const line = Array.from({ length: n }, (_, i) => i);
  for (let p = 0; p < outer; p++)
    for (let q = 0; q < inner; q++) {
      const base = p * n * inner + q;
      const order = line.slice().sort((i, j) => {
        const [a, b] = descending ? [j, i] : [i, j];
        for (const k of keys) {
          const c = keyCmp(k[base + a * inner]!, k[base + b * inner]!);
          if (c !== 0) return c;
        }
        return 0; // Array.prototype.sort is stable: ties keep their order
      });
      for (let i = 0; i < n; i++) perm[base + i * inner] = base + order[i]! * inner;
    }
  return perm;
}

function permute(h: HostArray, perm: Int32Array, o: ShapedArray): HostArray {
  const r = newHost(o);
  const src = h.data as { [i: number]: number | bigint };
  const dst = r.data as { [i: number]: number | bigint };
  for (let i = 0; i < perm.length; i++) dst[i] = src[perm[i]!]!;
  return r;
}

// --- primitives ---------------------------------------------------------------------------

interface SortParams {
  dimension: number;
  isStable: boolean;
  numKeys: number;
}

export const sortP = definePrimitive<SortParams>({
  name: "sort",
  abstractEval(avals, { dimension, numKeys }) {
    if (avals.length === 0) throw primError("sort", "needs at least one operand");
    const a = avals[0]!;
    for (const b of avals)
      if (!shapeEq(a.shape, b.shape))
        throw primError("sort", `operands must have equal shapes, got ${avals.map((v) => shapeStr(v.shape)).join(" and ")}`);
    if (!Number.isInteger(dimension) || dimension < 0 || dimension >= a.ndim)
      throw primError("sort", `dimension ${dimension} is out of range for operands of shape ${shapeStr(a.shape)}`);
    if (!Number.isInteger(numKeys) || numKeys < 1 || numKeys > avals.length)
      throw primError("sort", `numKeys must be between 1 and the number of operands (${avals.length}), got ${numKeys}`);
    return avals.map((v) => out(v.shape, v.dtype, v.weakType));
  },
  lower(ctx, xs, avals, _o, { dimension, isStable, numKeys }) {
    return emitSort(ctx, xs, avals, dimension, isStable, numKeys, false);
  },
  ref(xs, { dimension, numKeys }, outs) {
    const perm = sortPerm(xs[0]!.aval.shape, dimension, xs.slice(0, numKeys).map(keysOf), false);
    return xs.map((x, i) => permute(x, perm, outs[i]!));
  },
});

/** The k largest entries along the last axis, descending (ties: lower index first), and their int32 indices. */
export const topKP = definePrimitive<{ k: number }>({
  name: "top_k",
  abstractEval(avals, { k }) {
    checkArity("top_k", avals, 1);
    const a = avals[0]!;
    if (a.ndim < 1) throw primError("top_k", `operand must have rank >= 1, got shape ${shapeStr(a.shape)}`);
    const n = a.shape[a.ndim - 1]!;
    if (!Number.isInteger(k) || k < 0 || k > n)
      throw primError("top_k", `k must be an integer in [0, ${n}] (the last axis of shape ${shapeStr(a.shape)}), got ${k}`);
    if (a.dtype === "bool") throw primError("top_k", `operand must be numeric, got ${a}`);
    const shape = [...a.shape.slice(0, -1), k];
    return [out(shape, a.dtype), out(shape, "int32")];
  },
  lower(ctx, [x], [a], _o, { k }) {
    const dim = a!.ndim - 1;
    const ia = new ShapedArray(a!.shape, "int32");
    const [v, i] = emitSort(ctx, [x!, iota(ctx, ia, dim)], [a!, ia], dim, true, 1, true);
    if (k === a!.shape[dim]) return [v!, i!];
    return [sliceAxis(ctx, v!, a!, dim, 0, k)[0], sliceAxis(ctx, i!, ia, dim, 0, k)[0]];
  },
  ref([x], { k }, [ov, oi]) {
    const shape = x!.aval.shape;
    const dim = shape.length - 1;
    const n = shape[dim]!;
    const perm = sortPerm(shape, dim, [keysOf(x!)], true);
    const v = newHost(ov!);
    const idx = newHost(oi!);
    const src = x!.data as { [i: number]: number | bigint };
    const dv = v.data as { [i: number]: number | bigint };
    const di = idx.data as Int32Array;
    const rows = n === 0 ? 0 : x!.aval.size / n;
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < k; j++) {
        const from = perm[r * n + j]!;
        dv[r * k + j] = src[from]!;
        di[r * k + j] = from - r * n;
      }
    return [v, idx];
  },
});

// --- the lax face -------------------------------------------------------------------------

export interface SortOptions {
  /** Axis to sort along (negative counts from the end); default -1. */
  dimension?: number;
  isStable?: boolean;
  /** How many leading operands are keys (compared lexicographically); default 1. */
  numKeys?: number;
}

function sort(x: Value, opts?: SortOptions): Value;
function sort(xs: Value[], opts?: SortOptions): Value[];
function sort(x: Value | Value[], opts: SortOptions = {}): Value | Value[] {
  const xs = Array.isArray(x) ? x : [x];
  if (xs.length === 0) throw primError("sort", "needs at least one operand");
  const nd = xs[0]!.ndim;
  let dimension = opts.dimension ?? -1;
  if (!Number.isInteger(dimension) || dimension < -nd || dimension >= nd)
    throw primError("sort", `dimension ${dimension} is out of range for operands of rank ${nd}`);
  if (dimension < 0) dimension += nd;
  const outs = bind(sortP, xs, { dimension, isStable: opts.isStable ?? true, numKeys: opts.numKeys ?? 1 });
  return Array.isArray(x) ? outs : outs[0]!;
}

export const sortLax = {
  sort,
  /** [values, int32 indices] of the k largest entries along the last axis. */
  topK: (x: Value, k: number): [Value, Value] => {
    const [v, i] = bind(topKP, [x], { k });
    return [v!, i!];
  },
};
