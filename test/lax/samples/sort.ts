import { lax } from "../../../src/lax/index.js";
import type { DType } from "../../../src/xla/dtype.js";
import type { InputSpec, Sample } from "./types.js";

const spec = (shape: number[], dtype: DType, gen?: InputSpec["gen"]): InputSpec => ({ shape, dtype, ...(gen ? { gen } : {}) });
const vals = (shape: number[], dtype: DType, values: number[]): InputSpec => ({ shape, dtype, values });

// NaNs, signed zeros, infinities and duplicates.
const SPECIAL = [3, NaN, -0, 0, -Infinity, 1, Infinity, -2, NaN, 0, -0, 1, -7.5, 3];

export const samples: Sample[] = [
  ...(["float32", "float64", "float16", "bfloat16"] as const).map((d) => ({
    prims: ["sort"],
    name: `sort ${d}: NaN last, -0 == 0, infinities, duplicates`,
    inputs: [vals([14], d, SPECIAL), spec([3, 9], d)],
    fn: (x, y) => [lax.sort(x!), lax.sort(y!), lax.sort(y!, { dimension: 0 })],
  } satisfies Sample)),
  ...(["int32", "uint32", "int8", "uint8", "bool", "int64"] as const).map((d) => ({
    prims: ["sort"],
    name: `sort ${d} along each axis`,
    inputs: [spec([4, 6], d, d === "bool" ? "bool" : d === "uint32" ? "bits" : "int")],
    fn: (x) => [lax.sort(x!, { dimension: 0 }), lax.sort(x!, { dimension: -1 })],
  } satisfies Sample)),
  {
    prims: ["sort"],
    name: "sort signed zeros keep their order when stable (payload follows the keys)",
    inputs: [vals([6], "float32", [0, -0, 0, -0, NaN, -0]), vals([6], "int32", [0, 1, 2, 3, 4, 5])],
    fn: (k, v) => lax.sort([k!, v!]),
  },
  {
    prims: ["sort"],
    name: "sort several operands by one key (stable for ties)",
    inputs: [spec([3, 10], "int32", "smallint"), spec([3, 10], "float32"), spec([3, 10], "uint8", "nonneg")],
    fn: (k, a, b) => lax.sort([k!, a!, b!], { dimension: 1 }),
  },
  {
    prims: ["sort"],
    name: "sort by two keys lexicographically (float key with NaN, then int)",
    inputs: [vals([8], "float32", [2, NaN, 1, 2, NaN, 1, 2, -0]), vals([8], "int32", [5, 2, 9, 1, 1, 3, 5, 0]), vals([8], "int32", [0, 1, 2, 3, 4, 5, 6, 7])],
    fn: (k1, k2, v) => lax.sort([k1!, k2!, v!], { numKeys: 2 }),
  },
  {
    prims: ["sort"],
    name: "unstable sort of distinct keys",
    inputs: [spec([20], "float32"), spec([20], "int32")],
    fn: (k, v) => lax.sort([k!, v!], { isStable: false }),
  },
  {
    prims: ["sort"],
    name: "sort f32 distinct keys along each axis of a 2-D array, with a float payload",
    inputs: [spec([4, 6], "float32"), spec([4, 6], "float32")],
    fn: (k, v) => [lax.sort(k!, { dimension: 0 }), ...lax.sort([k!, v!], { dimension: 1 })],
  },
  {
    prims: ["sort"],
    name: "sort by an int key with ties then a float key, float payload, along axis 0",
    inputs: [spec([6, 3], "int32", "smallint"), spec([6, 3], "float32"), spec([6, 3], "float32")],
    fn: (k1, k2, v) => lax.sort([k1!, k2!, v!], { dimension: 0, numKeys: 2 }),
  },
  {
    prims: ["top_k"],
    name: "top_k f32 2-D, k = 1, 3 and all",
    inputs: [spec([3, 5], "float32")],
    fn: (x) => [...lax.topK(x!, 1), ...lax.topK(x!, 3), ...lax.topK(x!, 5)],
  },
  {
    prims: ["top_k"],
    name: "top_k f32 with NaN and ties (descending, lower index first)",
    inputs: [vals([2, 7], "float32", [1, 5, NaN, 5, -1, 3, 5, 0, 0, -0, 2, 2, -Infinity, 1])],
    fn: (x) => [...lax.topK(x!, 3), ...lax.topK(x!, 7), ...lax.topK(x!, 0)],
  },
  ...(["int32", "float64", "uint8", "bfloat16", "int64"] as const).map((d) => ({
    prims: ["top_k"],
    name: `top_k ${d} 3-D`,
    inputs: [spec([2, 3, 8], d, d.startsWith("float") || d === "bfloat16" ? "normal" : d === "uint8" ? "nonneg" : "smallint")],
    fn: (x) => [...lax.topK(x!, 1), ...lax.topK(x!, 4)],
  } satisfies Sample)),
];
