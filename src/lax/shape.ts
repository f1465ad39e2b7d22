// Shape primitives: broadcast_in_dim, reshape, transpose, rev, pad, concatenate, iota, slice,
// dynamic_slice, dynamic_update_slice. Except iota, their ref kernels only move elements, so
// they copy typed-array entries as they are (int64 BigInts and f16/bf16 raw bits included).
import { ShapedArray, shapeEq, shapeStr, sizeOf, type Shape } from "../core/aval.js";
import { definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { Array, type Value } from "../core/values.js";
import { fromNumbers, setNum, type HostArray } from "../core/host.js";
import { DTYPES, type DType } from "../xla/dtype.js";
import { lax as ew } from "./elementwise.js";
import { convertLax } from "./convert.js";
import { checkArity, checkSameDtypes, forEachIndex, i64Array, isIntDtype, newHost, out, primError, stridesOf } from "./util.js";

type Elems = { [i: number]: number | bigint };
const elems = (h: HostArray) => h.data as Elems;

/** Checks a params list: integers, optionally of a given length and lower bound. */
export function checkInts(prim: string, what: string, xs: unknown, len?: number, min = -Infinity): asserts xs is number[] {
  if (!globalThis.Array.isArray(xs) || xs.some((x) => !Number.isInteger(x) || x < min))
    throw primError(prim, `${what} must be a list of integers${min > -Infinity ? ` >= ${min}` : ""}, got ${JSON.stringify(xs)}`);
  if (len !== undefined && xs.length !== len) throw primError(prim, `${what} must have ${len} entries (one per dimension), got ${JSON.stringify(xs)}`);
}

function checkUniqueDims(prim: string, what: string, dims: readonly number[], rank: number): void {
  checkInts(prim, what, dims);
  const seen = new Set<number>();
  for (const d of dims) {
    if (d < 0 || d >= rank) throw primError(prim, `${what} ${JSON.stringify(dims)}: dimension ${d} is out of range for rank ${rank}`);
    if (seen.has(d)) throw primError(prim, `${what} ${JSON.stringify(dims)} repeats dimension ${d}`);
    seen.add(d);
  }
}

function checkIndexScalars(prim: string, idx: readonly ShapedArray[], what: string): void {
  for (const a of idx)
    if (a.ndim !== 0 || !isIntDtype(a.dtype)) throw primError(prim, `${what} must be integer scalars, got ${idx.join(", ")}`);
  checkSameDtypes(prim, idx);
}

const clampInt = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

// --- broadcast_in_dim --------------------------------------------------------------------

export const broadcastInDimP = definePrimitive<{ shape: number[]; broadcastDimensions: number[] }>({
  name: "broadcast_in_dim",
  abstractEval(avals, { shape, broadcastDimensions: dims }) {
    const P = "broadcast_in_dim";
    checkArity(P, avals, 1);
    const a = avals[0]!;
    checkInts(P, "shape", shape, undefined, 0);
    checkInts(P, "broadcastDimensions", dims, a.ndim);
    dims.forEach((d, i) => {
      if (d < 0 || d >= shape.length || (i > 0 && d <= dims[i - 1]!))
        throw primError(P, `broadcastDimensions ${JSON.stringify(dims)} must be strictly increasing and in [0, ${shape.length}) for output shape ${shapeStr(shape)}`);
    });
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i]!;
      if (a.shape[i] !== 1 && a.shape[i] !== shape[d])
        throw primError(P, `operand ${a} dimension ${i} (size ${a.shape[i]}) must be 1 or equal output dimension ${d} (size ${shape[d]}) of shape ${shapeStr(shape)}`);
    }
    return [out(shape, a.dtype, a.weakType)];
  },
  lower(ctx, [x], [a], [o], { broadcastDimensions }) {
    return [ctx.op1("stablehlo.broadcast_in_dim", [x!], [a!], o!, { attrs: `broadcast_dimensions = ${i64Array(broadcastDimensions)}` })];
  },
  ref([x], { broadcastDimensions: dims }, [o]) {
    const r = newHost(o!);
    const src = elems(x!);
    const dst = elems(r);
    const inShape = x!.aval.shape;
    const st = stridesOf(inShape);
    forEachIndex(o!.shape, (flat, idx) => {
      let s = 0;
      for (let i = 0; i < dims.length; i++) if (inShape[i] !== 1) s += idx[dims[i]!]! * st[i]!;
      dst[flat] = src[s]!;
    });
    return [r];
  },
});

// --- reshape / transpose / rev -------------------------------------------------------------

export const reshapeP = definePrimitive<{ newSizes: number[] }>({
  name: "reshape",
  abstractEval(avals, { newSizes }) {
    checkArity("reshape", avals, 1);
    const a = avals[0]!;
    checkInts("reshape", "newSizes", newSizes, undefined, 0);
    if (sizeOf(newSizes) !== a.size)
      throw primError("reshape", `cannot reshape ${a} (${a.size} elements) to ${shapeStr(newSizes)} (${sizeOf(newSizes)} elements)`);
    return [out(newSizes, a.dtype, a.weakType)];
  },
  lower(ctx, [x], [a], [o]) {
    return [ctx.op1("stablehlo.reshape", [x!], [a!], o!)];
  },
  ref([x], _p, [o]) {
    return [{ aval: o!, data: x!.data }];
  },
});

export const transposeP = definePrimitive<{ permutation: number[] }>({
  name: "transpose",
  abstractEval(avals, { permutation: perm }) {
    checkArity("transpose", avals, 1);
    const a = avals[0]!;
    checkUniqueDims("transpose", "permutation", perm, a.ndim);
    if (perm.length !== a.ndim) throw primError("transpose", `permutation ${JSON.stringify(perm)} must list each of the ${a.ndim} dimensions of ${a} once`);
    return [out(perm.map((p) => a.shape[p]!), a.dtype, a.weakType)];
  },
  lower(ctx, [x], [a], [o], { permutation }) {
    return [ctx.op1("stablehlo.transpose", [x!], [a!], o!, { attrs: `permutation = ${i64Array(permutation)}` })];
  },
  ref([x], { permutation: perm }, [o]) {
    const r = newHost(o!);
    const src = elems(x!);
    const dst = elems(r);
    const st = stridesOf(x!.aval.shape);
    const pst = perm.map((p) => st[p]!);
    forEachIndex(o!.shape, (flat, idx) => {
      let s = 0;
      for (let i = 0; i < idx.length; i++) s += idx[i]! * pst[i]!;
      dst[flat] = src[s]!;
    });
    return [r];
  },
});

export const revP = definePrimitive<{ dimensions: number[] }>({
  name: "rev",
  abstractEval(avals, { dimensions }) {
    checkArity("rev", avals, 1);
    const a = avals[0]!;
    checkUniqueDims("rev", "dimensions", dimensions, a.ndim);
    return [out(a.shape, a.dtype, a.weakType)];
  },
  lower(ctx, [x], [a], [o], { dimensions }) {
    return [ctx.op1("stablehlo.reverse", [x!], [a!], o!, { attrs: `dimensions = ${i64Array(dimensions)}` })];
  },
  ref([x], { dimensions }, [o]) {
    const r = newHost(o!);
    const src = elems(x!);
    const dst = elems(r);
    const shape = o!.shape;
    const st = stridesOf(shape);
    const flip = shape.map((_, i) => dimensions.includes(i));
    forEachIndex(shape, (flat, idx) => {
      let s = 0;
      for (let i = 0; i < idx.length; i++) s += (flip[i] ? shape[i]! - 1 - idx[i]! : idx[i]!) * st[i]!;
      dst[flat] = src[s]!;
    });
    return [r];
  },
});

// --- pad ----------------------------------------------------------------------------------

export const padP = definePrimitive<{ low: number[]; high: number[]; interior: number[] }>({
  name: "pad",
  abstractEval(avals, { low, high, interior }) {
    const P = "pad";
    checkArity(P, avals, 2);
    const [a, pv] = avals as [ShapedArray, ShapedArray];
    if (pv.ndim !== 0) throw primError(P, `the padding value must be a scalar, got ${pv}`);
    checkSameDtypes(P, [a, pv]);
    checkInts(P, "low", low, a.ndim);
    checkInts(P, "high", high, a.ndim);
    checkInts(P, "interior", interior, a.ndim, 0);
    const shape = a.shape.map((d, i) => low[i]! + high[i]! + d + Math.max(0, d - 1) * interior[i]!);
    if (shape.some((d) => d < 0))
      throw primError(P, `padding (low ${JSON.stringify(low)}, high ${JSON.stringify(high)}, interior ${JSON.stringify(interior)}) of ${a} gives a negative dimension ${shapeStr(shape)}`);
    return [out(shape, a.dtype, a.weakType && pv.weakType)];
  },
  lower(ctx, [x, pv], avals, [o], { low, high, interior }) {
    const attrs = `edge_padding_low = ${i64Array(low)}, edge_padding_high = ${i64Array(high)}, interior_padding = ${i64Array(interior)}`;
    return [ctx.op1("stablehlo.pad", [x!, pv!], avals, o!, { attrs })];
  },
  ref([x, pv], { low, interior }, [o]) {
    const r = newHost(o!);
    const dst = elems(r);
    const src = elems(x!);
    const fill = elems(pv!)[0]!;
    for (let i = 0; i < o!.size; i++) dst[i] = fill;
    const ost = stridesOf(o!.shape);
    forEachIndex(x!.aval.shape, (flat, idx) => {
      let t = 0;
      for (let i = 0; i < idx.length; i++) {
        const p = low[i]! + idx[i]! * (interior[i]! + 1);
        if (p < 0 || p >= o!.shape[i]!) return;
        t += p * ost[i]!;
      }
      dst[t] = src[flat]!;
    });
    return [r];
  },
});

// --- concatenate --------------------------------------------------------------------------

export const concatenateP = definePrimitive<{ dimension: number }>({
  name: "concatenate",
  abstractEval(avals, { dimension }) {
    const P = "concatenate";
    if (avals.length === 0) throw primError(P, "needs at least one operand");
    checkSameDtypes(P, avals);
    const a0 = avals[0]!;
    if (!Number.isInteger(dimension) || dimension < 0 || dimension >= a0.ndim)
      throw primError(P, `dimension ${dimension} is out of range for operands of rank ${a0.ndim}`);
    let total = 0;
    for (const a of avals) {
      const same = a.ndim === a0.ndim && a.shape.every((d, i) => i === dimension || d === a0.shape[i]);
      if (!same)
        throw primError(P, `operands must have equal shapes except in dimension ${dimension}, got ${avals.map((v) => shapeStr(v.shape)).join(" and ")}`);
      total += a.shape[dimension]!;
    }
    const shape = a0.shape.slice();
    shape[dimension] = total;
    return [out(shape, a0.dtype, avals.every((a) => a.weakType))];
  },
  lower(ctx, xs, avals, [o], { dimension }) {
    return [ctx.op1("stablehlo.concatenate", xs, avals, o!, { attrs: `dimension = ${dimension} : i64` })];
  },
  ref(xs, { dimension }, [o]) {
    const r = newHost(o!);
    const dst = elems(r);
    // Row-major: each operand contributes a contiguous run per index of the leading dims.
    const outer = sizeOf(o!.shape.slice(0, dimension));
    const inner = sizeOf(o!.shape.slice(dimension + 1));
    const rowOut = o!.shape[dimension]! * inner;
    let off = 0;
    for (const x of xs) {
      const src = elems(x);
      const run = x.aval.shape[dimension]! * inner;
      for (let k = 0; k < outer; k++) for (let j = 0; j < run; j++) dst[k * rowOut + off + j] = src[k * run + j]!;
      off += run;
    }
    return [r];
  },
});

// --- iota ----------------------------------------------------------------------------------

export const iotaP = definePrimitive<{ dtype: DType; shape: number[]; dimension: number }>({
  name: "iota",
  abstractEval(avals, { dtype, shape, dimension }) {
    checkArity("iota", avals, 0);
    if (!(dtype in DTYPES) || dtype === "bool") throw primError("iota", `dtype must be a numeric dtype, got "${dtype}"`);
    checkInts("iota", "shape", shape, undefined, 0);
    if (!Number.isInteger(dimension) || dimension < 0 || dimension >= shape.length)
      throw primError("iota", `dimension ${dimension} is out of range for shape ${shapeStr(shape)}`);
    return [out(shape, dtype)];
  },
  lower(ctx, _xs, _avals, [o], { dimension }) {
    return [ctx.op1("stablehlo.iota", [], [], o!, { attrs: `iota_dimension = ${dimension} : i64` })];
  },
  ref(_xs, { dimension }, [o]) {
    const r = newHost(o!);
    // Typed-array stores wrap integers as XLA does (a uint8 iota past 255).
    forEachIndex(o!.shape, (flat, idx) => setNum(r.data, flat, idx[dimension]!, o!.dtype));
    return [r];
  },
});

// --- slice ---------------------------------------------------------------------------------

export const sliceP = definePrimitive<{ startIndices: number[]; limitIndices: number[]; strides: number[] }>({
  name: "slice",
  abstractEval(avals, { startIndices: start, limitIndices: limit, strides }) {
    const P = "slice";
    checkArity(P, avals, 1);
    const a = avals[0]!;
    checkInts(P, "startIndices", start, a.ndim);
    checkInts(P, "limitIndices", limit, a.ndim);
    checkInts(P, "strides", strides, a.ndim, 1);
    for (let i = 0; i < a.ndim; i++)
      if (start[i]! < 0 || limit[i]! > a.shape[i]! || start[i]! > limit[i]!)
        throw primError(P, `dimension ${i}: need 0 <= start (${start[i]}) <= limit (${limit[i]}) <= size (${a.shape[i]}) for operand ${a}`);
    return [out(a.shape.map((_, i) => Math.ceil((limit[i]! - start[i]!) / strides[i]!)), a.dtype, a.weakType)];
  },
  lower(ctx, [x], [a], [o], { startIndices, limitIndices, strides }) {
    const attrs = `start_indices = ${i64Array(startIndices)}, limit_indices = ${i64Array(limitIndices)}, strides = ${i64Array(strides)}`;
    return [ctx.op1("stablehlo.slice", [x!], [a!], o!, { attrs })];
  },
  ref([x], { startIndices: start, strides }, [o]) {
    return [copyWindow(x!, o!, start, strides)];
  },
});

/** out[idx] = x[start + idx * strides] for every index of `o`. */
function copyWindow(x: HostArray, o: ShapedArray, start: readonly number[], strides?: readonly number[]): HostArray {
  const r = newHost(o);
  const src = elems(x);
  const dst = elems(r);
  const st = stridesOf(x.aval.shape);
  forEachIndex(o.shape, (flat, idx) => {
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += (start[i]! + idx[i]! * (strides ? strides[i]! : 1)) * st[i]!;
    dst[flat] = src[s]!;
  });
  return r;
}

// --- dynamic_slice / dynamic_update_slice ------------------------------------------------------

/** Start indices clamped so that a window of `sizes` stays inside `shape` (XLA's rule). */
function clampedStarts(idx: readonly HostArray[], shape: Shape, sizes: Shape): number[] {
  return idx.map((h, i) => clampInt(Number(h.data[0]!), 0, shape[i]! - sizes[i]!));
}

export const dynamicSliceP = definePrimitive<{ sliceSizes: number[] }>({
  name: "dynamic_slice",
  abstractEval(avals, { sliceSizes }) {
    const P = "dynamic_slice";
    if (avals.length < 1) throw primError(P, "expects an operand and one start index per dimension");
    const [a, ...idx] = avals as [ShapedArray, ...ShapedArray[]];
    if (idx.length !== a.ndim) throw primError(P, `expects ${a.ndim} start indices for operand ${a}, got ${idx.length}`);
    checkIndexScalars(P, idx, "start indices");
    checkInts(P, "sliceSizes", sliceSizes, a.ndim, 0);
    for (let i = 0; i < a.ndim; i++)
      if (sliceSizes[i]! > a.shape[i]!) throw primError(P, `sliceSizes ${JSON.stringify(sliceSizes)} exceed operand ${a} in dimension ${i}`);
    return [out(sliceSizes, a.dtype, a.weakType)];
  },
  lower(ctx, [x, ...idx], avals, [o], { sliceSizes }) {
    if (idx.length === 0) return [x!];
    return [ctx.op1("stablehlo.dynamic_slice", [x!, ...idx], avals, o!, { attrs: `slice_sizes = ${i64Array(sliceSizes)}` })];
  },
  ref([x, ...idx], { sliceSizes }, [o]) {
    return [copyWindow(x!, o!, clampedStarts(idx, x!.aval.shape, sliceSizes))];
  },
});

export const dynamicUpdateSliceP = definePrimitive<Record<string, never>>({
  name: "dynamic_update_slice",
  abstractEval(avals) {
    const P = "dynamic_update_slice";
    if (avals.length < 2) throw primError(P, "expects an operand, an update and one start index per dimension");
    const [a, u, ...idx] = avals as [ShapedArray, ShapedArray, ...ShapedArray[]];
    checkSameDtypes(P, [a, u]);
    if (u.ndim !== a.ndim || u.shape.some((d, i) => d > a.shape[i]!))
      throw primError(P, `update ${u} must have the operand's rank and fit inside operand ${a}`);
    if (idx.length !== a.ndim) throw primError(P, `expects ${a.ndim} start indices for operand ${a}, got ${idx.length}`);
    checkIndexScalars(P, idx, "start indices");
    return [out(a.shape, a.dtype, a.weakType)];
  },
  lower(ctx, [x, u, ...idx], avals, [o]) {
    if (idx.length === 0) return [u!];
    return [ctx.op1("stablehlo.dynamic_update_slice", [x!, u!, ...idx], avals, o!)];
  },
  ref([x, u, ...idx], _p, [o]) {
    const data = x!.data.slice();
    const dst = data as Elems;
    const src = elems(u!);
    const st = stridesOf(o!.shape);
    const start = clampedStarts(idx, o!.shape, u!.aval.shape);
    forEachIndex(u!.aval.shape, (flat, ix) => {
      let t = 0;
      for (let i = 0; i < ix.length; i++) t += (start[i]! + ix[i]!) * st[i]!;
      dst[t] = src[flat]!;
    });
    return [{ aval: o!, data }];
  },
});

// --- the lax face ---------------------------------------------------------------------------

/** A concrete scalar of `dtype` (weak: it adopts the dtype of what it meets). */
export function scalarConst(v: number, dtype: DType, weak = true): Array {
  return new Array(new ShapedArray([], dtype, weak), { host: fromNumbers([v], [], dtype, weak).data });
}

const range = (a: number, b: number) => globalThis.Array.from({ length: b - a }, (_, i) => a + i);

function normAxis(what: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw primError(what, `axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

/**
 * Start indices for dynamic slicing: JS numbers become scalars, negative indices count from
 * the end (as in JAX's lax.dynamic_slice), and all share one integer dtype.
 */
function dynamicStarts(what: string, x: Value, starts: readonly (Value | number)[]): Value[] {
  if (starts.length !== x.ndim) throw primError(what, `expects ${x.ndim} start indices for an operand of shape ${shapeStr(x.shape)}, got ${starts.length}`);
  const vals = starts.filter((s): s is Value => typeof s !== "number");
  const bad = vals.find((v) => v.ndim !== 0 || !isIntDtype(v.dtype));
  if (bad) throw primError(what, `start indices must be integer scalars or JS numbers, got ${bad.aval}`);
  const dt: DType = vals.length && vals.every((v) => v.dtype === vals[0]!.dtype) ? vals[0]!.dtype : "int32";
  return starts.map((s, i) => {
    const d = x.shape[i]!;
    if (typeof s === "number") return scalarConst(s < 0 ? s + d : s, dt, false);
    const v = s.dtype === dt ? s : convertLax.convertElementType(s, dt);
    if (dt === "uint8" || dt === "uint32") return v;
    return ew.select(ew.lt(v, scalarConst(0, dt, false)), ew.add(v, scalarConst(d, dt, false)), v);
  });
}

export const shapeLax = {
  broadcastInDim(x: Value, shape: readonly number[], broadcastDimensions: readonly number[]): Value {
    if (shapeEq(x.shape, shape) && broadcastDimensions.every((d, i) => d === i)) return x;
    return bind1(broadcastInDimP, [x], { shape: [...shape], broadcastDimensions: [...broadcastDimensions] });
  },
  /** Prepends dimensions of `sizes` (lax.broadcast). */
  broadcast(x: Value, sizes: readonly number[]): Value {
    return shapeLax.broadcastInDim(x, [...sizes, ...x.shape], range(sizes.length, sizes.length + x.ndim));
  },
  reshape(x: Value, newSizes: readonly number[]): Value {
    if (shapeEq(x.shape, newSizes)) return x;
    return bind1(reshapeP, [x], { newSizes: [...newSizes] });
  },
  transpose(x: Value, permutation: readonly number[]): Value {
    if (permutation.length === x.ndim && permutation.every((p, i) => p === i)) return x;
    return bind1(transposeP, [x], { permutation: [...permutation] });
  },
  rev(x: Value, dimensions: readonly number[]): Value {
    if (dimensions.length === 0) return x;
    return bind1(revP, [x], { dimensions: [...dimensions] });
  },
  /** config[i] = [low, high, interior] for dimension i; negative low/high crop. */
  pad(x: Value, padValue: Value | number, config: readonly (readonly [number, number, number])[]): Value {
    const pv = typeof padValue === "number" ? scalarConst(padValue, x.dtype) : padValue;
    return bind1(padP, [x, pv], { low: config.map((c) => c[0]), high: config.map((c) => c[1]), interior: config.map((c) => c[2]) });
  },
  concatenate(xs: readonly Value[], dimension: number): Value {
    if (xs.length === 1) return xs[0]!;
    return bind1(concatenateP, xs, { dimension });
  },
  iota(dtype: DType, size: number): Value {
    return bind1(iotaP, [], { dtype, shape: [size], dimension: 0 });
  },
  broadcastedIota(dtype: DType, shape: readonly number[], dimension: number): Value {
    return bind1(iotaP, [], { dtype, shape: [...shape], dimension });
  },
  slice(x: Value, startIndices: readonly number[], limitIndices: readonly number[], strides?: readonly number[]): Value {
    return bind1(sliceP, [x], { startIndices: [...startIndices], limitIndices: [...limitIndices], strides: strides ? [...strides] : x.shape.map(() => 1) });
  },
  /** Slices one axis; start/limit may be negative (from the end) or null (the whole axis). */
  sliceInDim(x: Value, start: number | null, limit: number | null, stride = 1, axis = 0): Value {
    const ax = normAxis("sliceInDim", axis, x.ndim);
    const d = x.shape[ax]!;
    const s = start === null ? 0 : start < 0 ? start + d : start;
    const l = limit === null ? d : limit < 0 ? limit + d : limit;
    const st = x.shape.map(() => 0);
    const li = x.shape.slice();
    const sd = x.shape.map(() => 1);
    st[ax] = s;
    li[ax] = l;
    sd[ax] = stride;
    return shapeLax.slice(x, st, li, sd);
  },
  /** Start indices are clamped so the slice stays in bounds; negative ones count from the end. */
  dynamicSlice(x: Value, startIndices: readonly (Value | number)[], sliceSizes: readonly number[]): Value {
    return bind1(dynamicSliceP, [x, ...dynamicStarts("dynamicSlice", x, startIndices)], { sliceSizes: [...sliceSizes] });
  },
  dynamicUpdateSlice(x: Value, update: Value, startIndices: readonly (Value | number)[]): Value {
    return bind1(dynamicUpdateSliceP, [x, update, ...dynamicStarts("dynamicUpdateSlice", x, startIndices)], {});
  },
  dynamicSliceInDim(x: Value, start: Value | number, size: number, axis = 0): Value {
    const ax = normAxis("dynamicSliceInDim", axis, x.ndim);
    const starts = x.shape.map((_, i) => (i === ax ? start : 0));
    return shapeLax.dynamicSlice(x, starts, x.shape.map((d, i) => (i === ax ? size : d)));
  },
  dynamicIndexInDim(x: Value, index: Value | number, axis = 0, keepdims = true): Value {
    const ax = normAxis("dynamicIndexInDim", axis, x.ndim);
    const s = shapeLax.dynamicSliceInDim(x, index, 1, ax);
    return keepdims ? s : shapeLax.squeeze(s, [ax]);
  },
  dynamicUpdateSliceInDim(x: Value, update: Value, start: Value | number, axis = 0): Value {
    const ax = normAxis("dynamicUpdateSliceInDim", axis, x.ndim);
    return shapeLax.dynamicUpdateSlice(x, update, x.shape.map((_, i) => (i === ax ? start : 0)));
  },
  dynamicUpdateIndexInDim(x: Value, update: Value, index: Value | number, axis = 0): Value {
    const ax = normAxis("dynamicUpdateIndexInDim", axis, x.ndim);
    const u = update.ndim === x.ndim ? update : shapeLax.expandDims(update, [ax]);
    return shapeLax.dynamicUpdateSliceInDim(x, u, index, ax);
  },
  /** Removes size-1 dimensions (negative dims count from the end). */
  squeeze(x: Value, dimensions: readonly number[]): Value {
    const dims = new Set(dimensions.map((d) => normAxis("squeeze", d, x.ndim)));
    for (const d of dims)
      if (x.shape[d] !== 1) throw primError("squeeze", `dimension ${d} of shape ${shapeStr(x.shape)} has size ${x.shape[d]}, not 1`);
    return shapeLax.reshape(x, x.shape.filter((_, i) => !dims.has(i)));
  },
  /** Inserts size-1 dimensions at `dimensions` of the result (negative ones count from its end). */
  expandDims(x: Value, dimensions: readonly number[]): Value {
    const rank = x.ndim + dimensions.length;
    const dims = new Set(dimensions.map((d) => normAxis("expandDims", d, rank)));
    if (dims.size !== dimensions.length) throw primError("expandDims", `dimensions ${JSON.stringify(dimensions)} repeat a dimension`);
    const shape: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) shape.push(dims.has(i) ? 1 : x.shape[k++]!);
    return shapeLax.reshape(x, shape);
  },
};
