// VJP and batching rules of the reductions, after JAX's (lax.py reducers, control_flow
// cumred rules). Rules use lax primitives only, so they are differentiable and batchable.
import { defineRules, type BatchRule, type ParamsOf, type Primitive, type Rules } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { vjp, zerosLike } from "../core/ad.js";
import type { Value } from "../core/values.js";
import type { DType } from "../xla/dtype.js";
import { lax as ew } from "./elementwise.js";
import { convert } from "./convert.js";
import { scalarConst, shapeLax as L } from "./shape.js";
import { gatherLax } from "./gather.js";
import * as R from "./reduce.js";

const range = (n: number) => [...Array(n).keys()];
const zeros = (x: Value) => zerosLike(x.aval);
const keptDims = (ndim: number, axes: readonly number[]) => range(ndim).filter((d) => !axes.includes(d));
const asDtype = (x: Value, dtype: DType) => (x.dtype === dtype ? x : bind1(convert, [x], { dtype }));
/** The physical position of logical axis a of a value whose batch axis sits at b. */
const phys = (a: number, b: number) => (a < b ? a : a + 1);

/**
 * Adds `updates` into `operand` at `indices` along `axis` (every other axis pairs up
 * elementwise): operand[..., indices[..., j, ...], ...] += updates[..., j, ...]. The transpose
 * of take-along-axis.
 */
export function addAlongAxis(operand: Value, indices: Value, updates: Value, axis: number, unique = false): Value {
  const others = range(operand.ndim).filter((d) => d !== axis);
  const dn = {
    updateWindowDims: [],
    insertedWindowDims: [axis],
    scatterDimsToOperandDims: [axis],
    operandBatchingDims: others,
    scatterIndicesBatchingDims: others,
    indexVectorDim: indices.ndim,
  };
  return gatherLax.scatterAdd(operand, indices, updates, dn, { uniqueIndices: unique });
}

// --- reduce_* ---------------------------------------------------------------------------

const sumAxes = (x: Value, axes: number[]) => (axes.length ? R.reduceLax.reduceSum(x, axes) : x);
/** ct of the reduced shape broadcast back over the reduced axes. */
const spread = (ct: Value, x: Value, axes: number[]) => L.broadcastInDim(ct, x.shape, keptDims(x.ndim, axes));

function reduceBatch(p: Primitive<{ axes: number[] }>): BatchRule<{ axes: number[] }> {
  return ([x], [d], { axes }) => {
    const b = d!;
    const pa = axes.map((a) => phys(a, b));
    return [[bind1(p, [x!], { axes: pa })], [b - pa.filter((a) => a < b).length]];
  };
}


// max/min: the cotangent is split evenly among the elements equal to the result (JAX's
// _reduce_chooser_jvp_rule).
function maxMinRules(p: typeof R.reduceMaxP): Rules<ParamsOf<typeof p>> {
  return {
    vjp: ([ct], [x], [out], { axes }) => {
      if (!axes.length) return [ct!];
      const loc = asDtype(ew.eq(x!, spread(out!, x!, axes)), x!.dtype);
      const counts = sumAxes(loc, axes);
      return [ew.mul(spread(ew.div(ct!, counts), x!, axes), loc)];
    },
    batch: reduceBatch(p),
  };
}

const logicalRules = (p: typeof R.reduceAndP): Rules<ParamsOf<typeof p>> => ({ vjp: () => [null], batch: reduceBatch(p) });

// --- argmax / argmin --------------------------------------------------------------------

function argRules(p: typeof R.argmaxP): Rules<ParamsOf<typeof p>> {
  return {
    vjp: () => [null],
    batch: ([x], [d], { axis, indexDtype }) => {
      const b = d!;
      const a = phys(axis, b);
      return [[bind1(p, [x!], { axis: a, indexDtype })], [a < b ? b - 1 : b]];
    },
  };
}

// --- cumulative reductions ----------------------------------------------------------------

function cumBatch(p: Primitive<{ axis: number; reverse: boolean }>) {
  return ([x]: readonly Value[], [d]: readonly (number | null)[], { axis, reverse }: { axis: number; reverse: boolean }): [Value[], number[]] => [
    [bind1(p, [x!], { axis: phys(axis, d!), reverse })],
    [d!],
  ];
}

/** Interleaves e (positions 0, 2, ...) and o (positions 1, 3, ...) into length n along axis. */
function interleave(e: Value, o: Value, axis: number, n: number): Value {
  const zero = scalarConst(0, e.dtype, false);
  const cfg = (v: Value, lo: number, hi: number) => v.shape.map((_, d) => (d === axis ? ([lo, hi, 1] as [number, number, number]) : ([0, 0, 0] as [number, number, number])));
  const ce = e.shape[axis]!;
  const m = o.shape[axis]!;
  return ew.add(L.pad(e, zero, cfg(e, 0, n - (2 * ce - 1))), L.pad(o, zero, cfg(o, 1, n - 2 * m)));
}

/**
 * Inclusive scan along `axis` written with lax ops (the odd/even scheme of JAX's
 * associative_scan): the cumulative ops' lowering computes the same thing in one primitive,
 * this form is what gets differentiated.
 */
function associativeScan(op: (a: Value, b: Value) => Value, x: Value, axis: number): Value {
  const n = x.shape[axis]!;
  if (n < 2) return x;
  const sl = (v: Value, start: number, limit: number, stride = 1) => L.sliceInDim(v, start, limit, stride, axis);
  const odd = associativeScan(op, op(sl(x, 0, n - 1, 2), sl(x, 1, n, 2)), axis); // prefixes ending at 1, 3, ...
  const rest = Math.ceil(n / 2) - 1; // even positions 2, 4, ...
  const even = rest > 0 ? L.concatenate([sl(x, 0, 1), op(sl(odd, 0, rest), sl(x, 2, n, 2))], axis) : sl(x, 0, 1);
  return interleave(even, odd, axis, n);
}

// cummax / cummin: each output's cotangent goes to the element its running extreme came
// from (the first one reached in scan order on ties).
function cumExtremeRules(p: typeof R.cummaxP, isMax: boolean): Rules<ParamsOf<typeof p>> {
  return {
    vjp: ([ct], [x], [out], { axis, reverse }) => {
      const n = x!.shape[axis]!;
      if (x!.size === 0) return [zeros(x!)];
      const fill = scalarConst(isMax ? -Infinity : Infinity, x!.dtype, false);
      const cfg = x!.shape.map((_, d) => (d === axis ? ([reverse ? -1 : 1, reverse ? 1 : -1, 0] as [number, number, number]) : ([0, 0, 0] as [number, number, number])));
      const prev = L.pad(out!, fill, cfg);
      const fresh = isMax ? ew.gt(x!, prev) : ew.lt(x!, prev);
      const iota = L.broadcastedIota("int32", x!.shape, axis);
      const start = L.broadcastInDim(scalarConst(reverse ? n - 1 : 0, "int32", false), x!.shape, []);
      const marks = ew.select(fresh, iota, start);
      const from = reverse ? R.reduceLax.cummin(marks, axis, true) : R.reduceLax.cummax(marks, axis);
      return [addAlongAxis(zeros(x!), from, ct!, axis)];
    },
    batch: cumBatch(p),
  };
}


defineRules(R, {
  reduceSumP: {
    vjp: ([ct], [x], _o, { axes }) => [spread(ct!, x!, axes)],
    batch: reduceBatch(R.reduceSumP),
  },

  // prod: d/dx_i = the product of the others, as exclusive prefix times exclusive suffix
  // products (no division, so zeros are exact).
  reduceProdP: {
    vjp: ([ct], [x], _o, { axes }) => {
      if (!axes.length) return [ct!];
      if (x!.size === 0) return [zeros(x!)];
      const kept = keptDims(x!.ndim, axes);
      const perm = [...kept, ...axes];
      const xt = L.transpose(x!, perm);
      const keptShape = kept.map((d) => x!.shape[d]!);
      const n = axes.reduce((s, a) => s * x!.shape[a]!, 1);
      const last = kept.length;
      const flat = L.reshape(xt, [...keptShape, n]);
      const one = scalarConst(1, x!.dtype, false);
      const cfg = (lo: number, hi: number) => [...keptShape.map(() => [0, 0, 0] as [number, number, number]), [lo, hi, 0] as [number, number, number]];
      const before = R.reduceLax.cumprod(L.pad(flat, one, cfg(1, -1)), last);
      const after = R.reduceLax.cumprod(L.pad(flat, one, cfg(-1, 1)), last, true);
      const g = ew.mul(ew.mul(before, after), L.broadcastInDim(ct!, flat.shape, range(last)));
      const inv = perm.map(() => 0);
      perm.forEach((q, i) => (inv[q] = i));
      return [L.transpose(L.reshape(g, xt.shape), inv)];
    },
    batch: reduceBatch(R.reduceProdP),
  },

  cumsumP: {
    vjp: ([ct], _x, _o, { axis, reverse }) => [R.reduceLax.cumsum(ct!, axis, !reverse)],
    batch: cumBatch(R.cumsumP),
  },

  // cumprod: the VJP of the associative scan of mul (JAX's cumred JVP), exact with zeros.
  cumprodP: {
    vjp: ([ct], [x], _o, { axis, reverse }) => {
      const scan = (v: Value) => (reverse ? L.rev(associativeScan(ew.mul, L.rev(v, [axis]), axis), [axis]) : associativeScan(ew.mul, v, axis));
      const [, back] = vjp(scan, x!);
      return [back(ct!)[0] as Value];
    },
    batch: cumBatch(R.cumprodP),
  },
  reduceMaxP: maxMinRules(R.reduceMaxP),
  reduceMinP: maxMinRules(R.reduceMinP),
  reduceAndP: logicalRules(R.reduceAndP),
  reduceOrP: logicalRules(R.reduceOrP),
  argmaxP: argRules(R.argmaxP),
  argminP: argRules(R.argminP),
  cummaxP: cumExtremeRules(R.cummaxP, true),
  cumminP: cumExtremeRules(R.cumminP, false),
});
