// Reverse mode through the public API: JAX's gradients of composite functions (grad.json) on the
// ref and XLA backends, eagerly and under jit, and the API's contract (argnums, hasAux, pytrees,
// integer inputs, vjp cotangent trees, higher order).
import { afterEach, describe, expect, it } from "vitest";
import { backendName, grad, jit, setBackend, valueAndGrad, vjp, type Value } from "../../src/core/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { lax } from "../../src/lax/index.js";
import { values } from "../numpy/helpers.js";
import {
  BACKENDS,
  MODES,
  discountedReturn,
  expectTree,
  inputs,
  logsumexp,
  lseLoss,
  mlpLoss,
  piecewise,
  program,
  returnLoss,
  use,
  wrap,
  type MlpParams,
} from "./grad_fixture.js";

const initial = backendName();
afterEach(() => setBackend(initial));

describe.each(BACKENDS)("JAX gradient fixtures on %s", (backend) => {
  describe.each(MODES)("%s", (mode) => {
    for (const run of program("mlp_softmax_xent").runs)
      it(`MLP softmax cross-entropy: value and grads of every param (${run.dtype})`, () => {
        use(backend);
        const { params, x, labels } = inputs(run);
        const [loss, grads] = wrap(mode, valueAndGrad(mlpLoss))(params, x, labels);
        expectTree(loss, run.outputs.loss, "loss");
        expectTree(grads, run.outputs.grads, "grads");
      });

    for (const run of program("logsumexp").runs)
      it(`logsumexp with a stop-gradient shift, and np.logsumexp (${run.dtype})`, () => {
        use(backend);
        const { x, w } = inputs(run);
        const [value, g] = wrap(mode, valueAndGrad(lseLoss))(x, w);
        expectTree(value, run.outputs.value, "value");
        expectTree(g, run.outputs.grad_x, "grad_x");
        expectTree(wrap(mode, logsumexp)(x), run.outputs.lse, "lse");
        // The library's own logsumexp gives JAX's value and the same gradient (softmax).
        expectTree(wrap(mode, (a: Value) => np.logsumexp(a, -1))(x), run.outputs.lse_jax, "np.logsumexp");
        const gLib = wrap(mode, grad((a: Value, b: Value) => np.sum(np.multiply(np.logsumexp(a, -1), b))))(x, w);
        expectTree(gLib, run.outputs.grad_x, "grad of np.logsumexp");
      });

    for (const run of program("discounted_return").runs)
      it(`discounted return by a reverse scan: grads w.r.t. rewards, gamma, bootstrap (${run.dtype})`, () => {
        use(backend);
        const { rewards, dones, gamma, bootstrap } = inputs(run);
        expectTree(wrap(mode, discountedReturn)(rewards, dones, gamma, bootstrap), run.outputs.returns, "returns");
        const [value, gs] = wrap(mode, valueAndGrad(returnLoss, { argnums: [0, 2, 3] }))(rewards, dones, gamma, bootstrap);
        expectTree(value, run.outputs.value, "value");
        expectTree(gs, [run.outputs.grad_rewards, run.outputs.grad_gamma, run.outputs.grad_bootstrap], "grads");
      });

    for (const run of program("cond_piecewise").runs)
      it(`cond piecewise: grad and grad of grad at each point (${run.dtype})`, () => {
        use(backend);
        const { xs } = inputs(run);
        const dy = wrap(mode, grad(piecewise));
        const d2y = wrap(mode, grad(grad(piecewise)));
        const n = xs.shape[0];
        const at = (i: number) => lax.reshape(lax.slice(xs, [i], [i + 1]), []);
        const ys = Array.from({ length: n }, (_, i) => dy(at(i)) as Value);
        const y2s = Array.from({ length: n }, (_, i) => d2y(at(i)) as Value);
        expectTree(np.stack(ys), run.outputs.dy, "dy");
        expectTree(np.stack(y2s), run.outputs.d2y, "d2y");
      });

    for (const run of program("tanh_derivatives").runs)
      it(`grad of grad (of grad) of tanh at points (${run.dtype})`, () => {
        use(backend);
        const { xs } = inputs(run);
        const d1 = grad(np.tanh);
        const d2 = grad(d1);
        const d3 = grad(d2);
        const n = xs.shape[0];
        const at = (i: number) => lax.reshape(lax.slice(xs, [i], [i + 1]), []);
        for (const [name, d] of [["d1", d1], ["d2", d2], ["d3", d3]] as const) {
          const f = wrap(mode, d);
          expectTree(np.stack(Array.from({ length: n }, (_, i) => f(at(i)) as Value)), run.outputs[name], name);
        }
      });
  });
});

describe.each(BACKENDS)("grad API on %s", (backend) => {
  const f32 = (xs: number[], shape = [xs.length]) => np.reshape(np.array(xs, "float32"), shape);

  it("hasAux: [[value, aux], grads] from valueAndGrad, [grads, aux] from grad; aux is not differentiated", () => {
    use(backend);
    const run = program("mlp_softmax_xent").runs[0]!;
    const { params, x, labels } = inputs(run);
    const withAux = (p: MlpParams, x: Value, l: Value) => {
      const loss = mlpLoss(p, x, l);
      return [loss, { doubled: np.multiply(loss, 2), n: np.sum(x) }];
    };
    for (const mode of MODES) {
      const [[value, aux], grads] = wrap(mode, valueAndGrad(withAux, { hasAux: true }))(params, x, labels) as any;
      expectTree(value, run.outputs.loss, "value");
      expectTree(grads, run.outputs.grads, "grads");
      expect(values(aux.doubled)[0]).toBeCloseTo(2 * values(value)[0]!, 5);
      const [g2, aux2] = wrap(mode, grad(withAux, { hasAux: true }))(params, x, labels) as any;
      expectTree(g2, run.outputs.grads, "grad's grads");
      expect(values(aux2.n)[0]).toBeCloseTo(values(np.sum(x))[0]!, 4);
    }
  });

  it("argnums as a tuple returns a tuple in that order; a single number returns one gradient", () => {
    use(backend);
    const f = (a: Value, b: Value, c: Value) => np.sum(np.multiply(np.multiply(a, b), np.square(c)));
    const [a, b, c] = [f32([1, 2]), f32([3, 4]), f32([5, 6])];
    const [gc, ga] = grad(f, { argnums: [2, 0] })(a, b, c) as Value[];
    expect(values(gc!)).toEqual([2 * 1 * 3 * 5, 2 * 2 * 4 * 6]);
    expect(values(ga!)).toEqual([3 * 25, 4 * 36]);
    expect(values(grad(f, { argnums: 1 })(a, b, c))).toEqual([25, 72]);
    expect(() => grad(f, { argnums: 3 })(a, b, c)).toThrow(/argnums 3 is out of range for 3 arguments/);
  });

  it("pytree params (records, nested lists) get gradients of the same structure", () => {
    use(backend);
    const loss = (p: { w: Value; layers: [Value, { s: Value }] }, x: Value) =>
      np.sum(np.multiply(np.add(np.multiply(p.w, x), p.layers[0]), p.layers[1].s));
    const p = { w: f32([1, 2]), layers: [f32([0.5, 0.5]), { s: f32([3, -1]) }] as [Value, { s: Value }] };
    for (const mode of MODES) {
      const g = wrap(mode, grad(loss))(p, f32([10, 20])) as any;
      expect(Object.keys(g).sort()).toEqual(["layers", "w"]);
      expect(values(g.w)).toEqual([30, -20]);
      expect(values(g.layers[0])).toEqual([3, -1]);
      expect(values(g.layers[1].s)).toEqual([10.5, 40.5]);
    }
  });

  it("integer inputs: an error under grad naming the argument and the dtype", () => {
    use(backend);
    const f = (x: Value, n: Value) => np.sum(np.multiply(x, n));
    const xi = np.array([1, 2], "int32");
    expect(() => grad(f)(xi, xi)).toThrow(/argument 0 has a leaf of dtype int32/);
    expect(() => grad(f, { argnums: [0, 1] })(f32([1, 2]), xi)).toThrow(/argument 1 has a leaf of dtype int32/);
    expect(() => grad((p: { a: Value; k: Value }) => np.sum(p.a))({ a: f32([1]), k: np.array([3], "uint32") })).toThrow(/argument 0 .*uint32/);
    // Integers outside argnums are fine: they are ordinary inputs.
    expect(values(grad(f)(f32([1, 2]), xi))).toEqual([1, 2]);
  });

  it("non-scalar outputs are an error that points to vjp", () => {
    use(backend);
    expect(() => grad((x: Value) => np.sin(x))(f32([1, 2]))).toThrow(/scalar float.*use vjp/);
  });

  it("vjp with pytree outputs and pytree cotangents", () => {
    use(backend);
    const f = (p: { a: Value; b: Value }, x: Value) => ({ y: np.multiply(p.a, x), z: [np.sum(np.multiply(p.b, x))] });
    const p = { a: f32([1, 2, 3]), b: f32([4, 5, 6]) };
    const x = f32([0.5, -1, 2]);
    const [out, vjpFn] = vjp(f, p, x);
    expect(values(out.y)).toEqual([0.5, -2, 6]);
    expect(values(out.z[0]!)).toEqual([0.5 * 4 - 5 + 12]);
    const [gp, gx] = vjpFn({ y: f32([1, 10, 100]), z: [f32([2], [])] }) as [{ a: Value; b: Value }, Value];
    expect(values(gp.a)).toEqual([0.5, -10, 200]);
    expect(values(gp.b)).toEqual([1, -2, 4]);
    expect(values(gx)).toEqual([1 + 8, 20 + 10, 300 + 12]);
    expect(() => vjpFn({ y: f32([1, 1, 1]) } as never)).toThrow(/cotangent's structure/);
    expect(() => vjpFn({ y: f32([1, 1]), z: [f32([2], [])] })).toThrow(/cotangent leaf 0 is f32\[2\] but the output is f32\[3\]/);
  });

  it("jit(grad(f)) traces once per shape and matches the eager gradient", () => {
    use(backend);
    let traces = 0;
    const f = (x: Value) => {
      traces++;
      return np.sum(np.multiply(np.sin(x), x));
    };
    const g = jit(grad(f));
    const x = f32([0.1, 0.2, 0.3]);
    const want = values(np.add(np.sin(x), np.multiply(x, np.cos(x))));
    for (let k = 0; k < 3; k++) values(g(x)).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    expect(traces).toBe(1);
    // grad of a jitted function: jit inlines its program into grad's trace.
    values(grad(jit(f))(x)).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
  });

  it("grad(grad(f)) and a Hessian-vector product by grad of a dot with grad", () => {
    use(backend);
    const f = (x: Value) => np.sum(np.power(x, 4));
    const x = f32([1, -2, 0.5]);
    const v = f32([1, 0, 2]);
    // H = diag(12 x^2): Hv = 12 x^2 v
    const hvp = grad((y: Value) => np.sum(np.multiply(grad(f)(y), v)));
    expect(values(hvp(x))).toEqual([12, 0, 12 * 0.25 * 2]);
    expect(values(jit(hvp)(x))).toEqual([12, 0, 6]);
    const d2 = grad(grad((s: Value) => np.multiply(np.power(s, 3), np.exp(s))));
    const s = 0.5;
    const want = (6 * s + 6 * s * s + s ** 3) * Math.exp(s);
    expect(values(d2(np.array(s, "float32")))[0]).toBeCloseTo(want, 5);
  });

  it("stopGradient blocks the gradient; JS-number arguments are differentiable weak scalars", () => {
    use(backend);
    const f = (x: Value) => np.multiply(lax.stopGradient(np.square(x)), x);
    expect(values(grad(f)(np.array(3, "float32")))).toEqual([9]);
    const g = grad((x: Value) => np.multiply(x, x))(1.5) as Value;
    expect(values(g)).toEqual([3]);
  });

  it("reverse mode through whileLoop is an error that suggests scan", () => {
    use(backend);
    const f = (x: Value) => lax.whileLoop((c: [Value, Value]) => np.less(c[0], 3), ([i, y]: [Value, Value]) => [np.add(i, 1), np.sin(y)] as [Value, Value], [np.asArray(0), x] as [Value, Value])[1];
    expect(() => grad(f)(np.array(1, "float32"))).toThrow(/whileLoop.*scan/);
  });
});
