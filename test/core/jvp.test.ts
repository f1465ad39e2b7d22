// Forward mode (jvp, jacfwd, jacrev, hessian) through the public API: JAX's values (grad.json)
// on the ref and XLA backends, eagerly and under jit; forward mode through whileLoop; properties
// against central finite differences in float64 and against reverse mode.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  backendName,
  definePrimitive,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jit,
  jvp,
  setBackend,
  vjp,
  vmap,
  bind1,
  type Value,
} from "../../src/core/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { lax } from "../../src/lax/index.js";
import { values } from "../numpy/helpers.js";
import { BACKENDS, MODES, discountedReturn, expectTree, hessFn, inputs, jacFn, jvpFn, mlpLoss, newtonSqrt, program, returnLoss, use, wrap } from "./grad_fixture.js";

const initial = backendName();
afterEach(() => setBackend(initial));

describe.each(BACKENDS)("JAX forward-mode fixtures on %s", (backend) => {
  describe.each(MODES)("%s", (mode) => {
    for (const run of program("jvp").runs)
      it(`jvp with a record output (${run.dtype})`, () => {
        use(backend);
        const { x, y, tx, ty } = inputs(run);
        const [out, tangent] = wrap(mode, (x: Value, y: Value, tx: Value, ty: Value) => jvp(jvpFn, [x, y], [tx, ty]))(x, y, tx, ty);
        expectTree(out, run.outputs.out, "out");
        expectTree(tangent, run.outputs.tangent, "tangent");
      });

    for (const run of program("hessian").runs)
      it(`hessian = jacfwd(jacrev(f)), and a Hessian-vector product as jvp of grad (${run.dtype})`, () => {
        use(backend);
        const { x, v } = inputs(run);
        expectTree(wrap(mode, hessFn)(x), run.outputs.value, "value");
        expectTree(wrap(mode, grad(hessFn))(x), run.outputs.grad, "grad");
        expectTree(wrap(mode, hessian(hessFn))(x), run.outputs.hessian, "hessian");
        expectTree(wrap(mode, jacrev(jacfwd(hessFn)))(x), run.outputs.hessian, "jacrev(jacfwd)");
        const hvp = (x: Value, v: Value) => jvp(grad(hessFn), [x], [v])[1];
        expectTree(wrap(mode, hvp)(x, v), run.outputs.hvp, "hvp");
      });

    for (const run of program("jacobian").runs)
      it(`jacfwd / jacrev with argnums, non-square Jacobians (${run.dtype})`, () => {
        use(backend);
        const { w, x } = inputs(run);
        expectTree(wrap(mode, jacfwd(jacFn, { argnums: 1 }))(w, x), run.outputs.jacfwd_x, "jacfwd_x");
        expectTree(wrap(mode, jacrev(jacFn, { argnums: 1 }))(w, x), run.outputs.jacrev_x, "jacrev_x");
        expectTree(wrap(mode, jacrev(jacFn, { argnums: 0 }))(w, x), run.outputs.jacrev_w, "jacrev_w");
        if (backend === "xla" && mode === "eager") return; // (every eager op compiles: the rest under jit only)
        expectTree(wrap(mode, jacfwd(jacFn, { argnums: 0 }))(w, x), run.outputs.jacrev_w, "jacfwd_w");
        const [jw, jx] = wrap(mode, jacfwd(jacFn, { argnums: [0, 1] }))(w, x) as Value[];
        expectTree(jw, run.outputs.jacrev_w, "jacfwd argnums [0, 1] (w)");
        expectTree(jx, run.outputs.jacfwd_x, "jacfwd argnums [0, 1] (x)");
      });

    for (const run of program("jvp_while").runs)
      it(`jvp through lax.whileLoop (Newton's sqrt) at a = ${values(inputs(run).a)[0]} (${run.dtype})`, () => {
        use(backend);
        const { a, ta } = inputs(run);
        const [out, t] = wrap(mode, (a: Value, ta: Value) => jvp(newtonSqrt, [a], [ta]))(a, ta);
        expectTree(out, run.outputs.out, "out");
        expectTree(t, run.outputs.tangent, "tangent");
        // Forward mode through while also gives jacfwd.
        expectTree(wrap(mode, jacfwd(newtonSqrt))(a), run.outputs.tangent, "jacfwd");
      });

    for (const run of program("mlp_softmax_xent").runs)
      it(`jacrev and jacfwd of the MLP loss over a record of params are its gradient (${run.dtype})`, () => {
        use(backend);
        const { params, x, labels } = inputs(run);
        expectTree(wrap(mode, jacrev(mlpLoss))(params, x, labels), run.outputs.grads, "jacrev");
        // (Eager jacfwd on XLA compiles every batched op of 165 basis directions: slow, skipped.)
        if (backend === "ref" || mode === "jit")
          expectTree(wrap(mode, jacfwd(mlpLoss))(params, x, labels), run.outputs.grads, "jacfwd");
      });

    for (const run of program("discounted_return").runs)
      it(`forward mode through a reverse scan (its VJP rule transposed) agrees with JAX's gradient (${run.dtype})`, () => {
        use(backend);
        const { rewards, dones, gamma, bootstrap } = inputs(run);
        const t = np.astype(np.linspace(-1, 1, rewards.shape[0]), rewards.dtype);
        const [, dv] = wrap(mode, (r: Value, t: Value) => jvp((r: Value) => returnLoss(r, dones, gamma, bootstrap), [r], [t]))(rewards, t);
        const g = inputs({ ...run, inputs: { g: run.outputs.grad_rewards } } as never).g as Value;
        const want = values(np.sum(np.multiply(g, t)))[0]!;
        expect(Math.abs(values(dv)[0]! - want)).toBeLessThan((run.dtype === "float32" ? 1e-5 : 1e-12) * Math.max(1, Math.abs(want)));
        const jf = wrap(mode, jacfwd(discountedReturn))(rewards, dones, gamma, bootstrap) as Value;
        const jr = wrap(mode, jacrev(discountedReturn))(rewards, dones, gamma, bootstrap) as Value;
        expect(jf.shape).toEqual([10, 10]);
        values(jf).forEach((v, i) => expect(Math.abs(v - values(jr)[i]!)).toBeLessThan(1e-5));
      });

    for (const run of program("tanh_derivatives").runs)
      it(`vmap of jvp: second and third derivatives of tanh in forward mode (${run.dtype})`, () => {
        use(backend);
        const { xs } = inputs(run);
        const one = np.onesLike(xs);
        const d2 = wrap(mode, vmap((x: Value, t: Value) => jvp(grad(np.tanh), [x], [t])[1]))(xs, one);
        expectTree(d2, run.outputs.d2, "d2 = jvp(grad)");
        const fwd1 = (x: Value) => jvp(np.tanh, [x], [np.onesLike(x)])[1];
        const fwd2 = (x: Value) => jvp(fwd1, [x], [np.onesLike(x)])[1];
        const fwd3 = (x: Value) => jvp(fwd2, [x], [np.onesLike(x)])[1];
        expectTree(wrap(mode, fwd1)(xs), run.outputs.d1, "d1 = jvp");
        expectTree(wrap(mode, fwd2)(xs), run.outputs.d2, "d2 = jvp(jvp)");
        expectTree(wrap(mode, fwd3)(xs), run.outputs.d3, "d3 = jvp(jvp(jvp))");
      });
  });
});

// An identity primitive with no rules (registered in this test file's module only).
const noRule = definePrimitive<object>({
  name: "jvp_test_no_vjp",
  abstractEval: (avals) => [avals[0]!],
  lower: (_ctx, ins) => [ins[0]!],
  ref: (ins) => [ins[0]!],
});

describe.each(BACKENDS)("jvp API on %s", (backend) => {
  const f32 = (xs: number[], shape = [xs.length]) => np.reshape(np.array(xs, "float32"), shape);

  it("takes and returns pytrees; tangents must match the primals' structure, shapes and dtypes", () => {
    use(backend);
    const f = (p: { a: Value; b: [Value] }) => [np.multiply(p.a, p.b[0]), np.sin(p.a)];
    const p = { a: f32([1, 2]), b: [f32([3, 4])] as [Value] };
    const [out, t] = jvp(f, [p], [{ a: f32([1, 0]), b: [f32([0, 1])] }]);
    expect(values(out[0]!)).toEqual([3, 8]);
    expect(values(t[0]!)).toEqual([3, 2]);
    expect(values(t[1]!)).toEqual(values(np.multiply(np.cos(p.a), f32([1, 0]))));
    expect(() => jvp(f, [p], [{ a: f32([1, 0]) }])).toThrow(/tangents' structure/);
    expect(() => jvp(f, [p], [{ a: f32([1, 0, 0]), b: [f32([0, 1])] }])).toThrow(/tangent leaf 0 is f32\[3\] but its primal is f32\[2\]/);
    expect(() => jvp(f, [p], [{ a: np.array([1, 0], "float64"), b: [f32([0, 1])] }])).toThrow(/tangents must have the primals' shapes and dtypes/);
  });

  it("integer primals get no tangent; integer outputs have zero tangents", () => {
    use(backend);
    const f = (x: Value, n: Value) => [np.multiply(x, np.astype(n, "float32")), np.add(n, 1)];
    const n = np.array([2, 3], "int32");
    const [out, t] = jvp(f, [f32([1, 1]), n], [f32([1, 2]), n]);
    expect(values(out[1]!)).toEqual([3, 4]);
    expect(values(t[0]!)).toEqual([2, 6]);
    expect(t[1]!.dtype).toBe("int32");
    expect(values(t[1]!)).toEqual([0, 0]);
  });

  it("is linear in the tangent and adjoint to vjp: <v, J t> = <Jᵀ v, t>", () => {
    use(backend);
    const f = (x: Value) => np.multiply(np.tanh(x), np.exp(np.divide(x, 3)));
    const x = f32([0.3, -1.2, 2.0]);
    const t = f32([1, -2, 0.5]);
    const v = f32([0.7, 0.1, -3]);
    const [, jt] = jvp(f, [x], [t]);
    const [, jt2] = jvp(f, [x], [np.multiply(t, 2)]);
    values(jt2).forEach((y, i) => expect(y).toBeCloseTo(2 * values(jt)[i]!, 5));
    const [, vjpFn] = vjp(f, x);
    const [jtv] = vjpFn(v) as Value[];
    const dot = (a: Value, b: Value) => values(a).reduce((s, ai, i) => s + ai * values(b)[i]!, 0);
    expect(dot(v, jt)).toBeCloseTo(dot(jtv!, t), 5);
  });

  it("hessian over a record input has the record nested in the record", () => {
    use(backend);
    const f = (p: { a: Value; b: Value }) => np.add(np.multiply(np.square(p.a), p.b), np.power(p.b, 3));
    const h = hessian(f)({ a: np.array(2, "float32"), b: np.array(3, "float32") }) as any;
    // f = a² b + b³: f_aa = 2b, f_ab = 2a, f_bb = 6b
    expect(values(h.a.a)).toEqual([6]);
    expect(values(h.a.b)).toEqual([4]);
    expect(values(h.b.a)).toEqual([4]);
    expect(values(h.b.b)).toEqual([18]);
  });

  it("jacfwd and jacrev agree on a vector function of a matrix", () => {
    use(backend);
    const f = (m: Value) => np.sin(np.add(np.transpose(m), np.reshape(f32([1, 2, 3]), [3, 1])));
    const m = f32([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [2, 3]);
    const jf = jacfwd(f)(m) as Value;
    const jr = jacrev(f)(m) as Value;
    expect(jf.shape).toEqual([3, 2, 2, 3]);
    values(jr).forEach((v, i) => expect(v).toBeCloseTo(values(jf)[i]!, 6));
    expect(values(jit(jacfwd(f))(m))).toEqual(values(jf));
  });

  it("forward mode through whileLoop under vmap and jit: a batched loop of (carry, tangent)", () => {
    use(backend);
    const as = f32([2, 9, 0.25]);
    const d = jit(vmap((a: Value) => jvp(newtonSqrt, [a], [np.onesLike(a)])[1]))(as);
    values(d).forEach((v, i) => expect(v).toBeCloseTo(0.5 / Math.sqrt(values(as)[i]!), 5));
    // A loop whose trip count depends on the data (and so differs across the batch).
    const expo = (x: Value, n: Value) =>
      lax.whileLoop(
        (c: [Value, Value]) => np.less(c[0], n),
        ([i, y]: [Value, Value]) => [np.add(i, 1), np.multiply(y, x)] as [Value, Value],
        [np.asArray(0), np.onesLike(x)] as [Value, Value],
      )[1];
    const dx = vmap((x: Value, n: Value) => jvp((y: Value) => expo(y, n), [x], [np.onesLike(x)])[1])(f32([2, 3, 0.5]), np.array([3, 1, 4], "int32"));
    expect(values(dx)).toEqual([3 * 4, 1, 4 * 0.125]);
  });

  it("reverse mode of a while is still an error; jvp of a while inside a scan needs a VJP and says so", () => {
    use(backend);
    const inner = (y: Value) =>
      lax.whileLoop((c: [Value, Value]) => np.less(c[0], 2), ([i, z]: [Value, Value]) => [np.add(i, 1), np.sin(z)] as [Value, Value], [np.asArray(0), y] as [Value, Value])[1];
    const viaScan = (x: Value) => lax.scan((c: Value, _: null) => [inner(c), null] as [Value, null], x, null, { length: 2 })[0];
    expect(() => jvp(viaScan, [np.array(1, "float32")], [np.array(1, "float32")])).toThrow(/jvp of "scan".*"while" has no VJP rule.*not inside a scan or cond body/);
    expect(() => jacrev(inner)(np.array(1, "float32"))).toThrow(/whileLoop.*scan/);
    const y = values(jacfwd(inner)(np.array(1, "float32")))[0]!;
    expect(y).toBeCloseTo(Math.cos(Math.sin(1)) * Math.cos(1), 5);
  });

  it("a primitive without a VJP rule is an error that explains forward mode needs one", () => {
    use(backend);
    const f = (x: Value) => bind1(noRule, [np.sin(x)]);
    expect(() => jvp(f, [f32([1])], [f32([1])])).toThrow(/jvp: primitive "jvp_test_no_vjp" has no VJP rule; forward mode here is computed by transposing VJP rules/);
  });
});

describe("properties (ref backend, float64)", () => {
  const shapeArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 });
  const valuesOf = (shape: number[], seed: number, scale: number) =>
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => scale * Math.sin(1 + i * 12.9898 + seed * 78.233));
  const f64 = (xs: number[], shape: number[]) => np.reshape(np.array(xs, "float64"), shape);
  const fs: [string, (x: Value) => Value][] = [
    ["tanh(x) * exp(x / 3)", (x) => np.multiply(np.tanh(x), np.exp(np.divide(x, 3)))],
    ["sin(x)² / (1 + x²)", (x) => np.divide(np.square(np.sin(x)), np.add(1, np.square(x)))],
    ["reverse and transpose", (x) => np.transpose(np.multiply(np.flip(x), np.cos(x)))],
  ];

  for (const [name, f] of fs)
    it(`jvp equals central finite differences and the vjp adjoint: ${name}`, () => {
      setBackend("ref");
      fc.assert(
        fc.property(shapeArb, fc.integer({ min: 0, max: 1000 }), (shape, seed) => {
          const x = f64(valuesOf(shape, seed, 2), shape);
          const t = f64(valuesOf(shape, seed + 1, 1), shape);
          const [, jt] = jvp(f, [x], [t]);
          const h = 1e-6;
          const fd = values(np.divide(np.subtract(f(np.add(x, np.multiply(t, h))), f(np.subtract(x, np.multiply(t, h)))), 2 * h));
          values(jt).forEach((v, i) => expect(Math.abs(v - fd[i]!)).toBeLessThan(1e-7 * Math.max(1, Math.abs(v))));
          const v = f64(valuesOf(jt.shape as number[], seed + 2, 1), jt.shape as number[]);
          const [jtv] = vjp(f, x)[1](v) as Value[];
          const dot = (a: Value, b: Value) => values(a).reduce((s, ai, i) => s + ai * values(b)[i]!, 0);
          expect(Math.abs(dot(v, jt) - dot(jtv!, t))).toBeLessThan(1e-10 * Math.max(1, Math.abs(dot(v, jt))));
        }),
        { numRuns: 25 },
      );
    });
});
