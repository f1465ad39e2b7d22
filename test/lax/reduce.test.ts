// Reductions, argmax/argmin and cumulative ops: values worked out by hand (the conformance
// suite only compares backends with each other) and the errors for bad input.
import { afterEach, describe, expect, it } from "vitest";
import { backendName, jit, setBackend, type Value } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import { arr, vals } from "../core/helpers.js";

const backends = process.env.XLA_TS_BACKEND === "ref" ? (["ref"] as const) : (["ref", "xla"] as const);
const initial = backendName();
afterEach(() => setBackend(initial));

describe.each(backends)("values on %s", (backend) => {
  it("sums, products, extremes and logic over axes", () => {
    setBackend(backend);
    const x = arr([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(vals(lax.reduceSum(x, [1]))).toEqual([6, 15]);
    expect(vals(lax.reduceSum(x, [0, 1]))).toEqual([21]);
    expect(vals(lax.reduceSum(x, []))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(vals(lax.reduceProd(x, [0]))).toEqual([4, 10, 18]);
    expect(vals(lax.reduceMax(x, [-1]))).toEqual([3, 6]);
    expect(vals(lax.reduceMin(x, [0]))).toEqual([1, 2, 3]);
    expect(vals(lax.reduceMax(arr([1, NaN, 3]), [0]))).toEqual([NaN]);
    expect(vals(lax.reduceMin(arr([1, 3, NaN]), [0]))).toEqual([NaN]);
    expect(vals(lax.reduceMax(arr([], [0]), [0]))).toEqual([-Infinity]);
    expect(vals(lax.reduceSum(arr([2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30], [4], "int32"), [0]))).toEqual([0]);
    expect(vals(lax.reduceMin(arr([], [0], "int32"), [0]))).toEqual([2 ** 31 - 1]);
    const b = arr([1, 0, 1, 1], [2, 2], "bool");
    expect(vals(lax.reduceAnd(b, [1]))).toEqual([0, 1]);
    expect(vals(lax.reduceOr(b, [0]))).toEqual([1, 1]);
    expect(vals(lax.reduceAnd(arr([0xf0, 0x3c], [2], "uint8"), [0]))).toEqual([0x30]);
  });

  it("argmax/argmin: NaN wins, ties pick the first occurrence", () => {
    setBackend(backend);
    expect(vals(lax.argmax(arr([1, NaN, 3, NaN]), 0))).toEqual([1]);
    expect(vals(lax.argmin(arr([1, NaN, -3, NaN]), 0))).toEqual([1]);
    expect(vals(lax.argmax(arr([2, 5, 5, 1]), 0))).toEqual([1]);
    expect(vals(lax.argmin(arr([3, 1, 1, 1]), 0))).toEqual([1]);
    expect(vals(lax.argmax(arr([-Infinity, -Infinity]), 0))).toEqual([0]);
    const x = arr([1, 9, 3, 7, 2, 8], [2, 3], "int32");
    expect(vals(lax.argmax(x, 1))).toEqual([1, 2]);
    expect(vals(lax.argmin(x, 0))).toEqual([0, 1, 0]);
    expect(lax.argmax(x, -1, "int64").dtype).toBe("int64");
  });

  it("cumulative ops, forward and reverse", () => {
    setBackend(backend);
    const x = arr([1, 3, 2, 5, 4]);
    expect(vals(lax.cumsum(x, 0))).toEqual([1, 4, 6, 11, 15]);
    expect(vals(lax.cumsum(x, 0, true))).toEqual([15, 14, 11, 9, 4]);
    expect(vals(lax.cumprod(x, 0))).toEqual([1, 3, 6, 30, 120]);
    expect(vals(lax.cummax(x, 0))).toEqual([1, 3, 3, 5, 5]);
    expect(vals(lax.cummin(x, 0, true))).toEqual([1, 2, 2, 4, 4]);
    expect(vals(lax.cummax(arr([1, NaN, 3]), 0))).toEqual([1, NaN, NaN]);
    const m = arr([1, 2, 3, 4, 5, 6], [2, 3], "int32");
    expect(vals(lax.cumsum(m, 0))).toEqual([1, 2, 3, 5, 7, 9]);
    expect(vals(jit((v: Value) => lax.cumsum(v, 1))(m))).toEqual([1, 3, 6, 4, 9, 15]);
  });
});

describe("errors name the primitive, the argument and the shapes", () => {
  it("bad axes and dtypes", () => {
    const x = arr([1, 2, 3, 4], [2, 2]);
    expect(() => lax.reduceSum(x, [2])).toThrow(/reduce_sum: axis 2 is out of range/);
    expect(() => lax.reduceMax(x, [0, -2])).toThrow(/reduce_max: axis 0 is repeated/);
    expect(() => lax.reduceAnd(x, [0])).toThrow(/reduce_and: operand must have an integer or bool dtype, got f32\[2,2\]/);
    expect(() => lax.reduceSum(arr([1, 0], [2], "bool"), [0])).toThrow(/reduce_sum: operand must have a numeric/);
    expect(() => lax.argmax(arr([], [2, 0]), 1)).toThrow(/argmax: cannot take the argmax of an empty axis \(axis 1 of shape \[2, 0\]\)/);
    expect(() => lax.argmin(x, 0, "float32")).toThrow(/argmin: indexDtype must be an integer dtype/);
    expect(() => lax.cumsum(x, 3)).toThrow(/cumsum: axis 3 is out of range for an operand of rank 2/);
  });
});
