// dot_general: values worked out by hand, output layout, and errors.
import { afterEach, describe, expect, it } from "vitest";
import { backendName, jit, setBackend, type Value } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import { arr, vals } from "../core/helpers.js";

const backends = process.env.XLA_TS_BACKEND === "ref" ? (["ref"] as const) : (["ref", "xla"] as const);
const initial = backendName();
afterEach(() => setBackend(initial));

describe.each(backends)("values on %s", (backend) => {
  it("matrix, vector and batch products", () => {
    setBackend(backend);
    const a = arr([1, 2, 3, 4], [2, 2]);
    const b = arr([5, 6, 7, 8], [2, 2]);
    expect(vals(lax.dot(a, b))).toEqual([19, 22, 43, 50]);
    expect(vals(lax.dot(a, arr([1, 1])))).toEqual([3, 7]);
    expect(vals(lax.dot(arr([1, 1]), a))).toEqual([4, 6]);
    expect(vals(lax.dot(arr([1, 2, 3]), arr([4, 5, 6])))).toEqual([32]);
    // batch dims lead, then lhs free, then rhs free: [2,3,1] x [2,1,4] -> [2,3,4]
    const l = arr([1, 2, 3, 4, 5, 6], [2, 3, 1]);
    const r = arr([1, 0, 0, 1, 2, 2, 2, 2], [2, 1, 4]);
    const o = lax.dotGeneral(l, r, [[[2], [1]], [[0], [0]]]);
    expect(o.shape).toEqual([2, 3, 4]);
    expect(vals(o).slice(0, 4)).toEqual([1, 0, 0, 1]);
    expect(vals(o).slice(12, 16)).toEqual([8, 8, 8, 8]);
    // batch dim not leading in the operands still leads in the output
    const t = lax.dotGeneral(arr([1, 2, 3, 4, 5, 6], [3, 2]), arr([1, 1, 1, 1, 1, 1], [2, 3]), { contracting: [[], []], batch: [[1], [0]] });
    expect(t.shape).toEqual([2, 3, 3]);
    expect(vals(jit((p: Value, q: Value) => lax.dot(p, q))(a, b))).toEqual([19, 22, 43, 50]);
  });

  it("integers wrap; preferredElementType widens", () => {
    setBackend(backend);
    const x = arr([65536, 65536], [1, 2], "int32");
    expect(vals(lax.dot(x, arr([65536, 1], [2, 1], "int32")))).toEqual([65536]);
    const i8 = arr([100, 100], [1, 2], "int8");
    expect(vals(lax.dot(i8, arr([100, 100], [2, 1], "int8"), "int32"))).toEqual([20000]);
    expect(lax.dot(i8, arr([1, 1], [2, 1], "int8"), "int32").dtype).toBe("int32");
  });
});

describe("errors", () => {
  it("name the primitive and the shapes", () => {
    const a = arr([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => lax.dot(a, arr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], [4, 5]))).toThrow(
      /dot_general: contracting dimension sizes differ: lhs dim 1 \(size 3\) vs rhs dim 0 \(size 4\), shapes \[2, 3\] and \[4, 5\]/,
    );
    expect(() => lax.dot(a, arr([1, 2, 3], [3], "int32"))).toThrow(/dot_general: lhs and rhs must have equal dtypes/);
    expect(() => lax.dotGeneral(a, a, [[[2], [1]], [[], []]])).toThrow(/dot_general: lhs contracting dimension 2 is out of range for lhs of shape \[2, 3\]/);
    expect(() => lax.dotGeneral(a, a, [[[1], [1]], [[0], []]])).toThrow(/dot_general: lhs and rhs need as many/);
    expect(() => lax.dot(a, arr([1, 2, 3, 4, 5, 6], [3, 2]), "int32")).toThrow(/preferredElementType int32 is an integer dtype but the operands are float32/);
    expect(() => lax.dot(arr([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), a)).toThrow(/dot: expects 1-D or 2-D operands/);
  });
});
