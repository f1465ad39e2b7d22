// Transformations of the control-flow family beyond the registry-wide suite
// (test/lax/transforms.test.ts): gradients through scan / cond / forLoop against closed forms
// and JAX's fixture, the error for reverse mode through whileLoop, second derivatives, vmap of
// whileLoop with per-example trip counts and of cond with batched predicates, vmap/grad
// nesting, jit(grad) and jit(vmap) on XLA against the ref backend, and a 10000-step scan
// gradient whose program does not grow with the length.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { Array, ShapedArray, backendName, grad, jit, makeJaxpr, setBackend, valueAndGrad, vjp, vmap, type Jaxpr, type Value } from "../../src/core/index.js";
import { fromNumbers, toNumbers } from "../../src/core/host.js";
import { lax } from "../../src/lax/index.js";

const initial = backendName();
afterEach(() => setBackend(initial));
const withXla = process.env.XLA_TS_BACKEND !== "ref";
const backends = withXla ? (["ref", "xla"] as const) : (["ref"] as const);

const { scan, whileLoop, forLoop, cond, switch: switch_ } = lax;
type DT = Value["dtype"];
const mk = (xs: ArrayLike<number>, shape: readonly number[] = [xs.length], dtype: DT = "float32") =>
  new Array(new ShapedArray(shape, dtype), { host: fromNumbers(xs, shape, dtype).data });
const f32 = (v: number) => mk([v], [], "float32");
const i32 = (v: number) => mk([v], [], "int32");
const fill = (v: number, like: Value) => mk(new globalThis.Array(like.size).fill(v), like.shape, like.dtype);
const nums = (v: unknown) => globalThis.Array.from(toNumbers({ aval: (v as Array).aval, data: (v as Array).hostSync() }));
/** A sequential sum of a vector (a scan), so gradients only need the control-flow rules. */
const sum = (v: Value) => scan((s: Value, x: Value) => [lax.add(s, x), null], fill(0, mk([0], [], v.dtype)), v)[0];

function expectClose(got: unknown, want: ArrayLike<number> | unknown, what: string, tol = 1e-5): void {
  const g = got instanceof Array ? nums(got) : (got as number[]);
  const w = want instanceof Array ? nums(want) : globalThis.Array.from(want as ArrayLike<number>);
  if (want instanceof Array) expect(String((got as Value).shape), `${what}: shape`).toBe(String(want.shape));
  expect(g.length, `${what}: size`).toBe(w.length);
  w.forEach((e, i) => {
    if (!(Math.abs(g[i]! - e) <= tol * Math.max(1, Math.abs(e)))) expect.fail(`${what}[${i}]: got ${g[i]}, want ${e}`);
  });
}

// --- the discounted return of the JAX fixtures ---------------------------------------------

interface Enc {
  shape: number[];
  dtype: DT;
  data: number[];
}
const fixtures = JSON.parse(readFileSync(new URL("../fixtures/control.json", import.meta.url), "utf8")) as {
  programs: { name: string; runs: { inputs: Record<string, Enc>; outputs: Record<string, Enc> }[] }[];
};
const fixture = (name: string) => fixtures.programs.find((p) => p.name === name)!.runs;
const dec = (e: Enc) => mk(e.data, e.shape, e.dtype);

/** G_t = r_t + gamma (1 - d_t) G_{t+1}, G_T = 0, via a reverse scan; returns all G_t. */
function returns(rewards: Value, dones: Value, gamma: Value): Value {
  const [, gs] = scan(
    (g: Value, [r, d]: [Value, Value]) => {
      const n = lax.add(r, lax.mul(lax.mul(gamma, lax.sub(fill(1, d), d)), g));
      return [n, n];
    },
    fill(0, gamma),
    [rewards, dones],
    { reverse: true },
  );
  return gs as Value;
}

/** d sum_s G_s / d r_t = sum_{s <= t} prod_{u=s}^{t-1} gamma (1 - d_u), in float64. */
function returnsGradClosedForm(dones: number[], gamma: number): number[] {
  return dones.map((_, t) => {
    let total = 0;
    for (let s = 0; s <= t; s++) {
      let p = 1;
      for (let u = s; u < t; u++) p *= gamma * (1 - dones[u]!);
      total += p;
    }
    return total;
  });
}

describe.each(backends)("reverse mode through control flow on %s", (backend) => {
  const use = () => setBackend(backend);

  it("grad of the discounted return (a reverse scan) equals JAX's fixture and the closed form", () => {
    use();
    for (const run of fixture("grad_discounted_return")) {
      const [r, d, gamma] = [dec(run.inputs.rewards!), dec(run.inputs.dones!), dec(run.inputs.gamma!)];
      const loss = (rw: Value) => sum(returns(rw, d, gamma));
      for (const [mode, f] of [["eager", valueAndGrad(loss)], ["jit", jit(valueAndGrad(loss))]] as const) {
        const [value, g] = f(r) as [Value, Value];
        expectClose(value, dec(run.outputs.value!), `${mode} value`, 2e-6);
        expectClose(g, dec(run.outputs.grad_rewards!), `${mode} grad`, 2e-6);
        expectClose(g, returnsGradClosedForm(run.inputs.dones!.data, run.inputs.gamma!.data[0]!), `${mode} grad (closed form)`, 2e-6);
      }
    }
  });

  it("grad with respect to a captured constant (gamma) sums its cotangent over the steps", () => {
    use();
    const run = fixture("grad_discounted_return")[0]!;
    const [r, d] = [dec(run.inputs.rewards!), dec(run.inputs.dones!)];
    const g0 = run.inputs.gamma!.data[0]!;
    const g = jit(grad((gm: Value) => sum(returns(r, d, gm))))(f32(g0)) as Value;
    // Central differences of the float64 host recurrence.
    const host = (gm: number) => {
      let G = 0;
      let total = 0;
      for (let t = r.size - 1; t >= 0; t--) {
        G = run.inputs.rewards!.data[t]! + gm * (1 - run.inputs.dones!.data[t]!) * G;
        total += G;
      }
      return total;
    };
    const h = 1e-5;
    expectClose(g, [(host(g0 + h) - host(g0 - h)) / (2 * h)], "d/dgamma", 1e-4);
  });

  it("grad through a forward scan: every input gets its cotangent (init, xs, consts)", () => {
    use();
    // c_{t+1} = c_t * x_t * w: final = c0 * w^T * prod x.
    const xs = [1.5, -0.5, 2, 0.75];
    const f = (c0: Value, x: Value, w: Value) => scan((c: Value, xr: Value) => [lax.mul(lax.mul(c, xr), w), c], c0, x)[0];
    const p = xs.reduce((a, b) => a * b, 1);
    const [c0, w] = [1.25, 0.9];
    const T = xs.length;
    const g = jit(grad(f, { argnums: [0, 1, 2] }))(f32(c0), mk(xs), f32(w)) as Value[];
    expectClose(g[0], [w ** T * p], "d/dc0");
    expectClose(g[1], xs.map((x) => (c0 * w ** T * p) / x), "d/dxs");
    expectClose(g[2], [c0 * T * w ** (T - 1) * p], "d/dw");
  });

  it("grad through cond and switch follows the branch taken, both branches", () => {
    use();
    const piecewise = (x: Value) => cond(lax.gt(x, f32(0)), (u: Value) => lax.mul(u, u), (u: Value) => lax.mul(lax.neg(u), f32(3)), x);
    for (const [x, want] of [[2, 4], [-1, -3], [0.5, 1], [-4, -3]] as const) {
      expectClose(grad(piecewise)(f32(x)), [want], `cond at ${x}`);
      expectClose(jit(grad(piecewise))(f32(x)), [want], `jit cond at ${x}`);
    }
    // A captured operand (w) used by some branches only; the int index gets no cotangent.
    const sw = (w: Value, u: Value, k: Value) => switch_(k, [(v: Value) => lax.mul(v, w), (v: Value) => lax.add(v, lax.mul(w, w)), (v: Value) => lax.sin(v)], u);
    for (const [k, dw, du] of [[-2, 3, 0.5], [0, 3, 0.5], [1, 1, 1], [5, 0, Math.cos(3)]] as const) {
      const [gw, gu] = jit(grad(sw, { argnums: [0, 1] }))(f32(0.5), f32(3), i32(k)) as Value[];
      expectClose(gw, [dw], `switch ${k} d/dw`);
      expectClose(gu, [du], `switch ${k} d/du`);
    }
  });

  it("grad of forLoop with static bounds (JAX's fori_loop program) and of a loop in a scan body", () => {
    use();
    const f = (x0: Value) => forLoop(0, 10, (i: Value, x: Value) => lax.add(lax.mul(x, f32(1.1)), lax.convertElementType(i, "float32")), x0);
    const [v, g] = valueAndGrad(f)(f32(1)) as [Value, Value];
    expectClose(v, dec(fixture("fori_loop")[0]!.outputs.x!), "fori_loop value", 2e-6);
    expectClose(g, [Math.fround(1.1) ** 10], "d x10 / d x0", 1e-5);
    // Nested: a forLoop inside a scan body; d/dx of prod over rows of (x * a_t)^2.
    const h = (x: Value, as: Value) => scan((c: Value, a: Value) => [forLoop(0, 2, (_i: Value, y: Value) => lax.mul(y, a), lax.mul(c, f32(1))), null], x, as)[0];
    const as = [0.5, 2, -1.5];
    expectClose(jit(grad(h))(f32(2), mk(as)), [as.reduce((p, a) => p * a * a, 1)], "nested");
  });

  it("grad through whileLoop (or forLoop with traced bounds) says reverse mode is not defined", () => {
    use();
    const msg = /reverse-mode through lax\.whileLoop is not defined: use lax\.scan or lax\.forLoop with a static trip count/;
    const w = (x: Value) => whileLoop(([i]: [Value, Value]) => lax.lt(i, i32(3)), ([i, y]: [Value, Value]) => [lax.add(i, i32(1)), lax.mul(y, y)] as [Value, Value], [i32(0), x] as [Value, Value])[1];
    expect(() => grad(w)(f32(1.5))).toThrow(msg);
    expect(() => jit(grad(w))(f32(1.5))).toThrow(msg);
    const fl = (x: Value, n: Value) => forLoop(0, n, (_i: Value, y: Value) => lax.mul(y, x), f32(1));
    expect(() => grad(fl)(f32(1.5), i32(3))).toThrow(msg);
    // A while loop that does not touch the differentiated values is fine.
    const count = (x: Value) => {
      const [n] = whileLoop(([i]: [Value]) => lax.lt(i, i32(4)), ([i]: [Value]) => [lax.add(i, i32(1))] as [Value], [i32(0)] as [Value]);
      return lax.mul(x, lax.convertElementType(n, "float32"));
    };
    expectClose(grad(count)(f32(2)), [4], "while on ints only");
  });

  it("second derivatives through scan and cond (grad of grad)", () => {
    use();
    const cube = (x: Value) => scan((c: Value) => [lax.mul(c, x), null], f32(1), null, { length: 3 })[0];
    expectClose(grad(grad(cube))(f32(2)), [12], "d2/dx2 x^3 at 2");
    expectClose(jit(grad(grad(cube)))(f32(-1.5)), [-9], "jit d2/dx2 x^3 at -1.5");
    const pc = (x: Value) => cond(lax.gt(x, f32(0)), (u: Value) => lax.mul(u, lax.mul(u, u)), (u: Value) => lax.neg(lax.mul(u, u)), x);
    expectClose(grad(grad(pc))(f32(2)), [12], "cond d2 at 2");
    expectClose(jit(grad(grad(pc)))(f32(-1)), [-2], "jit cond d2 at -1");
  });
});

// --- vmap ------------------------------------------------------------------------------------

/** Newton's sqrt until |x² - a| < 1e-6 a (at most 50 steps): its trip count depends on a. */
const newton = (a: Value) =>
  whileLoop(
    ([k, x]: [Value, Value]) => lax.bitwiseAnd(lax.lt(k, i32(50)), lax.ge(lax.abs(lax.sub(lax.mul(x, x), a)), lax.mul(f32(1e-6), a))),
    ([k, x]: [Value, Value]) => [lax.add(k, i32(1)), lax.mul(f32(0.5), lax.add(x, lax.div(a, x)))] as [Value, Value],
    [i32(0), a] as [Value, Value],
  );

describe.each(backends)("vmap of control flow on %s", (backend) => {
  const use = () => setBackend(backend);

  it("vmap of whileLoop with per-example trip counts equals a loop of calls", () => {
    use();
    const as = [1, 2, 9, 100, 1e4, 0.25];
    const [ks, xs] = vmap(newton)(mk(as)) as [Value, Value];
    const each = as.map((a) => newton(f32(a)));
    expect(nums(ks)).toEqual(each.map(([k]) => nums(k)[0]));
    expect(new Set(nums(ks)).size, "trip counts differ").toBeGreaterThan(3);
    expectClose(xs, each.map(([, x]) => nums(x)[0]!), "x", 0);
    // Trip counts in a batched operand, the float carry unbatched on entry.
    const pow = (n: Value, x: Value) => whileLoop(([i]: [Value, Value]) => lax.lt(i, n), ([i, y]: [Value, Value]) => [lax.add(i, i32(1)), lax.mul(y, x)] as [Value, Value], [i32(0), f32(1)] as [Value, Value])[1];
    const out = vmap(pow, { inAxes: [0, null] })(mk([0, 3, 1, 2, 5, 4], [6], "int32"), f32(2)) as Value;
    expectClose(out, [1, 8, 2, 4, 32, 16], "2^n");
  });

  it("vmap of cond with a batched predicate (JAX's vmap_cond) and of switch with clamped indices", () => {
    use();
    const run = fixture("vmap_cond")[0]!;
    const piecewise = (x: Value) => cond(lax.gt(x, f32(0)), (u: Value) => lax.mul(u, u), (u: Value) => lax.mul(lax.neg(u), f32(3)), x);
    const y = vmap(piecewise)(dec(run.inputs.xs!)) as Value;
    expectClose(y, dec(run.outputs.y!), "vmap_cond", 0);
    expect(Object.is(nums(y)[2], -0), "-0 from the false branch").toBe(true);
    // Per-example gradients: a batched cond of the branches' VJPs.
    expectClose(vmap(grad(piecewise))(mk([-2, 3, 0.5, -1])), [-3, 6, 1, -3], "vmap(grad(cond))");
    expectClose(jit(grad((xs: Value) => sum(vmap(piecewise)(xs) as Value)))(mk([-2, 3, 0.5, -1])), [-3, 6, 1, -3], "grad(vmap(cond))");
    const sw = (k: Value, x: Value) => switch_(k, [(u: Value) => lax.add(u, f32(1)), (u: Value) => lax.mul(u, f32(2)), (u: Value) => lax.neg(u)], x);
    const ks = mk([-1, 0, 1, 2, 3, 9], [6], "int32");
    expectClose(vmap(sw, { inAxes: [0, null] })(ks, f32(5)), [6, 6, 10, -5, -5, -5], "switch");
    // A batched index becomes selects; an unbatched one keeps a cond of batched branches.
    const prims = (j: Jaxpr) => j.eqns.map((e) => e.prim.name);
    expect(prims(makeJaxpr(vmap(sw, { inAxes: [0, 0] }))(ks, mk([1, 2, 3, 4, 5, 6])))).not.toContain("cond");
    expect(prims(makeJaxpr(vmap(sw, { inAxes: [null, 0] }))(i32(1), mk([1, 2, 3])))).toContain("cond");
    expectClose(vmap(sw, { inAxes: [null, 0] })(i32(1), mk([1, 2, 3])), [2, 4, 6], "unbatched index");
  });

  it("vmap of scan with xs batched along axis 1 and a carry batched only through the body", () => {
    use();
    const f = (c0: Value, xs: Value) => scan((c: Value, x: Value) => [lax.add(lax.mul(c, f32(0.5)), x), lax.mul(c, x)], c0, xs);
    const xs = mk([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]); // [T=4, B=2]
    const [c, ys] = vmap(f, { inAxes: [null, 1] })(f32(1), xs) as [Value, Value];
    expect(c.shape).toEqual([2]);
    expect(ys.shape).toEqual([2, 4]);
    for (let b = 0; b < 2; b++) {
      const col = mk([0, 1, 2, 3].map((t) => 1 + 2 * t + b));
      const [cb, yb] = f(f32(1), col) as [Value, Value];
      expectClose(mk([nums(c)[b]!]), nums(cb), `carry ${b}`);
      expectClose(mk(nums(ys).slice(4 * b, 4 * b + 4)), nums(yb), `ys ${b}`);
    }
  });

  it("vmap of grad and grad of vmap through a reverse scan agree with per-example gradients", () => {
    use();
    const run = fixture("grad_discounted_return")[0]!;
    const [r, d] = [dec(run.inputs.rewards!), dec(run.inputs.dones!)];
    const gammas = [0.5, 0.9, 0.99];
    const loss = (rw: Value, gm: Value) => sum(returns(rw, d, gm));
    const perEx = vmap(grad(loss), { inAxes: [null, 0] })(r, mk(gammas)) as Value;
    expect(perEx.shape).toEqual([3, 12]);
    gammas.forEach((gm, b) => expectClose(mk(nums(perEx).slice(12 * b, 12 * b + 12)), returnsGradClosedForm(run.inputs.dones!.data, Math.fround(gm)), `gamma ${gm}`, 2e-6));
    // grad of a batched loss: the sum over examples of the per-example gradients.
    const total = (rw: Value) => sum(vmap((gm: Value) => loss(rw, gm))(mk(gammas)));
    const want = gammas.map((gm) => returnsGradClosedForm(run.inputs.dones!.data, Math.fround(gm))).reduce((a, g) => a.map((v, i) => v + g[i]!));
    expectClose(jit(grad(total))(r), want, "grad of vmap", 2e-6);
  });
});

// --- XLA under jit against the ref backend ----------------------------------------------------

describe.runIf(withXla)("jit on XLA equals ref", () => {
  function onBoth<R>(f: () => R): [R, R] {
    setBackend("ref");
    const ref = f();
    setBackend("xla");
    return [ref, f()];
  }

  it("jit(grad(scan)) and jit(vjp(cond)) match the ref backend", () => {
    const xs = mk([0.3, -1.2, 0.8, 2.1, -0.4, 0.05, 1.7, -2.2, 0.6, 0.9, -0.1, 1.1], [6, 2]);
    const w = mk([0.7, -1.3]);
    const f = (w: Value, xs: Value) => {
      const [c, ys] = scan((c: Value, x: Value) => {
        const n = lax.tanh(lax.add(lax.mul(c, w), x));
        return [n, lax.mul(n, n)];
      }, fill(0, w), xs, { unroll: 2 });
      return lax.add(sum(c), sum(scan((s: Value, y: Value) => [lax.add(s, y), null], fill(0, w), ys as Value)[0]));
    };
    const [ref, xla] = onBoth(() => jit(grad(f, { argnums: [0, 1] }))(w, xs) as Value[]);
    expectClose(xla[0], ref[0], "d/dw");
    expectClose(xla[1], ref[1], "d/dxs");
    const g = (p: Value, x: Value, y: Value) => cond(p, (u: Value, v: Value) => [lax.mul(u, v), lax.sin(u)], (u: Value, v: Value) => [lax.add(u, v), lax.mul(v, v)], x, y);
    for (const pv of [0, 1]) {
      const p = mk([pv], [], "bool");
      const [refV, xlaV] = onBoth(() => jit((x: Value, y: Value) => vjp((a: Value, b: Value) => g(p, a, b), x, y)[1]([fill(1, x), mk([0.5, -2, 3])]))(mk([1, 2, 3]), mk([-1, 0.5, 2])) as Value[]);
      expectClose(xlaV[0], refV[0], `cond ${pv} ct x`);
      expectClose(xlaV[1], refV[1], `cond ${pv} ct y`);
    }
  });

  it("jit(vmap(while)) and jit(vmap(cond)) match the ref backend", () => {
    const as = mk([1, 2, 9, 100, 1e4, 0.25, 3, 7]);
    const [ref, xla] = onBoth(() => jit(vmap(newton))(as) as Value[]);
    expectClose(xla[0], ref[0], "trip counts", 0);
    expectClose(xla[1], ref[1], "sqrt");
    const sw = (k: Value, x: Value) => switch_(k, [(u: Value) => lax.exp(u), (u: Value) => lax.mul(u, f32(2)), (u: Value) => lax.neg(u)], x);
    const [r2, x2] = onBoth(() => jit(vmap(sw))(mk([2, 0, 1, -1, 5], [5], "int32"), mk([0.5, 1, 2, 3, 4])) as Value);
    expectClose(x2, r2, "switch");
  });

  it("a 10000-step scan gradient runs under jit; its program does not grow with the length", () => {
    const n = 8;
    const f = (w: Value, xs: Value) => sum(scan((c: Value, x: Value) => [lax.tanh(lax.add(lax.mul(c, w), x)), null], fill(0, w), xs)[0]);
    const xsOf = (T: number) => mk(Float32Array.from({ length: T * n }, (_, i) => Math.sin(i) * 0.5), [T, n]);
    const w = mk(Float32Array.from({ length: n }, (_, i) => 0.5 + 0.05 * i));
    // Linear memory: no value in the gradient program is bigger than the carry history.
    const T = 10000;
    const small = makeJaxpr(grad(f, { argnums: [0, 1] }))(w, xsOf(10));
    const big = makeJaxpr(grad(f, { argnums: [0, 1] }))(w, xsOf(T));
    expect(big.eqns.length).toBe(small.eqns.length);
    const sizes = big.eqns.flatMap((e) => e.outputs.map((o) => o.aval.size));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(T * n);
    setBackend("xla");
    const xs = xsOf(T);
    const t0 = performance.now();
    const g = jit(grad(f, { argnums: [0, 1] }))(w, xs) as Value[];
    const gw = nums(g[0]);
    const elapsed = performance.now() - t0;
    expect(elapsed, "compile + run time (ms)").toBeLessThan(30000);
    // Against a float64 host backprop of the same recurrence.
    const xv = nums(xs);
    const wv = nums(w);
    const hist: number[][] = [];
    let c = new globalThis.Array<number>(n).fill(0);
    for (let t = 0; t < T; t++) {
      hist.push(c);
      c = c.map((ci, k) => Math.tanh(ci * wv[k]! + xv[t * n + k]!));
    }
    const dw = new globalThis.Array<number>(n).fill(0);
    let ct = new globalThis.Array<number>(n).fill(1);
    const dxLast: number[] = [];
    for (let t = T - 1; t >= 0; t--) {
      const out = hist[t]!.map((ci, k) => Math.tanh(ci * wv[k]! + xv[t * n + k]!));
      const dz = ct.map((g, k) => g * (1 - out[k]! ** 2));
      dz.forEach((v, k) => (dw[k]! += v * hist[t]![k]!));
      if (t === T - 1) dxLast.push(...dz);
      ct = dz.map((v, k) => v * wv[k]!);
    }
    expectClose(gw, dw, "d/dw", 1e-3);
    expectClose(nums(g[1]).slice((T - 1) * n), dxLast, "d/dx_last", 1e-5);
    expect(g[1]!.shape).toEqual([T, n]);
  });
});
