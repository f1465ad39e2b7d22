import { lax } from "../../../src/lax/index.js";
import type { DType } from "../../../src/xla/dtype.js";
import type { InputSpec, Sample } from "./types.js";

const spec = (shape: number[], dtype: DType, gen?: InputSpec["gen"]): InputSpec => ({ shape, dtype, ...(gen ? { gen } : {}) });
const f32 = (...shape: number[]) => spec(shape, "float32");

export const samples: Sample[] = [
  {
    prims: ["dot_general"],
    name: "dot f32: matrix·matrix, matrix·vector, vector·matrix, vector·vector",
    inputs: [f32(4, 5), f32(5, 3), f32(5), f32(4)],
    fn: (a, b, v, w) => [lax.dot(a!, b!), lax.dot(a!, v!), lax.dot(w!, a!), lax.dot(v!, v!)],
    tol: 1e-5,
  },
  {
    prims: ["dot_general"],
    name: "dot_general f32 batch matmul [2,3,4]x[2,4,5]",
    inputs: [f32(2, 3, 4), f32(2, 4, 5)],
    fn: (a, b) => lax.dotGeneral(a!, b!, [[[2], [1]], [[0], [0]]]),
    tol: 1e-5,
  },
  {
    prims: ["dot_general"],
    name: "dot_general f32 two contracting dims in swapped order, batch not leading",
    inputs: [f32(3, 2, 4, 6), f32(4, 5, 6, 3)],
    fn: (a, b) => [
      lax.dotGeneral(a!, b!, { contracting: [[2, 1 + 2], [0, 2]], batch: [[0], [3]] }),
      lax.dotGeneral(a!, b!, { contracting: [[3, 2], [2, 0]] }),
    ],
    tol: 1e-5,
  },
  {
    prims: ["dot_general"],
    name: "dot_general f32 outer product (no contracting dims) and batch-only",
    inputs: [f32(3), f32(4), f32(2, 3), f32(2, 3)],
    fn: (a, b, c, e) => [lax.dotGeneral(a!, b!, [[[], []], [[], []]]), lax.dotGeneral(c!, e!, [[[], []], [[0, 1], [0, 1]]])],
  },
  {
    prims: ["dot_general"],
    name: "dot_general f32 long contraction",
    inputs: [f32(2, 3000), f32(3000, 3)],
    fn: (a, b) => lax.dot(a!, b!),
    tol: 1e-4,
  },
  ...(["float64", "float16", "bfloat16", "int32", "uint8", "int8", "uint32", "int64"] as const).map((d) => ({
    prims: ["dot_general"],
    name: `dot_general ${d} matmul and batch matmul`,
    inputs: [spec([3, 4], d, d.startsWith("u") ? "nonneg" : undefined), spec([4, 2], d, d.startsWith("u") ? "nonneg" : undefined), spec([2, 2, 3], d, "smallint"), spec([2, 3, 2], d, "smallint")],
    fn: (a, b, c, e) => [lax.dot(a!, b!), lax.dotGeneral(c!, e!, [[[2], [1]], [[0], [0]]])],
    tol: d === "float16" || d === "bfloat16" ? 2e-2 : undefined,
  } satisfies Sample)),
  {
    prims: ["dot_general"],
    name: "dot_general int32 wraps on overflow",
    inputs: [spec([3, 4], "int32", "bits"), spec([4, 2], "int32", "bits")],
    fn: (a, b) => lax.dot(a!, b!),
  },
  {
    prims: ["dot_general"],
    name: "dot_general preferredElementType: int8->int32, bf16->f32, f16->f32, int32->f32, f32->f64",
    inputs: [
      spec([3, 16], "int8", "int"),
      spec([16, 2], "int8", "int"),
      spec([3, 4], "bfloat16"),
      spec([4, 2], "bfloat16"),
      spec([3, 4], "float16"),
      spec([3, 4], "int32"),
      spec([4, 2], "int32"),
      spec([3, 4], "float32"),
      spec([4, 2], "float32"),
    ],
    fn: (a, b, c, e, g, i, j, k, m) => [
      lax.dot(a!, b!, "int32"),
      lax.dot(c!, e!, "float32"),
      lax.dotGeneral(g!, g!, [[[1], [1]], [[], []]], "float32"),
      lax.dot(i!, j!, "float32"),
      lax.dot(k!, m!, "float64"),
    ],
    tol: 1e-5,
  },
  {
    prims: ["dot_general"],
    name: "dot_general f32 with precision HIGHEST",
    inputs: [f32(8, 16), f32(16, 4)],
    fn: (a, b) => lax.dotGeneral(a!, b!, [[[1], [0]], [[], []]], undefined, "HIGHEST"),
    tol: 1e-5,
  },
];
