import { lax } from "../../../src/lax/index.js";
import type { GatherDimensionNumbers, ScatterDimensionNumbers } from "../../../src/lax/gather.js";
import type { DType } from "../../../src/xla/dtype.js";
import type { Gen, InputSpec, Sample } from "./types.js";

const spec = (shape: number[], dtype: DType, values?: number[]): InputSpec => ({ shape, dtype, ...(values ? { values } : {}) });
const gen = (shape: number[], dtype: DType, g: Gen): InputSpec => ({ shape, dtype, gen: g });

// x[idx] on axis 0 (scalar indices: indexVectorDim = rank of indices).
const take0: GatherDimensionNumbers = { offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0], indexVectorDim: 1 };
// x[:, idx] with idx of shape [2, 2]: the slice dimension comes first in the output.
const take1: GatherDimensionNumbers = { offsetDims: [0], collapsedSliceDims: [1], startIndexMap: [1], indexVectorDim: 2 };
// x[i, j] for index pairs (gather_nd).
const nd: GatherDimensionNumbers = { offsetDims: [1], collapsedSliceDims: [0, 1], startIndexMap: [0, 1], indexVectorDim: 1 };
// Windows of 2 rows starting at each index.
const windows: GatherDimensionNumbers = { offsetDims: [1, 2], collapsedSliceDims: [], startIndexMap: [0], indexVectorDim: 1 };
// take_along_axis on axis 1 with batching dims: out[b, k] = x[b, idx[b, k]].
const along: GatherDimensionNumbers = {
  offsetDims: [],
  collapsedSliceDims: [1],
  startIndexMap: [1],
  operandBatchingDims: [0],
  startIndicesBatchingDims: [0],
  indexVectorDim: 2,
};
// A single element of a vector by a rank-0 index.
const elem: GatherDimensionNumbers = { offsetDims: [], collapsedSliceDims: [0], startIndexMap: [0], indexVectorDim: 0 };

const rows: ScatterDimensionNumbers = { updateWindowDims: [1], insertedWindowDims: [0], scatterDimsToOperandDims: [0], indexVectorDim: 1 };
const winRows: ScatterDimensionNumbers = { updateWindowDims: [1, 2], insertedWindowDims: [], scatterDimsToOperandDims: [0], indexVectorDim: 1 };
const points: ScatterDimensionNumbers = { updateWindowDims: [], insertedWindowDims: [0, 1], scatterDimsToOperandDims: [0, 1], indexVectorDim: 1 };
const alongS: ScatterDimensionNumbers = {
  updateWindowDims: [],
  insertedWindowDims: [1],
  scatterDimsToOperandDims: [1],
  operandBatchingDims: [0],
  scatterIndicesBatchingDims: [0],
  indexVectorDim: 2,
};
const vec: ScatterDimensionNumbers = { updateWindowDims: [], insertedWindowDims: [0], scatterDimsToOperandDims: [0], indexVectorDim: 1 };
const elemS: ScatterDimensionNumbers = { updateWindowDims: [], insertedWindowDims: [0], scatterDimsToOperandDims: [0], indexVectorDim: 0 };

export const samples: Sample[] = [
  // gather
  ...(["float32", "int32", "bool", "float16", "int64", "uint8"] as const).map((d) => ({
    prims: ["gather"],
    name: `gather ${d}: take on axis 0 with a clamped index, take on axis 1 with 2-d indices`,
    inputs: [spec([5, 3], d), spec([4], "int32", [0, 4, 2, 7]), spec([3, 5], d), spec([2, 2], "int32", [4, 0, -3, 1])],
    fn: (x, i, y, j) => [lax.gather(x!, i!, take0, [1, 3]), lax.gather(y!, j!, take1, [3, 1])],
  } satisfies Sample)),
  {
    prims: ["gather"],
    name: "gather_nd with clamped negative indices; windows with clamped starts",
    inputs: [spec([4, 5, 2], "float32"), spec([3, 2], "int32", [1, 2, -1, 4, 3, 9]), spec([6, 4], "float64"), spec([3, 1], "int32", [0, 5, 3])],
    fn: (x, i, y, j) => [lax.gather(x!, i!, nd, [1, 1, 2]), lax.gather(y!, j!, windows, [2, 4])],
  },
  ...(["uint32", "int64", "uint8", "int8"] as const).map((it) => ({
    prims: ["gather"],
    name: `gather with ${it} indices (bf16 operand)`,
    inputs: [spec([6, 2], "bfloat16"), spec([3], it, [5, 0, 2])],
    fn: (x, i) => lax.gather(x!, i!, take0, [1, 2], { indicesAreSorted: false, uniqueIndices: true }),
  } satisfies Sample)),
  {
    prims: ["gather"],
    name: "gather with batching dims (take_along_axis)",
    inputs: [spec([3, 5], "float32"), spec([3, 2, 1], "int32", [0, 4, 2, 2, 6, -1])],
    fn: (x, i) => lax.gather(x!, i!, along, [1, 1]),
  },
  {
    prims: ["gather"],
    name: "gather rank-0 index, empty indices, size-0 slices",
    inputs: [spec([5], "int32"), spec([], "int32", [3]), spec([4, 3], "float32"), spec([0], "int32", [])],
    fn: (v, i, x, e) => [lax.gather(v!, i!, elem, [1]), lax.gather(x!, e!, take0, [1, 3]), lax.gather(x!, i!, { ...elem, offsetDims: [0] }, [1, 0])],
  },
  {
    prims: ["gather"],
    name: "gather fill mode: out-of-bounds slices give the fill value",
    inputs: [spec([5, 3], "float32"), spec([4], "int32", [0, 5, -1, 4]), spec([4, 5, 2], "int32"), spec([3, 2], "int32", [1, 2, -1, 4, 3, 4])],
    fn: (x, i, y, j) => [lax.gather(x!, i!, take0, [1, 3], { mode: "fill" }), lax.gather(y!, j!, nd, [1, 1, 2], { mode: "fill" }), lax.gather(x!, i!, take0, [1, 3], { mode: "fill", fillValue: 0 })],
  },
  // scatter_add
  ...(["float32", "int32", "uint8", "float64", "int64", "float16", "bfloat16", "int8", "uint32"] as const).map((d) => ({
    prims: ["scatter_add"],
    name: `scatter_add ${d}: duplicate rows, an out-of-bounds row dropped`,
    inputs: [spec([5, 3], d), spec([4], "int32", [0, 2, 0, 7]), spec([4, 3], d)],
    fn: (x, i, u) => lax.scatterAdd(x!, i!, u!, rows),
  } satisfies Sample)),
  {
    prims: ["scatter_add"],
    name: "scatter_add windows: a window that would not fit is dropped whole; clip mode clamps it",
    inputs: [spec([6, 4], "float32"), spec([3, 1], "int32", [1, 5, -1]), spec([3, 2, 4], "float32")],
    fn: (x, i, u) => [lax.scatterAdd(x!, i!, u!, winRows), lax.scatterAdd(x!, i!, u!, winRows, { mode: "clip" })],
  },
  {
    prims: ["scatter_add"],
    name: "scatter_add points (index pairs) and batching dims, rank-0",
    inputs: [spec([4, 3], "float32"), spec([3, 2], "int32", [1, 2, 3, 0, 1, 2]), spec([3], "float32"), spec([3, 5], "int32"), spec([3, 2, 1], "int32", [0, 4, 2, 2, 6, 1]), spec([3, 2], "int32"), spec([], "int32", [2]), spec([], "int32")],
    fn: (x, i, u, y, j, v, k, w) => [lax.scatterAdd(x!, i!, u!, points), lax.scatterAdd(y!, j!, v!, alongS), lax.scatterAdd(lax.reshape(v!, [6]), k!, w!, elemS)],
  },
  // scatter (set)
  ...(["float32", "int32", "bool", "float16", "int64"] as const).map((d) => ({
    prims: ["scatter"],
    name: `scatter ${d}: unique rows, an out-of-bounds one dropped`,
    inputs: [spec([5, 3], d), spec([3], "int32", [3, 1, -1]), spec([3, 3], d)],
    fn: (x, i, u) => lax.scatter(x!, i!, u!, rows, { uniqueIndices: true }),
  } satisfies Sample)),
  {
    prims: ["scatter"],
    name: "scatter with duplicate indices (implementation-defined winner)",
    inputs: [spec([4, 2], "float32"), spec([3], "int32", [1, 1, 2]), spec([3, 2], "float32")],
    fn: (x, i, u) => lax.scatter(x!, i!, u!, rows),
    refOnly: true,
  },
  {
    prims: ["scatter"],
    name: "scatter windows (clip mode) and with batching dims",
    inputs: [spec([6, 4], "int32"), spec([2, 1], "int32", [0, 9]), spec([2, 2, 4], "int32"), spec([3, 5], "float32"), spec([3, 2, 1], "int32", [0, 4, 2, 3, 1, 0]), spec([3, 2], "float32")],
    fn: (x, i, u, y, j, v) => [lax.scatter(x!, i!, u!, winRows, { mode: "clip" }), lax.scatter(y!, j!, v!, alongS)],
  },
  // scatter_mul / min / max
  ...(["float32", "int32", "uint8", "int64"] as const).map((d) => ({
    prims: ["scatter_mul", "scatter_min", "scatter_max"],
    name: `scatter_mul / min / max ${d} with duplicates`,
    inputs: [spec([5, 2], d), spec([5], "int32", [4, 0, 4, 2, 5]), spec([5, 2], d)],
    fn: (x, i, u) => [lax.scatterMul(x!, i!, u!, rows), lax.scatterMin(x!, i!, u!, rows), lax.scatterMax(x!, i!, u!, rows)],
  } satisfies Sample)),
  {
    prims: ["scatter_min", "scatter_max"],
    name: "scatter_min / max bool and f32 (-0, inf)",
    inputs: [spec([4], "bool", [0, 1, 0, 1]), spec([3], "int32", [0, 1, 1]), spec([3], "bool", [1, 0, 1]), spec([4], "float32", [1, -Infinity, 3, 4]), spec([3], "float32", [Infinity, 2, -0])],
    fn: (b, i, ub, x, ux) => [lax.scatterMin(b!, i!, ub!, vec), lax.scatterMax(b!, i!, ub!, vec), lax.scatterMin(x!, i!, ux!, vec), lax.scatterMax(x!, i!, ux!, vec)],
  },
  {
    // XLA CPU keeps an operand NaN and ignores NaN updates; other backends may differ.
    prims: ["scatter_min", "scatter_max"],
    name: "scatter_min / max with NaNs (ref only)",
    inputs: [spec([5], "float32", [1, NaN, 3, 4, NaN]), spec([5], "int32", [0, 1, 1, 3, 4]), spec([5], "float32", [NaN, 2, 5, NaN, 1])],
    fn: (x, i, u) => [lax.scatterMin(x!, i!, u!, vec), lax.scatterMax(x!, i!, u!, vec)],
    refOnly: true,
  },
  // For the transformations: finite outputs for finite differences, and (as vmap leaves the
  // last input unbatched) shared operands, indices or updates.
  {
    prims: ["gather"],
    name: "gather fill mode with fill value 0; per-example indices into a shared operand",
    inputs: [gen([4], "int32", "index"), gen([3, 2, 1], "int32", "index"), spec([5, 3], "float32")],
    fn: (i, j, x) => [lax.gather(x!, i!, take0, [1, 3], { mode: "fill", fillValue: 0 }), lax.gather(x!, i!, take0, [1, 3]), lax.gather(lax.slice(x!, [0, 0], [3, 3]), j!, along, [1, 1])],
  },
  {
    prims: ["gather"],
    name: "gather windows with per-example operands and shared indices",
    inputs: [spec([6, 4], "float64"), spec([3, 5], "float32"), spec([3, 1], "int32", [0, 5, 3])],
    fn: (y, x, j) => [lax.gather(y!, j!, windows, [2, 4]), lax.gather(x!, lax.reshape(j!, [3, 1, 1]), along, [1, 1])],
  },
  {
    prims: ["scatter_add", "scatter"],
    name: "scatter_add / scatter with shared indices (duplicates, an out-of-bounds one)",
    inputs: [spec([5, 3], "float32"), spec([4, 3], "float32"), spec([4], "int32", [0, 2, 0, 7])],
    fn: (x, u, i) => [lax.scatterAdd(x!, i!, u!, rows), lax.scatter(x!, lax.slice(i!, [1], [4]), lax.slice(u!, [1, 0], [4, 3]), rows, { uniqueIndices: true })],
  },
  {
    prims: ["scatter_add", "scatter", "scatter_mul", "scatter_min", "scatter_max"],
    name: "scatters with per-example indices and updates into a shared operand",
    inputs: [gen([3], "int32", "index"), spec([3, 2], "float32"), spec([5, 2], "float32")],
    fn: (i, u, x) => [lax.scatterAdd(x!, i!, u!, rows), lax.scatter(x!, lax.slice(i!, [0], [1]), lax.slice(u!, [0, 0], [1, 2]), rows), lax.scatterMul(x!, i!, u!, rows), lax.scatterMin(x!, i!, u!, rows), lax.scatterMax(x!, i!, u!, rows)],
  },
  {
    prims: ["scatter_mul", "scatter_min", "scatter_max"],
    name: "scatter_mul (unique indices) / min / max f32 without duplicates",
    inputs: [spec([5, 2], "float32"), spec([3, 2], "float32"), spec([3], "int32", [4, 0, 2])],
    fn: (x, u, i) => [lax.scatterMul(x!, i!, u!, rows, { uniqueIndices: true }), lax.scatterMin(x!, i!, u!, rows), lax.scatterMax(x!, i!, u!, rows)],
  },
  {
    prims: ["scatter_mul"],
    name: "scatter_mul f64: duplicates with zero updates, an out-of-bounds one",
    inputs: [spec([5], "float64"), spec([7], "float64", [0, 2, 0, 0, 3, 1.5, 4]), spec([7], "int32", [1, 1, 2, 2, 2, 3, 5])],
    fn: (x, u, i) => lax.scatterMul(x!, i!, u!, vec),
  },
];
