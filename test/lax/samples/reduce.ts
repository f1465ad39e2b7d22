import { lax } from "../../../src/lax/index.js";
import type { DType } from "../../../src/xla/dtype.js";
import type { InputSpec, Sample } from "./types.js";

const spec = (shape: number[], dtype: DType, gen?: InputSpec["gen"]): InputSpec => ({ shape, dtype, ...(gen ? { gen } : {}) });
const vals = (shape: number[], dtype: DType, values: number[]): InputSpec => ({ shape, dtype, values });

const REDUCERS = [
  ["reduce_sum", "reduceSum"],
  ["reduce_max", "reduceMax"],
  ["reduce_min", "reduceMin"],
  ["reduce_prod", "reduceProd"],
] as const;

const CUM_LENGTHS = [1, 2, 3, 5, 8, 9, 17];

const NAN_ROWS = [1, NaN, 3, 2, -1, -1, 5, 5, NaN, NaN, 0, 7, 2, 9, 9, 9, -Infinity, -Infinity];

export const samples: Sample[] = [
  // sum / max / min / prod across dtype families: some axes, all axes, no axes.
  ...(["float32", "float64", "int32", "uint8", "int8", "float16", "bfloat16", "int64", "uint32"] as const).map((d) => {
    const float = d.startsWith("float") || d === "bfloat16";
    return {
      prims: REDUCERS.map(([p]) => p),
      name: `reduce_sum/max/min/prod ${d} over one, two and all axes`,
      inputs: [spec([3, 4, 5], d, float ? "normal" : "smallint"), spec([3, 4, 5], d, float ? "unit" : "smallint")],
      fn: (x, u) => [
        lax.reduceSum(x!, [1]),
        lax.reduceSum(x!, [0, 1, 2]),
        lax.reduceMax(x!, [0, 2]),
        lax.reduceMin(x!, [2]),
        lax.reduceProd(u!, [1]),
      ],
      tol: d === "float32" ? 1e-5 : undefined,
    } satisfies Sample;
  }),
  {
    prims: REDUCERS.map(([p]) => p),
    name: "reductions over no axes are the identity; all axes of a 2-D array",
    inputs: [spec([2, 3], "float32"), spec([2, 3], "int32", "smallint")],
    fn: (x, y) => [...REDUCERS.map(([, fn]) => lax[fn](x!, [])), lax.reduceProd(y!, [0, 1]), lax.reduceMin(y!, [1, 0])],
    tol: 1e-5,
  },
  {
    prims: ["reduce_sum"],
    name: "reduce_sum f32 long axis (summation order differs)",
    inputs: [spec([3, 2000], "float32")],
    fn: (x) => [lax.reduceSum(x!, [1]), lax.reduceSum(x!, [-2])],
    tol: 1e-4,
  },
  {
    prims: ["reduce_sum", "reduce_prod"],
    name: "int32 / uint8 sum and prod wrap on overflow",
    inputs: [
      vals([4], "int32", [2 ** 30, 2 ** 30, 2 ** 30, 7]),
      vals([5], "int32", [65536, 65536, 3, -5, 11]),
      vals([4], "uint8", [200, 100, 250, 3]),
    ],
    fn: (a, b, c) => [lax.reduceSum(a!, [0]), lax.reduceProd(b!, [0]), lax.reduceSum(c!, [0]), lax.reduceProd(c!, [0])],
  },
  {
    prims: ["reduce_max", "reduce_min"],
    name: "reduce_max/min f32 propagate NaN; bool; negative axis",
    inputs: [vals([6, 3], "float32", NAN_ROWS), spec([3, 4], "bool")],
    fn: (x, b) => [lax.reduceMax(x!, [1]), lax.reduceMin(x!, [-1]), lax.reduceMax(b!, [0]), lax.reduceMin(b!, [1])],
  },
  {
    prims: ["reduce_sum", "reduce_max", "reduce_min", "reduce_prod"],
    name: "reductions over a size-0 axis give the identity",
    inputs: [spec([0, 3], "float32"), spec([2, 0], "int32")],
    fn: (x, y) => [lax.reduceSum(x!, [0]), lax.reduceMax(x!, [0]), lax.reduceMin(x!, [0]), lax.reduceProd(x!, [0]), lax.reduceMax(y!, [1]), lax.reduceMin(y!, [1])],
  },
  {
    prims: ["reduce_and", "reduce_or"],
    name: "reduce_and/or bool (axes, all, none)",
    inputs: [spec([4, 5], "bool"), vals([2, 2], "bool", [1, 1, 0, 0])],
    fn: (x, y) => [lax.reduceAnd(x!, [1]), lax.reduceOr(x!, [0]), lax.reduceAnd(y!, [0, 1]), lax.reduceOr(y!, [0, 1]), lax.reduceAnd(y!, [1]), lax.reduceOr(x!, [])],
  },
  {
    prims: ["reduce_and", "reduce_or"],
    name: "reduce_and/or on integer bits (uint32, int32, int8)",
    inputs: [spec([3, 4], "uint32", "bits"), spec([5], "int32", "int"), spec([4], "int8", "int")],
    fn: (x, y, z) => [lax.reduceAnd(x!, [1]), lax.reduceOr(x!, [0]), lax.reduceAnd(y!, [0]), lax.reduceOr(y!, [0]), lax.reduceAnd(z!, [0]), lax.reduceOr(z!, [0])],
  },
  // argmax / argmin
  {
    prims: ["argmax", "argmin"],
    name: "argmax/argmin f32: NaN wins, ties pick the lowest index, -inf only",
    inputs: [vals([6, 3], "float32", NAN_ROWS)],
    fn: (x) => [lax.argmax(x!, 1), lax.argmin(x!, 1), lax.argmax(x!, 0), lax.argmin(x!, 0, "int64")],
  },
  ...(["int32", "uint8", "int8", "float64", "bfloat16", "float16", "bool", "uint32", "int64"] as const).map((d) => ({
    prims: ["argmax", "argmin"],
    name: `argmax/argmin ${d} with ties`,
    inputs: [spec([4, 7], d, d === "bool" ? "bool" : d === "uint32" ? "nonneg" : "smallint")],
    fn: (x) => [lax.argmax(x!, 0), lax.argmin(x!, 1, "int64")],
  } satisfies Sample)),
  {
    prims: ["argmax", "argmin"],
    name: "argmax/argmin f32 random 3-D along the middle axis",
    inputs: [spec([3, 33, 4], "float32")],
    fn: (x) => [lax.argmax(x!, 1), lax.argmin(x!, 1)],
  },
  // cumulative
  {
    prims: ["cumsum"],
    name: "cumsum f32 along axes of length 1, 2, 3, 5, 8, 9, 17 (the scan's odd/even cases), forward and reverse",
    inputs: CUM_LENGTHS.map((n) => spec([2, n, 3], "float32", "unit")),
    fn: (...xs) => xs.map((x, i) => lax.cumsum(x, 1, i % 2 === 1)),
    tol: 1e-5,
  },
  {
    prims: ["cumsum", "cummax", "cummin", "cumprod"],
    name: "cumulative f32: each op forward and reverse, both axes",
    inputs: [spec([4, 7], "float32", "unit")],
    fn: (x) => [lax.cumsum(x!, 0, true), lax.cummax(x!, 1), lax.cummax(x!, 0, true), lax.cummin(x!, 1), lax.cummin(x!, -1, true), lax.cumprod(x!, 0), lax.cumprod(x!, 1, true)],
    tol: 1e-5,
  },
  {
    prims: ["cumsum", "cummax", "cummin", "cumprod"],
    name: "cumulative over integer dtypes (int32 all ops; uint8, int8, uint32, int64)",
    inputs: [spec([6, 5], "int32", "smallint"), spec([6, 5], "uint8", "nonneg"), spec([6, 5], "int8", "smallint"), spec([6, 5], "uint32", "bits"), spec([6, 5], "int64", "smallint")],
    fn: (i, u8, i8, u32, i64) => [
      lax.cumsum(i!, 0),
      lax.cummax(i!, 1, true),
      lax.cummin(i!, 0),
      lax.cumprod(i!, 1),
      ...[u8!, i8!, u32!, i64!].flatMap((x) => [lax.cumsum(x, 1), lax.cummax(x, 0, true)]),
    ],
  },
  {
    prims: ["cumsum", "cummax", "cummin", "cumprod"],
    name: "cumulative over float64, float16, bfloat16",
    inputs: [spec([6, 5], "float64", "unit"), spec([6, 5], "float16", "unit"), spec([6, 5], "bfloat16", "unit")],
    fn: (a, h, b) => [lax.cumsum(a!, 0), lax.cumprod(a!, 1, true), lax.cummin(a!, 1), ...[h!, b!].flatMap((x) => [lax.cumsum(x, 0), lax.cummax(x, 1, true)])],
  },
  {
    prims: ["cumsum", "cummax", "cummin"],
    name: "cumsum int32 wraps; cummax/cummin propagate NaN; bool cummax; size-0 axis",
    inputs: [vals([4], "int32", [2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30]), vals([6], "float32", [1, NaN, 3, -2, 5, 0]), spec([7], "bool"), spec([0, 2], "float32")],
    fn: (a, b, c, e) => [lax.cumsum(a!, 0), lax.cummax(b!, 0), lax.cummin(b!, 0, true), lax.cummax(c!, 0), lax.cummin(c!, 0), lax.cumsum(e!, 0)],
  },
  {
    prims: ["reduce_prod", "cumprod"],
    name: "reduce_prod / cumprod through zeros (rows with one and two zeros), every direction",
    inputs: [vals([3, 4], "float32", [0.5, 0, 2, -1.5, 0, 1.5, 0, 2, 1.25, -0.5, 2, 0.75])],
    fn: (x) => [lax.reduceProd(x!, [1]), lax.reduceProd(x!, [0]), lax.reduceProd(x!, [0, 1]), lax.cumprod(x!, 1), lax.cumprod(x!, 1, true), lax.cumprod(x!, 0)],
    tol: 1e-5,
  },
  {
    prims: ["reduce_max", "reduce_min", "cummax", "cummin", "cumsum", "cumprod"],
    name: "reductions and scans of a 3-D f32 along the middle axis (odd length)",
    inputs: [spec([2, 5, 3], "float32")],
    fn: (x) => [lax.reduceMax(x!, [1]), lax.reduceMin(x!, [0, 1]), lax.cummax(x!, 1), lax.cummin(x!, 1, true), lax.cumsum(x!, 1), lax.cumprod(x!, 1, true)],
    tol: 1e-5,
  },
  {
    prims: ["cumsum"],
    name: "cumsum f32 long axis",
    inputs: [spec([1000], "float32")],
    fn: (x) => lax.cumsum(x!, 0, true),
    tol: 1e-4,
  },
];
