// The public signatures stay typed from the user's functions without `any`: these are
// compile-time assertions (`npm run typecheck` checks them; a wrong type fails to compile, an
// unused @ts-expect-error too), run here as well on small inputs.
import { describe, expect, it } from "vitest";
import { grad, jit, lax, numpy as np, tree, valueAndGrad, vmap, type Value } from "../../src/index.js";

/** A compile-time equality check: `expectType<T>()(x)` compiles only if x's type is exactly T. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const exact = <A, B>(ok: Equal<A, B>) => expect(ok).toBe(true);

describe("transformations are typed from the function", () => {
  const loss = (w: Value, p: { x: Value; y: Value }) => np.mean(np.square(np.subtract(np.matmul(p.x, w), p.y)));
  const w = np.ones([3, 1]);
  const p = { x: np.ones([4, 3]), y: np.zeros([4, 1]) };

  it("grad, valueAndGrad, jit and vmap keep the parameter and result types", () => {
    const g = grad(loss)(w, p);
    exact<typeof g, Value>(true);
    expect(g.shape).toEqual([3, 1]);
    const both = grad(loss, { argnums: [0, 1] })(w, p);
    exact<typeof both, [Value, { x: Value; y: Value }]>(true);
    expect(both[1].x.shape).toEqual([4, 3]);
    const [v, gw] = valueAndGrad(loss)(w, p);
    exact<typeof v, Value>(true);
    expect(v.shape).toEqual([]);
    expect(gw.shape).toEqual([3, 1]);
    const step = jit((w: Value, p: { x: Value; y: Value }) => np.subtract(w, grad(loss)(w, p)));
    exact<Parameters<typeof step>, [w: Value, p: { x: Value; y: Value }]>(true);
    exact<ReturnType<typeof step>, Value>(true);
    expect(step(w, p).shape).toEqual([3, 1]);
    // @ts-expect-error: the second argument must be { x, y }
    expect(() => step(w, w)).toThrow();
    const perExample = vmap(grad(loss), { inAxes: [null, 0] });
    exact<ReturnType<typeof perExample>, Value>(true);
    expect(perExample(w, p).shape).toEqual([4, 3, 1]);
  });

  it("an unannotated parameter can be passed anywhere, and the result takes anything there (no any)", () => {
    const f = jit((x) => np.sin(x));
    exact<Parameters<typeof f>, [x: unknown]>(true);
    expect(f(np.zeros([2])).tolistSync()).toEqual([0, 0]);
    const g = grad((x) => np.sum(np.square(x)));
    exact<Parameters<typeof g>, [x: unknown]>(true);
    expect(g(np.array([1, 2])).tolistSync()).toEqual([2, 4]);
    // @ts-expect-error: its members cannot be read until it is annotated (x: Value)
    const h = jit((x) => x.shape);
    void h;
  });
});

describe("lax.cond and lax.switch infer branch parameters from the operands", () => {
  it("needs no annotations", () => {
    const x = np.array([1, -2]);
    const y = lax.cond(np.sum(x).gt(0), (a) => np.negative(a), (a) => a, x);
    exact<typeof y, Value>(true);
    expect(y.tolistSync()).toEqual([1, -2]);
    const z = lax.cond(true, () => x, () => np.zerosLike(x));
    exact<typeof z, Value>(true);
    expect(z.tolistSync()).toEqual([1, -2]);
    const pair = lax.cond(false, (a, b) => ({ s: np.add(a, b.v) }), (a, b) => ({ s: np.subtract(a, b.v) }), x, { v: x });
    exact<typeof pair, { s: Value }>(true);
    expect(pair.s.tolistSync()).toEqual([0, 0]);
    const k = lax.switch(1, [(a) => a, (a) => np.multiply(a, 2)], x);
    expect(k.tolistSync()).toEqual([2, -4]);
    // @ts-expect-error: the branches take the operands' types
    lax.cond(true, (s: string) => s, (s: string) => s, x);
  });
});

describe("tree.map takes functions of the leaves it will see", () => {
  it("accepts typed and unannotated leaf functions", () => {
    const t = tree.map((l: Value) => np.multiply(l, 2), { a: np.ones([2]) });
    exact<typeof t, { a: Value }>(true);
    expect(t.a.tolistSync()).toEqual([2, 2]);
    const u = tree.map((l) => np.multiply(l, 3), { a: np.ones([2]) });
    expect(u.a.tolistSync()).toEqual([3, 3]);
    // @ts-expect-error: an unannotated leaf's members cannot be read (annotate it: l: Value)
    expect(() => tree.map((l) => l.shape, { a: np.ones([2]) })).not.toThrow();
  });
});
