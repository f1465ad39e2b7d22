import { lax } from "../../../src/lax/index.js";
import { bind1, getPrimitive } from "../../../src/core/index.js";
import type { DType } from "../../../src/xla/dtype.js";
import type { Gen, InputSpec, Sample } from "./types.js";

const spec = (shape: number[], dtype: DType, values?: number[]): InputSpec => ({ shape, dtype, ...(values ? { values } : {}) });
const scalar = (dtype: DType, v: number): InputSpec => ({ shape: [], dtype, values: [v] });
const gen = (shape: number[], dtype: DType, g: Gen): InputSpec => ({ shape, dtype, gen: g });

export const samples: Sample[] = [
  // broadcast_in_dim
  ...(["float32", "int32", "bool", "float16", "int64"] as const).map((d) => ({
    prims: ["broadcast_in_dim"],
    name: `broadcast_in_dim ${d}: [3] -> [2,3], [3,1] -> [3,4], [] -> [2,2]`,
    inputs: [spec([3], d), spec([3, 1], d), spec([], d)],
    fn: (a, b, c) => [lax.broadcastInDim(a!, [2, 3], [1]), lax.broadcastInDim(b!, [3, 4], [0, 1]), lax.broadcastInDim(c!, [2, 2], [])],
  } satisfies Sample)),
  {
    prims: ["broadcast_in_dim"],
    name: "broadcast (prepend dims), size-0 output, rank-0 to rank-0",
    inputs: [spec([2, 3], "uint8"), spec([1, 3], "float64"), spec([], "bfloat16")],
    fn: (a, b, c) => [lax.broadcast(a!, [4]), lax.broadcastInDim(b!, [0, 3], [0, 1]), bind1(getPrimitive("broadcast_in_dim"), [c!], { shape: [], broadcastDimensions: [] })],
  },
  // reshape
  ...(["float32", "uint8", "bfloat16", "int64", "bool"] as const).map((d) => ({
    prims: ["reshape"],
    name: `reshape ${d}: [2,3] -> [3,2], [6] -> [1,2,3], [] -> [1,1], [0,3] -> [3,0]`,
    inputs: [spec([2, 3], d), spec([6], d), spec([], d), spec([0, 3], d)],
    fn: (a, b, c, e) => [lax.reshape(a!, [3, 2]), lax.reshape(b!, [1, 2, 3]), lax.reshape(c!, [1, 1]), lax.reshape(e!, [3, 0])],
  } satisfies Sample)),
  {
    prims: ["reshape"],
    name: "squeeze / expandDims (negative dims)",
    inputs: [spec([1, 3, 1], "float32"), spec([3], "int32")],
    fn: (a, b) => [lax.squeeze(a!, [0, -1]), lax.expandDims(b!, [0, -1]), lax.expandDims(b!, [1])],
  },
  // transpose
  ...(["float32", "int8", "float64", "uint32"] as const).map((d) => ({
    prims: ["transpose"],
    name: `transpose ${d}: [2,3,4] by [2,0,1], [3,2] by [1,0]`,
    inputs: [spec([2, 3, 4], d), spec([3, 2], d)],
    fn: (a, b) => [lax.transpose(a!, [2, 0, 1]), lax.transpose(b!, [1, 0])],
  } satisfies Sample)),
  // rev
  ...(["float32", "uint32", "bool", "float16"] as const).map((d) => ({
    prims: ["rev"],
    name: `rev ${d}: both dims, one dim, none`,
    inputs: [spec([3, 4], d)],
    fn: (a) => [lax.rev(a!, [0, 1]), lax.rev(a!, [1]), bind1(getPrimitive("rev"), [a!], { dimensions: [] })],
  } satisfies Sample)),
  // pad
  {
    prims: ["pad"],
    name: "pad f32: low/high/interior, negative edges",
    inputs: [spec([2, 3], "float32"), scalar("float32", -7.5)],
    fn: (x, v) => [
      lax.pad(x!, v!, [
        [1, 2, 1],
        [0, 1, 2],
      ]),
      lax.pad(x!, v!, [
        [-1, 1, 0],
        [2, -2, 1],
      ]),
      lax.pad(x!, v!, [
        [-2, -1, 2],
        [0, 0, 0],
      ]),
    ],
  },
  ...(["int32", "bool", "bfloat16", "int64", "uint8"] as const).map((d) => ({
    prims: ["pad"],
    name: `pad ${d}: interior + negative low, size-0 operand, rank-0`,
    inputs: [spec([4], d), scalar(d, 1), spec([0, 2], d), spec([], d)],
    fn: (x, v, e, s) => [
      lax.pad(x!, v!, [[-1, 2, 2]]),
      lax.pad(e!, v!, [
        [1, 1, 3],
        [0, 1, 0],
      ]),
      lax.pad(s!, v!, []),
    ],
  } satisfies Sample)),
  {
    prims: ["pad"],
    name: "pad with a JS number padding value",
    inputs: [spec([2, 2], "float64")],
    fn: (x) =>
      lax.pad(x!, 3, [
        [1, 0, 0],
        [0, 1, 1],
      ]),
  },
  // concatenate
  ...(["float32", "int32", "bool", "float16", "int64"] as const).map((d) => ({
    prims: ["concatenate"],
    name: `concatenate ${d}: three operands on dim 1, with a size-0 one; dim 0`,
    inputs: [spec([2, 3], d), spec([2, 1], d), spec([2, 0], d), spec([2, 2], d)],
    fn: (a, b, c, e) => [lax.concatenate([a!, b!, c!, e!], 1), lax.concatenate([a!, a!], 0)],
  } satisfies Sample)),
  {
    prims: ["concatenate"],
    name: "concatenate a single operand and rank-1 operands",
    inputs: [spec([3], "uint8"), spec([2], "uint8")],
    fn: (a, b) => [bind1(getPrimitive("concatenate"), [a!], { dimension: 0 }), lax.concatenate([a!, b!, a!], 0)],
  },
  // iota
  {
    prims: ["iota"],
    name: "iota and broadcastedIota over dtypes",
    inputs: [],
    fn: () => [
      lax.iota("float32", 5),
      lax.iota("int32", 7),
      lax.iota("uint8", 10),
      lax.iota("int64", 4),
      lax.iota("float16", 6),
      lax.broadcastedIota("float64", [2, 3], 1),
      lax.broadcastedIota("int8", [3, 2, 2], 0),
      lax.broadcastedIota("bfloat16", [2, 4], 1),
      lax.broadcastedIota("uint32", [2, 0], 0),
    ],
  },
  // slice
  ...(["float32", "int32", "bool", "bfloat16", "int64"] as const).map((d) => ({
    prims: ["slice"],
    name: `slice ${d}: strided, unit strides, empty result, rank-0`,
    inputs: [spec([5, 6], d), spec([], d)],
    fn: (a, s) => [lax.slice(a!, [1, 0], [4, 6], [2, 3]), lax.slice(a!, [0, 2], [5, 3]), lax.slice(a!, [2, 2], [2, 6]), lax.slice(s!, [], [])],
  } satisfies Sample)),
  {
    prims: ["slice"],
    name: "sliceInDim with negative and null bounds",
    inputs: [spec([4, 7], "float32")],
    fn: (a) => [lax.sliceInDim(a!, -5, null, 2, 1), lax.sliceInDim(a!, null, -1, 1, 0)],
  },
  // dynamic_slice
  {
    prims: ["dynamic_slice"],
    name: "dynamic_slice f32 with clamped (too large, negative-after-wrap) starts",
    inputs: [spec([5, 6], "float32"), scalar("int32", 1), scalar("int32", 2), scalar("int32", 4), scalar("int32", 9), scalar("int32", -9)],
    fn: (x, i, j, k, l, m) => [
      lax.dynamicSlice(x!, [i!, j!], [2, 3]),
      lax.dynamicSlice(x!, [k!, l!], [3, 3]),
      lax.dynamicSlice(x!, [m!, i!], [2, 6]),
      lax.dynamicSlice(x!, [-1, 2], [1, 2]),
    ],
  },
  ...(["int32", "uint32", "int64", "uint8"] as const).map((it) => ({
    prims: ["dynamic_slice"],
    name: `dynamic_slice with ${it} start indices over int8 / bool / f16 / f64`,
    inputs: [spec([4, 3], "int8"), spec([4, 3], "bool"), spec([4, 3], "float16"), spec([4, 3], "float64"), scalar(it, 3), scalar(it, 1)],
    fn: (a, b, c, e, i, j) => [lax.dynamicSlice(a!, [i!, j!], [2, 2]), lax.dynamicSlice(b!, [j!, i!], [3, 1]), lax.dynamicSlice(c!, [i!, i!], [1, 3]), lax.dynamicSlice(e!, [j!, j!], [0, 2])],
  } satisfies Sample)),
  {
    prims: ["dynamic_slice"],
    name: "dynamicIndexInDim / dynamicSliceInDim (traced and JS-number indices), rank-0",
    inputs: [spec([3, 4], "float32"), scalar("int32", -1), spec([], "int32")],
    fn: (x, i, s) => [lax.dynamicIndexInDim(x!, i!, 0, false), lax.dynamicIndexInDim(x!, 2, 1, true), lax.dynamicSliceInDim(x!, i!, 2, 1), lax.dynamicSlice(s!, [], [])],
  },
  // dynamic_update_slice
  {
    prims: ["dynamic_update_slice"],
    name: "dynamic_update_slice f32 with in-bounds and clamped starts",
    inputs: [spec([4, 5], "float32"), spec([2, 3], "float32"), scalar("int32", 1), scalar("int32", 1), scalar("int32", 3), scalar("int32", 7), scalar("int32", -4)],
    fn: (x, u, i, j, k, l, m) => [lax.dynamicUpdateSlice(x!, u!, [i!, j!]), lax.dynamicUpdateSlice(x!, u!, [k!, l!]), lax.dynamicUpdateSlice(x!, u!, [m!, m!])],
  },
  ...(["int8", "bool", "int64", "bfloat16", "uint32"] as const).map((d) => ({
    prims: ["dynamic_update_slice"],
    name: `dynamic_update_slice ${d}, size-0 update, rank-0`,
    inputs: [spec([3, 4], d), spec([2, 2], d), spec([0, 4], d), spec([], d), spec([], d), scalar("int32", 2)],
    fn: (x, u, e, s, t, i) => [
      lax.dynamicUpdateSlice(x!, u!, [i!, i!]),
      lax.dynamicUpdateSlice(x!, e!, [i!, 0]),
      lax.dynamicUpdateSlice(s!, t!, []),
      lax.dynamicUpdateIndexInDim(x!, lax.slice(x!, [0, 0], [1, 4]), i!, 0),
    ],
  } satisfies Sample)),
  {
    prims: ["dynamic_update_slice"],
    name: "dynamicUpdateSliceInDim with a JS-number start",
    inputs: [spec([3, 4], "float32"), spec([3, 2], "float32")],
    fn: (x, u) => lax.dynamicUpdateSliceInDim(x!, u!, 1, 1),
  },
  // For the transformations (vmap leaves the last input unbatched): a batched padding value,
  // batched start indices over an unbatched operand or update.
  {
    prims: ["pad"],
    name: "pad f32 by a per-example padding value (interior, negative edges)",
    inputs: [spec([], "float32"), spec([3, 2], "float32")],
    fn: (v, x) => [
      lax.pad(x!, v!, [
        [-1, 2, 1],
        [1, -1, 2],
      ]),
      lax.pad(x!, v!, [
        [0, 0, 0],
        [2, 0, 0],
      ]),
    ],
  },
  {
    prims: ["dynamic_slice"],
    name: "dynamic_slice f32 with per-example (negative, clamped) starts into a shared operand",
    inputs: [gen([], "int32", "smallint"), gen([], "int32", "index"), spec([4, 5], "float32")],
    fn: (i, j, x) => [lax.dynamicSlice(x!, [i!, j!], [2, 3]), lax.dynamicSlice(x!, [j!, 3], [3, 3])],
  },
  {
    prims: ["dynamic_update_slice"],
    name: "dynamic_update_slice f32 with per-example starts and updates into a shared operand",
    inputs: [spec([2, 3], "float32"), gen([], "int32", "smallint"), gen([], "int32", "index"), spec([4, 5], "float32")],
    fn: (u, i, j, x) => [lax.dynamicUpdateSlice(x!, u!, [i!, j!]), lax.dynamicUpdateSlice(x!, u!, [2, j!])],
  },
  {
    prims: ["dynamic_update_slice"],
    name: "dynamic_update_slice f32 with per-example starts and a shared update",
    inputs: [spec([4, 5], "float32"), gen([], "int32", "smallint"), gen([], "int32", "index"), spec([3, 2], "float32")],
    fn: (x, i, j, u) => lax.dynamicUpdateSlice(x!, u!, [i!, j!]),
  },
];
