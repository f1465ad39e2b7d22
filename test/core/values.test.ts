// What a user sees of an array: iteration along axis 0, printing, coercion errors, the
// default dtype of JS numbers, and the data accessors on tracers.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { grad, jit, vmap, type Value } from "../../src/core/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { lax } from "../../src/lax/index.js";

describe("arrays iterate along axis 0", () => {
  it("destructures random.split as JAX does, bit for bit", () => {
    const key = random.key(0);
    const [k1, k2] = random.split(key);
    const both = random.split(key).tolistSync();
    expect([k1!.tolistSync(), k2!.tolistSync()]).toEqual(both);
    // jax.random.split(jax.random.key(0)) with the threefry2x32 default PRNG
    expect(both).toEqual([
      [1797259609, 2579123966],
      [928981903, 3453687069],
    ]);
  });

  it("for...of and spread yield the rows; a 0-d array is an error", () => {
    const x = np.array([[1, 2], [3, 4], [5, 6]]);
    const rows: unknown[] = [];
    for (const r of x) rows.push(r.tolistSync());
    expect(rows).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect([...np.arange(3)].map((v) => v.item())).toEqual([0, 1, 2]);
    expect(() => [...np.array(1)]).toThrow(/iteration over a 0-d array/);
  });

  it("works on tracers under jit and vmap", () => {
    const f = jit((x: Value) => {
      const [a, b] = x;
      return np.subtract(a!, b!);
    });
    expect(f(np.array([[5, 7], [1, 2]])).tolistSync()).toEqual([4, 5]);
    const g = vmap((x: Value) => {
      const [a, b] = x;
      return np.multiply(a!, b!);
    });
    expect(g(np.array([[2, 3], [4, 5]])).tolistSync()).toEqual([6, 20]);
  });
});

describe("printing", () => {
  it("console.log shows a concrete array's values and dtype", () => {
    expect(inspect(np.array([[1, 2.5], [3, 4]]))).toBe("Array([[ 1., 2.5],\n       [ 3.,  4.]], dtype=float32)");
    expect(inspect(np.array([1, 2], "int32"))).toBe("Array([1, 2], dtype=int32)");
    expect(inspect(np.array([true, false]))).toBe("Array([ true, false], dtype=bool)");
    expect(inspect(np.array(0.1))).toBe("Array(0.1, dtype=float32, weakType=true)");
    expect(inspect(np.zeros([2000]))).toMatch(/^Array\(\[0\., 0\., 0\., \.\.\., 0\., 0\., 0\.\], dtype=float32\)$/);
  });

  it("a tracer shows its abstract value", () => {
    let seen = "";
    jit((x: Value) => {
      seen = inspect(x);
      return x;
    })(np.zeros([2, 3]));
    expect(seen).toBe("Tracer<f32[2,3]>");
  });
});

describe("coercion", () => {
  const x = np.array([1, 2]);
  it("numeric and default coercion throw a TypeError naming what to use", () => {
    expect(() => (x as unknown as number) + 1).toThrow(TypeError);
    expect(() => (x as unknown as number) + 1).toThrow(/np\.add.*lax\.cond or np\.where/);
    expect(() => +(x as unknown as number)).toThrow(/used as a JS number/);
    expect(() => (x as unknown as number) < 3).toThrow(TypeError);
  });

  it("string coercion prints", () => {
    expect(`${x}`).toBe("Array([1,2], dtype=float32)");
    expect(String(x)).toBe("Array([1,2], dtype=float32)");
  });

  it("a JS conditional on a traced comparison is caught where it coerces", () => {
    const f = jit((a: Value) => ((a.sum().gt(0) as unknown as number) > 0 ? a : a.neg()));
    expect(() => f(np.array([-1, -2]))).toThrow(/traced value .* lax\.cond/);
    // The right spelling:
    const g = jit((a: Value) => lax.cond(a.sum().gt(0), (b: Value) => b, (b: Value) => b.neg(), a));
    expect(g(np.array([-1, -2])).tolistSync()).toEqual([1, 2]);
  });

  it("a tracer's data accessors explain why they cannot answer", () => {
    jit((v: Value) => {
      expect(() => v.dataSync()).toThrow(/dataSync: cannot read the value of a traced array \(f32\[2\]\) inside .*: it has no data/);
      expect(() => v.tolistSync()).toThrow(/return it from the function/);
      return v;
    })(x);
  });
});

describe("the default dtype of JS numbers", () => {
  it("is float32 for data, int32 for integer typed arrays, the dtype when given", () => {
    expect(np.array([1, 2]).dtype).toBe("float32");
    expect(np.asArray(3).dtype).toBe("float32");
    expect(np.array(new Int32Array([1, 2])).dtype).toBe("int32");
    expect(np.array([1, 2], "int32").dtype).toBe("int32");
    expect(np.array([true]).dtype).toBe("bool");
  });

  it("so jacobians and gradients of np.array data work without a dtype", () => {
    const g = grad((w: Value) => np.sum(np.square(w)))(np.array([1, 2]));
    expect(g.tolistSync()).toEqual([2, 4]);
    // An unannotated lambda compiles too (its parameter is `never` inside, so it can be passed
    // anywhere, and the gradient function takes anything there; no `any`).
    expect(grad((w) => np.sum(np.square(w)))(np.array([1, 2])).tolistSync()).toEqual([2, 4]);
  });

  it("scalars in operations stay weak and adopt the array's dtype", () => {
    expect(np.add(np.array([1, 2], "int32"), 1).dtype).toBe("int32");
    expect(np.add(np.array([1, 2], "int32"), 0.5).dtype).toBe("float32");
    expect(np.multiply(np.array([1], "float16"), 2).dtype).toBe("float16");
  });
});
