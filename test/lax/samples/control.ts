// Control-flow primitives (scan, while, cond) for the conformance suite: each case builds a
// small loop or branch over the generated inputs, including captured constants and pytrees.
import { lax } from "../../../src/lax/elementwise.js";
import { controlLax } from "../../../src/lax/control/index.js";
import { convertLax } from "../../../src/lax/convert.js";
import { shapeLax } from "../../../src/lax/shape.js";
import { Array, ShapedArray, fromNumbers, type Value } from "../../../src/core/index.js";
import type { DType } from "../../../src/xla/dtype.js";
import type { Sample } from "./types.js";

const full = (v: number, shape: number[], dtype: DType = "float32") =>
  new Array(new ShapedArray(shape, dtype), { host: fromNumbers(new globalThis.Array(shape.reduce((a, b) => a * b, 1)).fill(v), shape, dtype).data });

const { scan, whileLoop, forLoop, cond, switch: switch_ } = controlLax;
/** `v` in the shape and dtype of `like`: samples also run in float64 (finite differences). */
const fill = (v: number, like: Value) => full(v, [...like.shape], like.dtype);

export const samples: Sample[] = [
  {
    prims: ["scan"],
    name: "scan: carry and stacked ys",
    inputs: [{ shape: [3], dtype: "float32" }, { shape: [5, 3], dtype: "float32" }],
    fn: (init, xs) => {
      const [c, ys] = scan((c: Value, x: Value) => [lax.add(c, x), lax.mul(c, x)], init!, xs!);
      return [c, ys];
    },
  },
  {
    prims: ["scan"],
    name: "scan: reverse, unroll 2, pytree carry, captured operand, int xs",
    inputs: [
      { shape: [3], dtype: "float32" },
      { shape: [5, 3], dtype: "float32" },
      { shape: [5], dtype: "int32", gen: "smallint" },
    ],
    fn: (w, xs, ks) => {
      const init: { acc: Value; n: Value } = { acc: fill(0, w!), n: full(0, [], "int32") };
      const [c, ys] = scan(
        (c: typeof init, [x, k]: [Value, Value]) => [
          { acc: lax.add(lax.mul(c.acc, w!), x), n: lax.add(c.n, k) },
          { scaled: lax.mul(x, w!), k: lax.mul(k, c.n) },
        ],
        init,
        [xs!, ks!],
        { reverse: true, unroll: 2 },
      );
      return [c.acc, c.n, ys.scaled, ys.k];
    },
  },
  {
    prims: ["scan"],
    name: "scan: no xs (length 4) and length 0",
    inputs: [{ shape: [2], dtype: "float32" }],
    fn: (x) => {
      const [c, ys] = scan((c: Value) => [lax.add(lax.mul(c, fill(2, c)), fill(1, c)), c], x!, null, { length: 4 });
      const [c0, ys0] = scan((c: Value, r: Value) => [lax.add(c, r), r], x!, full(0, [0, 2], x!.dtype));
      return [c, ys, c0, ys0];
    },
  },
  {
    prims: ["while"],
    name: "while: counter, float carry, captured constants",
    inputs: [{ shape: [3], dtype: "float32", gen: "unit" }, { shape: [], dtype: "int32", values: [6] }],
    fn: (x, n) => {
      const [i, y] = whileLoop(
        ([i]: [Value, Value]) => lax.lt(i, n!),
        ([i, y]: [Value, Value]) => [lax.add(i, full(1, [], "int32")), lax.add(lax.mul(y, fill(1.5, y)), fill(-0.25, y))],
        [full(0, [], "int32"), x!],
      );
      return [i, y];
    },
  },
  {
    prims: ["while"],
    name: "while: zero trips, bool carry",
    inputs: [{ shape: [4], dtype: "float32" }],
    fn: (x) => {
      const [flag, y] = whileLoop(([f]: [Value, Value]) => f, ([, y]: [Value, Value]) => [full(0, [], "bool"), lax.neg(y)], [full(0, [], "bool"), x!]);
      return [flag, y];
    },
  },
  {
    prims: ["cond"],
    name: "cond: bool predicate, two operands, branch-specific captures",
    inputs: [{ shape: [], dtype: "bool", values: [1] }, { shape: [3], dtype: "float32" }, { shape: [3], dtype: "float32" }],
    fn: (p, x, y) => {
      const a = fill(2, x!);
      const b = fill(-3, x!);
      const t = cond(p!, (u: Value, v: Value) => [lax.add(lax.mul(u, a), v), u], (u: Value, v: Value) => [lax.mul(u, v), lax.add(v, b)], x!, y!);
      const f = cond(lax.bitwiseNot(p!), (u: Value) => lax.mul(u, a), (u: Value) => lax.add(u, b), x!);
      return [...t, f];
    },
  },
  // Cases for the transformations (test/lax/transforms.test.ts batches every operand but the
  // last): carries that become batched only through the body, batched trip counts and
  // predicates next to unbatched ones, nesting, and forLoop (a scan) under grad.
  {
    prims: ["scan"],
    name: "scan: unbatched init, carry batched through the body; float consts accumulate",
    inputs: [{ shape: [4, 3], dtype: "float32" }, { shape: [3], dtype: "float32" }, { shape: [3], dtype: "float32" }],
    fn: (xs, w, init) => {
      const [c, ys] = scan((c: Value, x: Value) => [lax.add(lax.mul(c, x), lax.sin(lax.mul(c, w!))), lax.add(c, lax.mul(x, w!))], init!, xs!);
      return [c, ys];
    },
  },
  {
    prims: ["scan", "cond"],
    name: "scan: a switch in the body on int xs, reverse, unbatched init",
    inputs: [
      { shape: [5, 2], dtype: "float32" },
      { shape: [5], dtype: "int32", gen: "smallint" },
      { shape: [2], dtype: "float32" },
      { shape: [2], dtype: "float32" },
    ],
    fn: (xs, ks, w, init) => {
      const [c, ys] = scan(
        (c: Value, [x, k]: [Value, Value]) => {
          const n = switch_(k, [(u: Value) => lax.add(lax.mul(u, w!), x), (u: Value) => lax.sub(lax.sin(u), x), (u: Value) => lax.mul(u, x)], c);
          return [n, [lax.mul(n, w!), k]];
        },
        init!,
        [xs!, ks!],
        { reverse: true },
      );
      return [c, ...(ys as Value[])];
    },
  },
  {
    prims: ["scan"],
    name: "forLoop with static bounds (a scan with an int counter)",
    inputs: [{ shape: [3], dtype: "float32", gen: "unit" }, { shape: [3], dtype: "float32", gen: "unit" }],
    fn: (x, a) => forLoop(0, 5, (i: Value, c: Value) => lax.add(lax.mul(c, a!), lax.mul(lax.sin(c), shapeLax.broadcastInDim(convertLax.convertElementType(lax.add(i, full(1, [], "int32")), c.dtype), [3], []))), x!),
  },
  {
    prims: ["while"],
    name: "while: per-example trip counts (batched predicate), unbatched float carry",
    inputs: [{ shape: [], dtype: "int32", gen: "nonneg" }, { shape: [3], dtype: "float32", gen: "unit" }],
    fn: (n, x) => {
      // j counts every trip: under vmap each lane must stop at its own count.
      const [i, j, y] = whileLoop(
        ([i]: [Value, Value, Value]) => lax.lt(i, n!),
        ([i, j, y]: [Value, Value, Value]) => [lax.add(i, full(1, [], "int32")), lax.add(j, full(2, [], "int32")), lax.add(lax.mul(y, fill(0.5, y)), fill(1, y))],
        [full(0, [], "int32"), full(0, [], "int32"), x!],
      );
      return [i, j, y];
    },
  },
  {
    prims: ["scan", "while"],
    name: "while inside scan: trip counts from the xs",
    inputs: [{ shape: [4], dtype: "int32", gen: "index" }, { shape: [2], dtype: "float32", gen: "unit" }],
    fn: (ks, init) => {
      const [c, ys] = scan(
        (c: Value, k: Value) => {
          const [, d] = whileLoop(([i]: [Value, Value]) => lax.lt(i, k), ([i, d]: [Value, Value]) => [lax.add(i, full(1, [], "int32")), lax.add(lax.mul(d, fill(0.5, d)), fill(1, d))], [full(0, [], "int32"), c]);
          return [d, lax.mul(d, c)];
        },
        init!,
        ks!,
      );
      return [c, ys];
    },
  },
  {
    prims: ["cond"],
    name: "cond: unbatched predicate, batched operands, an output batched in one branch only, int output",
    inputs: [{ shape: [3], dtype: "float32" }, { shape: [3], dtype: "float32" }, { shape: [], dtype: "bool", values: [1] }],
    fn: (x, y, p) => {
      const k = fill(2, x!);
      const t = cond(p!, (u: Value, v: Value) => [lax.mul(u, v), k, full(1, [], "int32")], (u: Value, v: Value) => [lax.sin(v), lax.mul(u, k), full(2, [], "int32")], x!, y!);
      const f = cond(lax.bitwiseNot(p!), (u: Value, v: Value) => [lax.mul(u, v), k], (u: Value, v: Value) => [lax.sin(v), lax.mul(u, k)], x!, y!);
      return [...t, ...f];
    },
  },
  ...[-3, 0, 1, 2, 7].map(
    (i): Sample => ({
      prims: ["cond"],
      name: `cond: switch of 3 branches at index ${i} (clamped)`,
      inputs: [{ shape: [], dtype: "int32", values: [i] }, { shape: [2, 2], dtype: "float32" }],
      fn: (k, x) => switch_(k!, [(u: Value) => lax.neg(u), (u: Value) => lax.exp(u), (u: Value) => convertLax.convertElementType(lax.gt(u, fill(0, u)), u.dtype)], x!),
    }),
  ),
];
