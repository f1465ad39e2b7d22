// gather and the scatter family (set, add, mul, min, max) with XLA's full dimension numbers,
// batching dimensions included. The primitives keep XLA's semantics: gather clamps start
// indices so each slice stays in bounds; scatter drops an update window that would not fit.
// The wrappers add JAX's other modes ("fill" for gather, "clip" for scatter) on top.
import { ShapedArray, shapeStr, type Shape } from "../core/aval.js";
import { definePrimitive, type Primitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { Array, type Value } from "../core/values.js";
import { bf16BitsToF32, f16BitsToF32, f32ToBf16Bits, f32ToF16Bits, fromNumbers, toNumbers, type HostArray } from "../core/host.js";
import type { DType } from "../xla/dtype.js";
import { lax as ew } from "./elementwise.js";
import { checkInts, scalarConst, shapeLax } from "./shape.js";
import { checkDtype, forEachIndex, i64Array, isFloatDtype, isIntDtype, newHost, out, primError, stridesOf, type DtypeClass } from "./util.js";

export interface GatherDimensionNumbers {
  /** Output dimensions that index into a slice (the rest are batch dimensions, in order). */
  offsetDims: readonly number[];
  /** Operand dimensions dropped from each slice (their slice size must be 1). */
  collapsedSliceDims: readonly number[];
  /** startIndexMap[j]: the operand dimension that component j of an index vector starts. */
  startIndexMap: readonly number[];
  operandBatchingDims?: readonly number[];
  startIndicesBatchingDims?: readonly number[];
  /** The dimension of `indices` holding the index vectors (= its rank: scalar indices). */
  indexVectorDim: number;
}

export interface ScatterDimensionNumbers {
  /** Dimensions of `updates` that index into the update window (the rest are scatter dims). */
  updateWindowDims: readonly number[];
  /** Operand dimensions of size 1 in each window that `updates` leaves out. */
  insertedWindowDims: readonly number[];
  scatterDimsToOperandDims: readonly number[];
  operandBatchingDims?: readonly number[];
  scatterIndicesBatchingDims?: readonly number[];
  indexVectorDim: number;
}

/** The form kept in params: plain data, every field present. */
type Canonical<T> = { -readonly [K in keyof T]-?: Exclude<T[K], undefined> extends number ? number : number[] };
type GDN = Canonical<GatherDimensionNumbers>;
type SDN = Canonical<ScatterDimensionNumbers>;

export interface GatherParams {
  dimensionNumbers: GDN;
  sliceSizes: number[];
  indicesAreSorted: boolean;
  uniqueIndices: boolean;
}
export interface ScatterParams {
  dimensionNumbers: SDN;
  indicesAreSorted: boolean;
  uniqueIndices: boolean;
}

// Canonical plain-data forms (every field present, fixed key order) so cache keys agree.
/** A clear error for missing dimension numbers (before reading fields of undefined). */
function needDims(op: string, d: unknown, fields: readonly string[]): void {
  if (d === null || typeof d !== "object")
    throw new TypeError(
      `lax.${op}: dimensionNumbers must be an object with ${fields.join(", ")} and indexVectorDim, got ${d === null ? "null" : typeof d}`,
    );
  const missing = [...fields, "indexVectorDim"].filter((k) => (d as Record<string, unknown>)[k] === undefined);
  if (missing.length) throw new TypeError(`lax.${op}: dimensionNumbers lacks ${missing.join(", ")}`);
}

function gdn(d: GatherDimensionNumbers): GDN {
  needDims("gather", d, ["offsetDims", "collapsedSliceDims", "startIndexMap"]);
  return {
    offsetDims: [...d.offsetDims],
    collapsedSliceDims: [...d.collapsedSliceDims],
    startIndexMap: [...d.startIndexMap],
    operandBatchingDims: [...(d.operandBatchingDims ?? [])],
    startIndicesBatchingDims: [...(d.startIndicesBatchingDims ?? [])],
    indexVectorDim: d.indexVectorDim,
  };
}
function sdn(d: ScatterDimensionNumbers): SDN {
  needDims("scatter", d, ["updateWindowDims", "insertedWindowDims", "scatterDimsToOperandDims"]);
  return {
    updateWindowDims: [...d.updateWindowDims],
    insertedWindowDims: [...d.insertedWindowDims],
    scatterDimsToOperandDims: [...d.scatterDimsToOperandDims],
    operandBatchingDims: [...(d.operandBatchingDims ?? [])],
    scatterIndicesBatchingDims: [...(d.scatterIndicesBatchingDims ?? [])],
    indexVectorDim: d.indexVectorDim,
  };
}

// --- shared checks and index arithmetic ------------------------------------------------------

function dimsIn(P: string, what: string, dims: unknown, rank: number, sorted: boolean): asserts dims is number[] {
  checkInts(P, what, dims);
  dims.forEach((d, i) => {
    if (d < 0 || d >= rank) throw primError(P, `${what} ${JSON.stringify(dims)}: ${d} is out of range for rank ${rank}`);
    if (dims.indexOf(d) !== i) throw primError(P, `${what} ${JSON.stringify(dims)} repeats ${d}`);
    if (sorted && i > 0 && d < dims[i - 1]!) throw primError(P, `${what} ${JSON.stringify(dims)} must be sorted`);
  });
}

function disjoint(P: string, a: string, xs: readonly number[], b: string, ys: readonly number[]): void {
  const both = xs.filter((x) => ys.includes(x));
  if (both.length) throw primError(P, `${a} ${JSON.stringify(xs)} and ${b} ${JSON.stringify(ys)} share dimension ${both[0]}`);
}

/**
 * Checks the indices array and the parts of the dimension numbers it shares between gather
 * and scatter; returns the batch shape (indices' shape without the index vector dimension).
 */
function checkIndices(
  P: string,
  operand: ShapedArray,
  indices: ShapedArray,
  ivd: number,
  startMap: unknown,
  mapName: string,
  opBatch: unknown,
  idxBatch: unknown,
  idxBatchName: string,
): number[] {
  if (!isIntDtype(indices.dtype)) throw primError(P, `indices must have an integer dtype, got ${indices}`);
  if (!Number.isInteger(ivd) || ivd < 0 || ivd > indices.ndim)
    throw primError(P, `indexVectorDim ${ivd} must be in [0, ${indices.ndim}] for indices ${indices}`);
  const k = ivd < indices.ndim ? indices.shape[ivd]! : 1;
  dimsIn(P, mapName, startMap, operand.ndim, false);
  if (startMap.length !== k)
    throw primError(P, `${mapName} ${JSON.stringify(startMap)} must have one entry per index-vector component (${k}, from indices ${indices} with indexVectorDim ${ivd})`);
  dimsIn(P, "operandBatchingDims", opBatch, operand.ndim, true);
  dimsIn(P, idxBatchName, idxBatch, indices.ndim, false);
  if (opBatch.length !== idxBatch.length)
    throw primError(P, `operandBatchingDims ${JSON.stringify(opBatch)} and ${idxBatchName} ${JSON.stringify(idxBatch)} must have equal lengths`);
  if (idxBatch.includes(ivd)) throw primError(P, `${idxBatchName} ${JSON.stringify(idxBatch)} must not contain indexVectorDim ${ivd}`);
  disjoint(P, mapName, startMap, "operandBatchingDims", opBatch);
  opBatch.forEach((d, i) => {
    if (operand.shape[d] !== indices.shape[idxBatch[i]!])
      throw primError(P, `operand ${operand} batching dimension ${d} and indices ${indices} batching dimension ${idxBatch[i]} differ in size`);
  });
  return indices.shape.filter((_, i) => i !== ivd);
}

/** Reads index vectors: `start(batchIdx, j)` is component j at batch position `batchIdx`. */
function indexReader(indices: HostArray, ivd: number): (batchIdx: readonly number[], j: number) => number {
  const st = stridesOf(indices.aval.shape);
  const bst = st.filter((_, i) => i !== ivd);
  const jst = ivd < st.length ? st[ivd]! : 0;
  const d = indices.data;
  return (b, j) => {
    let s = j * jst;
    for (let i = 0; i < b.length; i++) s += b[i]! * bst[i]!;
    return Number(d[s]!);
  };
}

/** Position of indices dimension `d` among the batch dims (indices' dims without ivd). */
const batchPosOf = (d: number, ivd: number) => (d > ivd ? d - 1 : d);

// --- gather ---------------------------------------------------------------------------------

function gatherShape(avals: ShapedArray[], { dimensionNumbers: dn, sliceSizes }: GatherParams): Shape {
  const P = "gather";
  if (avals.length !== 2) throw primError(P, `expects 2 operands (operand, indices), got ${avals.length}`);
  const [a, idx] = avals as [ShapedArray, ShapedArray];
  const obd = dn.operandBatchingDims ?? [];
  const batch = checkIndices(P, a, idx, dn.indexVectorDim, dn.startIndexMap, "startIndexMap", obd, dn.startIndicesBatchingDims ?? [], "startIndicesBatchingDims");
  checkInts(P, "sliceSizes", sliceSizes, a.ndim, 0);
  sliceSizes.forEach((s, i) => {
    if (s > a.shape[i]!) throw primError(P, `sliceSizes ${JSON.stringify(sliceSizes)} exceed operand ${a} in dimension ${i}`);
  });
  dimsIn(P, "collapsedSliceDims", dn.collapsedSliceDims, a.ndim, true);
  disjoint(P, "collapsedSliceDims", dn.collapsedSliceDims, "operandBatchingDims", obd);
  for (const d of [...dn.collapsedSliceDims, ...obd])
    if (sliceSizes[d]! > 1) throw primError(P, `sliceSizes[${d}] = ${sliceSizes[d]} must be 0 or 1 for a collapsed or batching dimension`);
  const offsetSizes = sliceSizes.filter((_, i) => !dn.collapsedSliceDims.includes(i) && !obd.includes(i));
  const rank = batch.length + offsetSizes.length;
  dimsIn(P, "offsetDims", dn.offsetDims, rank, true);
  if (dn.offsetDims.length !== offsetSizes.length)
    throw primError(
      P,
      `offsetDims ${JSON.stringify(dn.offsetDims)} must list ${offsetSizes.length} output dimensions: one per operand dimension (of ${a}) neither collapsed nor batching`,
    );
  const shape: number[] = [];
  let o = 0;
  let b = 0;
  for (let i = 0; i < rank; i++) shape.push(dn.offsetDims.includes(i) ? offsetSizes[o++]! : batch[b++]!);
  return shape;
}

export const gatherP = definePrimitive<GatherParams>({
  name: "gather",
  abstractEval(avals, params) {
    const a = avals[0]!;
    return [out(gatherShape(avals, params), a.dtype, a.weakType)];
  },
  lower(ctx, [x, idx], avals, [o], { dimensionNumbers: dn, sliceSizes, indicesAreSorted }) {
    const fields = [
      dimsField("offset_dims", dn.offsetDims),
      dimsField("collapsed_slice_dims", dn.collapsedSliceDims),
      dimsField("operand_batching_dims", dn.operandBatchingDims ?? []),
      dimsField("start_indices_batching_dims", dn.startIndicesBatchingDims ?? []),
      dimsField("start_index_map", dn.startIndexMap),
      `index_vector_dim = ${dn.indexVectorDim}`,
    ].filter(Boolean);
    let attrs = `dimension_numbers = #stablehlo.gather<${fields.join(", ")}>, slice_sizes = ${i64Array(sliceSizes)}`;
    if (indicesAreSorted) attrs += ", indices_are_sorted = true";
    return [ctx.op1("stablehlo.gather", [x!, idx!], avals, o!, { attrs })];
  },
  ref([x, idx], { dimensionNumbers: dn, sliceSizes }, [o]) {
    const opShape = x!.aval.shape;
    const ivd = dn.indexVectorDim;
    const obd = dn.operandBatchingDims ?? [];
    const sibd = (dn.startIndicesBatchingDims ?? []).map((d) => batchPosOf(d, ivd));
    const batchDims = o!.shape.map((_, i) => i).filter((i) => !dn.offsetDims.includes(i));
    const windowDims = opShape.map((_, i) => i).filter((i) => !dn.collapsedSliceDims.includes(i) && !obd.includes(i));
    const read = indexReader(idx!, ivd);
    const st = stridesOf(opShape);
    const src = x!.data as { [i: number]: number | bigint };
    const r = newHost(o!);
    const dst = r.data as { [i: number]: number | bigint };
    const opIdx = new globalThis.Array<number>(opShape.length);
    forEachIndex(o!.shape, (flat, oi) => {
      const b = batchDims.map((d) => oi[d]!);
      opIdx.fill(0);
      dn.startIndexMap.forEach((od, j) => {
        opIdx[od] = Math.min(Math.max(read(b, j), 0), opShape[od]! - sliceSizes[od]!);
      });
      obd.forEach((od, i) => (opIdx[od] = b[sibd[i]!]!));
      windowDims.forEach((od, k) => (opIdx[od]! += oi[dn.offsetDims[k]!]!));
      let s = 0;
      for (let i = 0; i < opIdx.length; i++) s += opIdx[i]! * st[i]!;
      dst[flat] = src[s]!;
    });
    return [r];
  },
});

// Empty lists are left out, as StableHLO's own printer does.
const dimsField = (name: string, xs: readonly number[]) => (xs.length ? `${name} = [${xs.join(", ")}]` : "");

// --- scatter family ---------------------------------------------------------------------------

function scatterShape(P: string, avals: ShapedArray[], { dimensionNumbers: dn }: ScatterParams): void {
  if (avals.length !== 3) throw primError(P, `expects 3 operands (operand, indices, updates), got ${avals.length}`);
  const [a, idx, u] = avals as [ShapedArray, ShapedArray, ShapedArray];
  if (a.dtype !== u.dtype) throw primError(P, `updates must have the operand's dtype (primitives do not promote), got ${a} and ${u}`);
  const obd = dn.operandBatchingDims ?? [];
  const batch = checkIndices(P, a, idx, dn.indexVectorDim, dn.scatterDimsToOperandDims, "scatterDimsToOperandDims", obd, dn.scatterIndicesBatchingDims ?? [], "scatterIndicesBatchingDims");
  dimsIn(P, "updateWindowDims", dn.updateWindowDims, u.ndim, true);
  dimsIn(P, "insertedWindowDims", dn.insertedWindowDims, a.ndim, true);
  disjoint(P, "insertedWindowDims", dn.insertedWindowDims, "operandBatchingDims", obd);
  const windowDims = a.shape.map((_, i) => i).filter((i) => !dn.insertedWindowDims.includes(i) && !obd.includes(i));
  if (windowDims.length !== dn.updateWindowDims.length)
    throw primError(
      P,
      `updateWindowDims ${JSON.stringify(dn.updateWindowDims)} must list ${windowDims.length} dimensions of updates: one per operand dimension (of ${a}) neither inserted nor batching`,
    );
  const scatterDims = u.shape.map((_, i) => i).filter((i) => !dn.updateWindowDims.includes(i));
  const bad = () =>
    primError(
      P,
      `updates ${u} do not fit: expected scatter dimensions ${shapeStr(batch)} (indices ${idx} without indexVectorDim ${dn.indexVectorDim}) and window dimensions at most ${shapeStr(windowDims.map((d) => a.shape[d]!))} (operand ${a})`,
    );
  if (scatterDims.length !== batch.length || scatterDims.some((d, i) => u.shape[d] !== batch[i])) throw bad();
  if (dn.updateWindowDims.some((d, k) => u.shape[d]! > a.shape[windowDims[k]!]!)) throw bad();
}

type Kind = "set" | "add" | "mul" | "min" | "max";

/** Rounds/wraps a float64 result to what `dtype` stores (per step, as XLA accumulates). */
function rounder(d: DType): (v: number) => number {
  switch (d) {
    case "float32":
      return Math.fround;
    case "float16":
      return (v) => f16BitsToF32(f32ToF16Bits(v));
    case "bfloat16":
      return (v) => bf16BitsToF32(f32ToBf16Bits(v));
    case "int8":
      return (v) => (v << 24) >> 24;
    case "uint8":
      return (v) => v & 0xff;
    case "int32":
      return (v) => v | 0;
    case "uint32":
      return (v) => v >>> 0;
    case "bool":
      return (v) => (v ? 1 : 0);
    default:
      return (v) => v;
  }
}

function combiner(kind: Kind, d: DType): (a: number, u: number) => number {
  const r = rounder(d);
  switch (kind) {
    case "set":
      return (_a, u) => u;
    case "add":
      return (a, u) => r(a + u);
    case "mul":
      return d === "int32" || d === "uint32" ? (a, u) => r(Math.imul(a, u)) : (a, u) => r(a * u);
    // As XLA's CPU scatter computes them: a NaN already in the operand stays, a NaN update is
    // ignored (not the NaN-propagating elementwise min/max; the spec leaves this open).
    case "min":
      return (a, u) => (u < a ? u : a);
    case "max":
      return (a, u) => (u > a ? u : a);
  }
}

const BIG: Record<Kind, (a: bigint, u: bigint) => bigint> = {
  set: (_a, u) => u,
  add: (a, u) => BigInt.asIntN(64, a + u),
  mul: (a, u) => BigInt.asIntN(64, a * u),
  min: (a, u) => (a < u ? a : u),
  max: (a, u) => (a > u ? a : u),
};

function scatterRef(kind: Kind, [x, idx, upd]: HostArray[], { dimensionNumbers: dn }: ScatterParams, o: ShapedArray): HostArray {
  const opShape = x!.aval.shape;
  const uShape = upd!.aval.shape;
  const ivd = dn.indexVectorDim;
  const obd = dn.operandBatchingDims ?? [];
  const sibd = (dn.scatterIndicesBatchingDims ?? []).map((d) => batchPosOf(d, ivd));
  const scatterDims = uShape.map((_, i) => i).filter((i) => !dn.updateWindowDims.includes(i));
  const windowDims = opShape.map((_, i) => i).filter((i) => !dn.insertedWindowDims.includes(i) && !obd.includes(i));
  const windowSize = (od: number) => {
    const k = windowDims.indexOf(od);
    return k < 0 ? 1 : uShape[dn.updateWindowDims[k]!]!;
  };
  const maxStart = dn.scatterDimsToOperandDims.map((od) => opShape[od]! - windowSize(od));
  const read = indexReader(idx!, ivd);
  const st = stridesOf(opShape);
  const big = o.dtype === "int64";
  const work: { [i: number]: number | bigint } = big ? (x!.data as BigInt64Array).slice() : toNumbers(x!);
  const ups: { [i: number]: number | bigint } = big ? (upd!.data as BigInt64Array) : toNumbers(upd!);
  const f = big ? (BIG[kind] as (a: number | bigint, u: number | bigint) => number | bigint) : (combiner(kind, o.dtype) as (a: number | bigint, u: number | bigint) => number | bigint);
  const opIdx = new globalThis.Array<number>(opShape.length);
  forEachIndex(uShape, (flat, ui) => {
    const b = scatterDims.map((d) => ui[d]!);
    opIdx.fill(0);
    // XLA skips a whole update window whose start would put any of it out of bounds.
    for (let j = 0; j < maxStart.length; j++) {
      const s = read(b, j);
      if (s < 0 || s > maxStart[j]!) return;
      opIdx[dn.scatterDimsToOperandDims[j]!] = s;
    }
    obd.forEach((od, i) => (opIdx[od] = b[sibd[i]!]!));
    windowDims.forEach((od, k) => (opIdx[od]! += ui[dn.updateWindowDims[k]!]!));
    let t = 0;
    for (let i = 0; i < opIdx.length; i++) t += opIdx[i]! * st[i]!;
    work[t] = f(work[t]!, ups[flat]!);
  });
  if (big) return { aval: o, data: work as BigInt64Array };
  return fromNumbers(work as Float64Array, o.shape, o.dtype, o.weakType);
}

const SCATTER_OPS: Record<Kind, { name: string; mlir?: string; cls: DtypeClass }> = {
  set: { name: "scatter", cls: "any" },
  add: { name: "scatter_add", mlir: "stablehlo.add", cls: "num" },
  mul: { name: "scatter_mul", mlir: "stablehlo.multiply", cls: "num" },
  min: { name: "scatter_min", mlir: "stablehlo.minimum", cls: "any" },
  max: { name: "scatter_max", mlir: "stablehlo.maximum", cls: "any" },
};

function defScatter(kind: Kind): Primitive<ScatterParams> {
  const { name, mlir, cls } = SCATTER_OPS[kind];
  return definePrimitive<ScatterParams>({
    name,
    abstractEval(avals, params) {
      scatterShape(name, avals, params);
      checkDtype(name, "operand", avals[0]!, cls);
      const a = avals[0]!;
      return [out(a.shape, a.dtype, a.weakType)];
    },
    lower(ctx, [x, idx, u], avals, [o], { dimensionNumbers: dn, indicesAreSorted, uniqueIndices }) {
      const s = new ShapedArray([], o!.dtype);
      const region = ctx.block([s, s], [s], ([a, b]) => (mlir ? [ctx.op1(mlir, [a!, b!], [s, s], s)] : [b!]));
      const fields = [
        dimsField("update_window_dims", dn.updateWindowDims),
        dimsField("inserted_window_dims", dn.insertedWindowDims),
        dimsField("input_batching_dims", dn.operandBatchingDims ?? []),
        dimsField("scatter_indices_batching_dims", dn.scatterIndicesBatchingDims ?? []),
        dimsField("scatter_dims_to_operand_dims", dn.scatterDimsToOperandDims),
        `index_vector_dim = ${dn.indexVectorDim}`,
      ].filter(Boolean);
      let attrs = `scatter_dimension_numbers = #stablehlo.scatter<${fields.join(", ")}>`;
      if (indicesAreSorted) attrs += ", indices_are_sorted = true";
      if (uniqueIndices) attrs += ", unique_indices = true";
      return [ctx.op1("stablehlo.scatter", [x!, idx!, u!], avals, o!, { attrs, regions: [region] })];
    },
    ref(ins, params, [o]) {
      return [scatterRef(kind, ins, params, o!)];
    },
  });
}

export const scatterP = defScatter("set");
export const scatterAddP = defScatter("add");
export const scatterMulP = defScatter("mul");
export const scatterMinP = defScatter("min");
export const scatterMaxP = defScatter("max");

// --- the lax face ---------------------------------------------------------------------------

export interface GatherOptions {
  indicesAreSorted?: boolean;
  uniqueIndices?: boolean;
  /**
   * Out-of-bounds start indices: "clip" (default; XLA clamps them so the slice fits) or
   * "promise_in_bounds" (the same here), or "fill": slices that would not fit give `fillValue`
   * (default NaN for floats, the minimum for signed ints, the maximum for unsigned, true for bool).
   */
  mode?: "clip" | "fill" | "promise_in_bounds";
  fillValue?: number;
}

export interface ScatterOptions {
  indicesAreSorted?: boolean;
  uniqueIndices?: boolean;
  /** "drop" (default; XLA skips update windows that do not fit), "clip" (indices are clamped first) or "promise_in_bounds". */
  mode?: "drop" | "clip" | "promise_in_bounds";
}

/** A concrete array of `shape` whose value at each position depends on its index along `dim`. */
function alongDim(shape: Shape, dim: number, vals: readonly number[], dtype: DType): Array {
  const n = shape.reduce((p, q) => p * q, 1);
  const st = stridesOf(shape);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = dim < shape.length ? vals[Math.floor(i / st[dim]!) % shape[dim]!]! : vals[0]!;
  const h = fromNumbers(data, shape, dtype);
  return new Array(h.aval, { host: h.data });
}

function defaultFill(d: DType): number {
  if (isFloatDtype(d)) return NaN;
  switch (d) {
    case "int8":
      return -128;
    case "int32":
      return -(2 ** 31);
    case "int64":
      return -(2 ** 63);
    case "uint8":
      return 255;
    case "uint32":
      return 2 ** 32 - 1;
    default:
      return 1;
  }
}

/** Whether each index vector's window fits: bool of indices' shape without indexVectorDim. */
function inBounds(indices: Value, ivd: number, maxStart: readonly number[]): Value {
  const lo = alongDim(indices.shape, ivd, maxStart.map(() => 0), indices.dtype);
  const hi = alongDim(indices.shape, ivd, maxStart, indices.dtype);
  const ok = ew.bitwiseAnd(ew.ge(indices, lo), ew.le(indices, hi));
  if (ivd === indices.ndim) return ok;
  let all = shapeLax.sliceInDim(ok, 0, 1, 1, ivd);
  for (let j = 1; j < maxStart.length; j++) all = ew.bitwiseAnd(all, shapeLax.sliceInDim(ok, j, j + 1, 1, ivd));
  return shapeLax.squeeze(all, [ivd]);
}

function scatterWith(p: Primitive<ScatterParams>) {
  return (operand: Value, indices: Value, updates: Value, dimensionNumbers: ScatterDimensionNumbers, opts: ScatterOptions = {}): Value => {
    const dn = sdn(dimensionNumbers);
    if (opts.mode === "clip") {
      const windowDims = operand.shape.map((_, i) => i).filter((i) => !dn.insertedWindowDims.includes(i) && !dn.operandBatchingDims.includes(i));
      const maxStart = dn.scatterDimsToOperandDims.map((od) => {
        const k = windowDims.indexOf(od);
        return operand.shape[od]! - (k < 0 ? 1 : updates.shape[dn.updateWindowDims[k]!] ?? 1);
      });
      const ivd = dn.indexVectorDim;
      indices = ew.clamp(alongDim(indices.shape, ivd, maxStart.map(() => 0), indices.dtype), indices, alongDim(indices.shape, ivd, maxStart, indices.dtype));
    }
    return bind1(p, [operand, indices, updates], { dimensionNumbers: dn, indicesAreSorted: !!opts.indicesAreSorted, uniqueIndices: !!opts.uniqueIndices });
  };
}

export const gatherLax = {
  /** XLA's gather with full dimension numbers (see GatherOptions for out-of-bounds modes). */
  gather(operand: Value, indices: Value, dimensionNumbers: GatherDimensionNumbers, sliceSizes: readonly number[], opts: GatherOptions = {}): Value {
    const dn = gdn(dimensionNumbers);
    if (!globalThis.Array.isArray(sliceSizes))
      throw new TypeError(`lax.gather: sliceSizes must be an array with one size per operand dimension (${operand.ndim}), got ${typeof sliceSizes}`);
    const g = bind1(gatherP, [operand, indices], {
      dimensionNumbers: dn,
      sliceSizes: [...sliceSizes],
      indicesAreSorted: !!opts.indicesAreSorted,
      uniqueIndices: !!opts.uniqueIndices,
    });
    if (opts.mode !== "fill") return g;
    const maxStart = dn.startIndexMap.map((od) => operand.shape[od]! - sliceSizes[od]!);
    const ok = inBounds(indices, dn.indexVectorDim, maxStart);
    const batchDims = g.shape.map((_, i) => i).filter((i) => !dn.offsetDims.includes(i));
    const mask = shapeLax.broadcastInDim(ok, g.shape, batchDims);
    const fill = shapeLax.broadcastInDim(scalarConst(opts.fillValue ?? defaultFill(g.dtype), g.dtype, false), g.shape, []);
    return ew.select(mask, g, fill);
  },
  /** Replaces operand windows by updates (duplicate indices: one of them wins, unspecified which). */
  scatter: scatterWith(scatterP),
  scatterAdd: scatterWith(scatterAddP),
  scatterMul: scatterWith(scatterMulP),
  scatterMin: scatterWith(scatterMinP),
  scatterMax: scatterWith(scatterMaxP),
};
