// Control-flow primitives (scan, while, cond) for the conformance suite: each case builds a
// small loop or branch over the generated inputs, including captured constants and pytrees.
import { lax } from "../../../src/lax/elementwise.js";
import { controlLax } from "../../../src/lax/control/index.js";
import { convertLax } from "../../../src/lax/convert.js";
import { Array, ShapedArray, fromNumbers, type Value } from "../../../src/core/index.js";
import type { DType } from "../../../src/xla/dtype.js";
import type { Sample } from "./types.js";

const full = (v: number, shape: number[], dtype: DType = "float32") =>
  new Array(new ShapedArray(shape, dtype), { host: fromNumbers(new globalThis.Array(shape.reduce((a, b) => a * b, 1)).fill(v), shape, dtype).data });

const { scan, whileLoop, cond, switch: switch_ } = controlLax;

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
      const init: { acc: Value; n: Value } = { acc: full(0, [3]), n: full(0, [], "int32") };
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
      const [c, ys] = scan((c: Value) => [lax.add(lax.mul(c, full(2, [2])), full(1, [2])), c], x!, null, { length: 4 });
      const [c0, ys0] = scan((c: Value, r: Value) => [lax.add(c, r), r], x!, full(0, [0, 2]));
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
        ([i, y]: [Value, Value]) => [lax.add(i, full(1, [], "int32")), lax.add(lax.mul(y, full(1.5, [3])), full(-0.25, [3]))],
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
      const a = full(2, [3]);
      const b = full(-3, [3]);
      const t = cond(p!, (u: Value, v: Value) => [lax.add(lax.mul(u, a), v), u], (u: Value, v: Value) => [lax.mul(u, v), lax.add(v, b)], x!, y!);
      const f = cond(lax.bitwiseNot(p!), (u: Value) => lax.mul(u, a), (u: Value) => lax.add(u, b), x!);
      return [...t, f];
    },
  },
  ...[-3, 0, 1, 2, 7].map(
    (i): Sample => ({
      prims: ["cond"],
      name: `cond: switch of 3 branches at index ${i} (clamped)`,
      inputs: [{ shape: [], dtype: "int32", values: [i] }, { shape: [2, 2], dtype: "float32" }],
      fn: (k, x) => switch_(k!, [(u: Value) => lax.neg(u), (u: Value) => lax.exp(u), (u: Value) => convertLax.convertElementType(lax.gt(u, full(0, [2, 2])), "float32")], x!),
    }),
  ),
];
