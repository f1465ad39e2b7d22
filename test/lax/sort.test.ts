// sort / top_k: values worked out by hand, and errors.
import { afterEach, describe, expect, it } from "vitest";
import { backendName, setBackend } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import { arr, vals } from "../core/helpers.js";

const backends = process.env.XLA_TS_BACKEND === "ref" ? (["ref"] as const) : (["ref", "xla"] as const);
const initial = backendName();
afterEach(() => setBackend(initial));

describe.each(backends)("values on %s", (backend) => {
  it("sorts floats with NaN last and -0 equal to 0 (stable)", () => {
    setBackend(backend);
    expect(vals(lax.sort(arr([3, NaN, -1, -0, 0, -Infinity, -0])))).toEqual([-Infinity, -1, -0, 0, -0, 3, NaN]);
    expect(vals(lax.sort(arr([3, 1, 2, 6, 5, 4], [2, 3]), { dimension: 0 }))).toEqual([3, 1, 2, 6, 5, 4]);
    expect(vals(lax.sort(arr([3, 1, 2, 6, 5, 4], [2, 3])))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(vals(lax.sort(arr([5, 4294967295, 0, 7], [4], "uint32")))).toEqual([0, 5, 7, 4294967295]);
  });

  it("sorts several operands by the leading keys", () => {
    setBackend(backend);
    const k1 = arr([2, 1, 2, 1], [4], "int32");
    const k2 = arr([9, 8, 7, 8], [4], "int32");
    const v = arr([0, 1, 2, 3], [4], "int32");
    expect(lax.sort([k1, k2, v]).map(vals)).toEqual([[1, 1, 2, 2], [8, 8, 9, 7], [1, 3, 0, 2]]);
    expect(lax.sort([k1, k2, v], { numKeys: 2 }).map(vals)).toEqual([[1, 1, 2, 2], [8, 8, 7, 9], [1, 3, 2, 0]]);
  });

  it("top_k: descending, NaN largest, ties by lower index", () => {
    setBackend(backend);
    const [v, i] = lax.topK(arr([1, 5, NaN, 5, -1, 3]), 3);
    expect(vals(v)).toEqual([NaN, 5, 5]);
    expect(vals(i)).toEqual([2, 1, 3]);
    expect(i.dtype).toBe("int32");
    const [v2, i2] = lax.topK(arr([1, 4, 2, 8, 6, 3], [2, 3], "int32"), 2);
    expect(vals(v2)).toEqual([4, 2, 8, 6]);
    expect(vals(i2)).toEqual([1, 2, 0, 1]);
  });
});

describe("errors", () => {
  it("name the primitive and the shapes", () => {
    expect(() => lax.sort([arr([1, 2]), arr([1, 2, 3])])).toThrow(/sort: operands must have equal shapes, got \[2\] and \[3\]/);
    expect(() => lax.sort(arr([1, 2]), { dimension: 1 })).toThrow(/sort: dimension 1 is out of range/);
    expect(() => lax.sort([arr([1, 2])], { numKeys: 2 })).toThrow(/sort: numKeys must be between 1 and the number of operands \(1\)/);
    expect(() => lax.topK(arr([1, 2, 3]), 4)).toThrow(/top_k: k must be an integer in \[0, 3\].*got 4/);
  });
});
