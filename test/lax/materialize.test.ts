// lax.materialize: the identity on every value and dtype (it only changes how XLA fuses), under
// jit, vmap and grad. Its effect on XLA's fusion is shown in docs/performance.md (no timing
// assertions in tests).
import { afterEach, describe, expect, it } from "vitest";
import { backendName, grad, jit, setBackend, vmap } from "../../src/core/index.js";
import type { Value } from "../../src/core/values.js";
import { lax } from "../../src/lax/index.js";
import { arr, vals } from "../core/helpers.js";

const backends = process.env.XLA_TS_BACKEND === "ref" ? (["ref"] as const) : (["ref", "xla"] as const);
const initial = backendName();
afterEach(() => setBackend(initial));

describe.each(backends)("lax.materialize on %s", (backend) => {
  it("returns every value unchanged: NaN, infinities, -0, integer extremes, booleans", () => {
    setBackend(backend);
    const f = arr([1.5, NaN, -Infinity, Infinity, -0, 2 ** 100]);
    const out = lax.materialize({ f, i: arr([-(2 ** 31), 2 ** 31 - 1, 0], [3], "int32"), u: arr([0, 255, 7], [3], "uint8"), b: arr([1, 0], [2], "bool") });
    expect(vals(out.f)).toEqual([1.5, NaN, -Infinity, Infinity, -0, 2 ** 100]);
    expect(Object.is(vals(out.f)[4], -0)).toBe(true);
    expect(vals(out.i)).toEqual([-(2 ** 31), 2 ** 31 - 1, 0]);
    expect(vals(out.u)).toEqual([0, 255, 7]);
    expect(vals(out.b)).toEqual([1, 0]);
    expect(out.f.shape).toEqual([6]);
    expect(out.i.dtype).toBe("int32");
  });

  it("jits, vmaps and passes gradients through unchanged", () => {
    setBackend(backend);
    const x = arr([1, -2, 3, 0.5, 2, -1], [2, 3]);
    const f = (v: Value) => lax.reduceSum(lax.mul(lax.materialize(v), v), [0]);
    expect(vals(jit(vmap(f))(x))).toEqual([14, 5.25]);
    expect(vals(grad(f)(arr([1, -2, 3])))).toEqual([2, -4, 6]);
  });

  it("says which leaf is not an array", () => {
    setBackend(backend);
    expect(() => lax.materialize({ a: arr([1]), b: 2 })).toThrow(/lax\.materialize: leaf 1 is number/);
  });
});
