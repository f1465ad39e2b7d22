// vmap through the public API: JAX's per-example gradients and vmapped programs (grad.json) on
// the ref and XLA backends, eagerly and under jit, and the API's contract (inAxes / outAxes per
// pytree node, axisSize, nesting, random keys).
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { backendName, grad, jit, setBackend, valueAndGrad, vmap, type Value } from "../../src/core/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { lax } from "../../src/lax/index.js";
import { random } from "../../src/random/index.js";
import { values } from "../numpy/helpers.js";
import { BACKENDS, MODES, expectTree, inputs, perExampleLoss, piecewise, program, returnLoss, use, wrap } from "./grad_fixture.js";

const initial = backendName();
afterEach(() => setBackend(initial));

describe.each(BACKENDS)("JAX vmap fixtures on %s", (backend) => {
  describe.each(MODES)("%s", (mode) => {
    for (const run of program("per_example_grad").runs)
      it(`per-example gradients: vmap(grad(loss, argnums [0, 1]), inAxes [null, null, 0, 0]) (${run.dtype})`, () => {
        use(backend);
        const { w, b, xs, ys } = inputs(run);
        const bArr = np.asArray(b, run.dtype);
        const inAxes = [null, null, 0, 0];
        expectTree(wrap(mode, vmap(perExampleLoss, { inAxes }))(w, bArr, xs, ys), run.outputs.loss, "loss");
        const [gw, gb] = wrap(mode, vmap(grad(perExampleLoss, { argnums: [0, 1] }), { inAxes }))(w, bArr, xs, ys) as Value[];
        expectTree(gw, run.outputs.grad_w, "grad_w");
        expectTree(gb, run.outputs.grad_b, "grad_b");
        // The mean of the per-example gradients is the gradient of the mean loss.
        const meanLoss = (w: Value, b: Value) => np.mean(vmap(perExampleLoss, { inAxes })(w, b, xs, ys));
        const [mw, mb] = grad(meanLoss, { argnums: [0, 1] })(w, bArr) as Value[];
        expectTree(mw, { ...run.outputs.grad_w, shape: [3], data: avg(values(gw!), 3) } as never, "mean grad_w", run.dtype === "float32" ? 1e-5 : 1e-12);
        expect(values(mb!)[0]).toBeCloseTo(avg(values(gb!), 1)[0]!, run.dtype === "float32" ? 6 : 12);
      });

    for (const run of program("discounted_return_vmap").runs)
      it(`grad through a scan under vmap with inAxes [1, 1, null, 0] and outAxes [1, 0] (${run.dtype})`, () => {
        use(backend);
        const { rewards, dones, gamma, bootstrap } = inputs(run);
        const f = vmap(grad(returnLoss, { argnums: [0, 2] }), { inAxes: [1, 1, null, 0], outAxes: [1, 0] });
        const [gr, gg] = wrap(mode, f)(rewards, dones, gamma, bootstrap) as Value[];
        expectTree(gr, run.outputs.grad_rewards, "grad_rewards");
        expectTree(gg, run.outputs.grad_gamma, "grad_gamma");
      });

    for (const run of program("cond_piecewise").runs)
      it(`cond under vmap: values, grads, grads of grads (${run.dtype})`, () => {
        use(backend);
        const { xs } = inputs(run);
        expectTree(wrap(mode, vmap(piecewise))(xs), run.outputs.y, "y");
        expectTree(wrap(mode, vmap(grad(piecewise)))(xs), run.outputs.dy, "dy");
        expectTree(wrap(mode, vmap(grad(grad(piecewise))))(xs), run.outputs.d2y, "d2y");
      });

    for (const run of program("tanh_derivatives").runs)
      it(`vmap of grad(tanh), grad(grad(tanh)), grad(grad(grad(tanh))) (${run.dtype})`, () => {
        use(backend);
        const { xs } = inputs(run);
        const d1 = grad(np.tanh);
        const d2 = grad(d1);
        const d3 = grad(d2);
        expectTree(wrap(mode, vmap(d1))(xs), run.outputs.d1, "d1");
        expectTree(wrap(mode, vmap(d2))(xs), run.outputs.d2, "d2");
        expectTree(wrap(mode, vmap(d3))(xs), run.outputs.d3, "d3");
      });

    for (const run of program("random_vmap").runs)
      it(`random keys: split, then vmap(random.normal) and vmap(random.uniform) (seed ${JSON.stringify(run.inputs.seed)})`, () => {
        use(backend);
        const { seed } = inputs(run);
        const keys = random.split(random.key(seed), 4);
        expectTree(keys, run.outputs.keys, "keys", 0);
        const normal = wrap(mode, vmap((k: Value) => random.normal(k, [3])))(keys);
        const uniform = wrap(mode, vmap((k: Value) => random.uniform(k, [2])))(keys);
        // uniform is exact; normal goes through log1p / erf_inv (XLA's approximations on xla).
        expectTree(uniform, run.outputs.uniform, "uniform", 0);
        expectTree(normal, run.outputs.normal, "normal", 2e-6);
        // Each row is what the key gives alone.
        const row1 = random.normal(lax.reshape(lax.slice(keys, [1, 0], [2, 2]), [2]), [3]);
        expect(values(row1)).toEqual(values(normal).slice(3, 6));
      });
  });
});

function avg(xs: number[], width: number): number[] {
  const n = xs.length / width;
  return Array.from({ length: width }, (_, j) => Array.from({ length: n }, (_, i) => xs[i * width + j]!).reduce((a, b) => a + b, 0) / n);
}

describe.each(BACKENDS)("vmap API on %s", (backend) => {
  const f32 = (xs: number[], shape = [xs.length]) => np.reshape(np.array(xs, "float32"), shape);
  const m23 = () => f32([1, 2, 3, 4, 5, 6], [2, 3]);

  it("inAxes per pytree node: a record spec with a batched and an unbatched field", () => {
    use(backend);
    const f = (p: { w: Value; b: Value }, x: Value) => np.add(np.multiply(p.w, x), p.b);
    const p = { w: f32([10, 20, 30]), b: m23() };
    for (const mode of MODES) {
      // w is shared, b batched along axis 0, x batched along axis 1.
      const out = wrap(mode, vmap(f, { inAxes: [{ w: null, b: 0 }, 1] }))(p, f32([1, 2, 3, 4, 5, 6], [3, 2]));
      expect(out.shape).toEqual([2, 3]);
      expect(values(out)).toEqual([10 + 1, 60 + 2, 150 + 3, 20 + 4, 80 + 5, 180 + 6]);
    }
  });

  it("outAxes per pytree node, and null for outputs that do not depend on the batch", () => {
    use(backend);
    const f = (x: Value) => ({ y: np.multiply(x, 2), z: [np.sin(x)], c: np.ones([2]) });
    for (const mode of MODES) {
      const out = wrap(mode, vmap(f, { outAxes: { y: 1, z: [0], c: null } }))(m23()) as any;
      expect(out.y.shape).toEqual([3, 2]);
      expect(values(out.y)).toEqual([2, 8, 4, 10, 6, 12]);
      expect(out.z[0].shape).toEqual([2, 3]);
      expect(out.c.shape).toEqual([2]);
    }
    expect(() => vmap(f, { outAxes: { y: null, z: [0], c: null } })(m23())).toThrow(/outAxes is null for output leaf .* depends on the batched inputs/);
  });

  it("negative inAxes / outAxes count from the end", () => {
    use(backend);
    const out = vmap((r: Value) => np.multiply(r, r), { inAxes: -1, outAxes: -1 })(m23());
    expect(out.shape).toEqual([2, 3]);
    expect(values(out)).toEqual([1, 4, 9, 16, 25, 36]);
  });

  it("axisSize with no batched input broadcasts the result", () => {
    use(backend);
    for (const mode of MODES) {
      const out = wrap(mode, vmap((x: Value) => np.exp(x), { inAxes: null, axisSize: 4 }))(f32([0, 1]));
      expect(out.shape).toEqual([4, 2]);
      expect(values(out).slice(6)).toEqual(values(np.exp(f32([0, 1]))));
    }
    expect(() => vmap((x: Value) => x, { inAxes: null })(f32([1]))).toThrow(/no argument is batched; give axisSize/);
  });

  it("nested vmap: an outer product, and a batched matrix of per-pair gradients", () => {
    use(backend);
    const outer = vmap(vmap((a: Value, b: Value) => np.multiply(a, b), { inAxes: [null, 0] }), { inAxes: [0, null] });
    for (const mode of MODES) {
      const o = wrap(mode, outer)(f32([1, 2]), f32([3, 4, 5]));
      expect(o.shape).toEqual([2, 3]);
      expect(values(o)).toEqual([3, 4, 5, 6, 8, 10]);
    }
    // d/da sin(a * b) = b cos(a b) for every pair.
    const g = vmap(vmap(grad((a: Value, b: Value) => np.sin(np.multiply(a, b))), { inAxes: [null, 0] }), { inAxes: [0, null] });
    const got = values(jit(g)(f32([0.5, 1]), f32([1, 2, 3])));
    const want = [0.5, 1].flatMap((a) => [1, 2, 3].map((b) => b * Math.cos(a * b)));
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });

  it("jit(vmap(grad(f))) with pytree params and valueAndGrad", () => {
    use(backend);
    const loss = (p: { w: Value; b: Value }, x: Value) => np.sum(np.square(np.add(np.multiply(p.w, x), p.b)));
    const p = { w: f32([1, -1]), b: f32([0.5, 0.5]) };
    const f = jit(vmap(valueAndGrad(loss), { inAxes: [null, 0] }));
    const [v, g] = f(p, f32([1, 2, 3, 4], [2, 2])) as [Value, { w: Value; b: Value }];
    // example 0: r = [1.5, -1.5]; example 1: r = [3.5, -3.5]
    expect(values(v)).toEqual([4.5, 24.5]);
    expect(g.w.shape).toEqual([2, 2]);
    expect(values(g.w)).toEqual([3, -6, 21, -28]);
    expect(values(g.b)).toEqual([3, -3, 7, -7]);
  });

  it("errors: mismatched batch sizes, out-of-range axes, batched JS numbers", () => {
    use(backend);
    const f = (a: Value, b: Value) => np.add(a, b);
    expect(() => vmap(f)(f32([1, 2]), f32([1, 2, 3]))).toThrow(/different sizes along their batch axes \(2 and 3/);
    expect(() => vmap(f, { inAxes: [0, 2] })(f32([1, 2]), f32([1, 2]))).toThrow(/inAxes 2 is out of range/);
    expect(() => vmap((a: Value, s: number) => np.multiply(a, s))(f32([1, 2]), 3)).toThrow(/JS number argument cannot be batched/);
    expect(() => vmap(f, { inAxes: [0, 0, 0] })(f32([1]), f32([1]))).toThrow(/inAxes is a list of 3/);
  });
});

describe("properties (ref backend)", () => {
  it("vmap with any inAxes / outAxes equals stacking the calls on slices", () => {
    setBackend("ref");
    const f = (x: Value, y: Value) => np.add(np.tanh(np.transpose(x)), np.multiply(y, 2));
    const arb = fc
      .tuple(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }), fc.integer({ min: 1, max: 3 }))
      .chain(([shape, n]) =>
        fc.tuple(fc.constant(shape), fc.constant(n), fc.integer({ min: 0, max: shape.length }), fc.integer({ min: 0, max: shape.length }), fc.boolean()),
      );
    fc.assert(
      fc.property(arb, ([shape, n, inAx, outAx, shareY]) => {
        const xShape = [...shape];
        xShape.splice(inAx, 0, n);
        const x = np.reshape(np.arange(xShape.reduce((a, b) => a * b, 1), undefined, undefined, "float64"), xShape);
        const yShape = [...shape].reverse();
        const y = np.reshape(np.arange(yShape.reduce((a, b) => a * b, 1) * (shareY ? 1 : n), undefined, undefined, "float64"), shareY ? yShape : [n, ...yShape]);
        const out = vmap(f, { inAxes: [inAx, shareY ? null : 0], outAxes: outAx })(x, y);
        const rows = Array.from({ length: n }, (_, i) => {
          const xi = np.take(x, np.array([i], "int32"), inAx);
          const yi = shareY ? y : np.take(y, np.array([i], "int32"), 0);
          return f(np.squeeze(xi, inAx), shareY ? yi : np.squeeze(yi, 0));
        });
        expect(values(out)).toEqual(values(np.stack(rows, outAx)));
      }),
      { numRuns: 40 },
    );
  });
});
