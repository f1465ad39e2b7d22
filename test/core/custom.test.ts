import { describe, expect, it } from "vitest";
import { customVjp, grad, jit, vmap, type Value } from "../../src/core/index.js";
import { numpy as np } from "../../src/numpy/index.js";

// A straight-through clip: forward clips, backward passes the gradient scaled by 2 (so the
// custom rule, not the clip's own derivative, is visibly in use).
const clipST = customVjp(
  (x: Value) => np.clip(x, -1, 1),
  (x: Value) => [np.clip(x, -1, 1), null],
  (_res: null, ct: Value) => [np.multiply(ct, 2)],
);
const loss = (x: Value) => np.sum(clipST(x));
const vals = (v: unknown) => Array.from((v as any).dataSync() as Float32Array);

describe("customVjp", () => {
  it("uses the given backward rule eagerly, under jit and under vmap", () => {
    const x = np.array([-3, 0.5, 2]);
    expect(vals(clipST(x))).toEqual([-1, 0.5, 1]);
    expect(vals(grad(loss)(x))).toEqual([2, 2, 2]);
    expect(vals(jit(grad(loss))(x))).toEqual([2, 2, 2]);
    const xs = np.array([[-3, 0.5], [2, 0]]);
    expect(vals(vmap(grad(loss))(xs))).toEqual([2, 2, 2, 2]);
    expect(vals(jit(vmap(grad(loss)))(xs))).toEqual([2, 2, 2, 2]);
  });

  it("keeps the rule inside grad of a composite and takes pytree cotangents", () => {
    const f = (x: Value) => np.sum(np.multiply(clipST(np.multiply(x, 3)), x));
    // d/dx [clip(3x) * x] with the custom rule: 2*3*x*ct + clip(3x)
    const x = np.array([0.1, 1]);
    const g = vals(grad(f)(x));
    expect(g[0]).toBeCloseTo(2 * 3 * 0.1 + 0.3, 5);
    expect(g[1]).toBeCloseTo(2 * 3 * 1 + 1, 5);
  });

  it("names a wrong bwd result", () => {
    const bad = customVjp(
      (x: Value) => np.sin(x),
      (x: Value) => [np.sin(x), x],
      (x: Value, ct: Value) => [ct, ct] as Value[],
    );
    expect(() => grad((x: Value) => np.sum(bad(x)))(np.array([1.5]))).toThrow(/customVjp: bwd must return one cotangent per argument/);
  });
});
