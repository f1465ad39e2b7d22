// Closed forms, sampling moments (n = 20000, bounds ~5 standard errors), gradients against
// finite differences, vmap over a batch of distributions against a loop, jit round trips.
import { describe, expect, it } from "vitest";
import { backendName, grad, jit, numpy as np, random, vmap, type Value } from "../../src/index.js";
import { Bernoulli, Categorical, Deterministic, Normal, TanhNormal, kl, tanhLogDetJacobian } from "../../src/distributions/index.js";
import { nums } from "./helpers.js";

const N = 20000;
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const close = (a: number[], b: number[], tol: number) => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i]!), `[${i}] ${x} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!))));
};
const f64 = (x: number[] | number[][]) => np.array(x as number[], "float64");
const LOG2PI = Math.log(2 * Math.PI);

describe(`closed forms (${backendName()})`, () => {
  it("Normal logProb / entropy / kl", () => {
    const d = new Normal(f64([0.5, -1]), f64([2, 0.3]));
    const x = [1.5, -0.7];
    close(nums(d.logProb(f64(x))), [0, 1].map((i) => -0.5 * ((x[i]! - [0.5, -1][i]!) / [2, 0.3][i]!) ** 2 - Math.log([2, 0.3][i]!) - 0.5 * LOG2PI), 1e-12);
    close(nums(d.entropy()), [2, 0.3].map((s) => 0.5 + 0.5 * LOG2PI + Math.log(s)), 1e-12);
    const q = new Normal(f64([0, 0]), f64([1, 1]));
    close(nums(d.kl(q)), [0, 1].map((i) => { const m = [0.5, -1][i]!, s = [2, 0.3][i]!; return -Math.log(s) + (s * s + m * m) / 2 - 0.5; }), 1e-12);
    close(nums(d.kl(d)), [0, 0], 1e-12);
    const diag = new Normal(f64([0.5, -1]), f64([2, 0.3]), { eventNdims: 1 });
    close(nums(diag.logProb(f64(x))), [mean(nums(d.logProb(f64(x)))) * 2], 1e-12);
    expect(diag.batchShape).toEqual([]);
    expect(diag.eventShape).toEqual([2]);
  });

  it("Categorical: uniform entropy is log K, probabilities sum to one, kl(p, p) = 0", () => {
    const d = new Categorical(np.zeros([3, 5]));
    close(nums(d.entropy()), [1, 1, 1].map(() => Math.log(5)), 1e-6);
    const e = new Categorical(np.array([[1, 2, 3, 4]]));
    close([nums(e.probs()).reduce((a, b) => a + b)], [1], 1e-6);
    close(nums(e.kl(e)), [0], 1e-6);
    // KL to the uniform distribution is log K - H(p).
    close(nums(kl(e, new Categorical(np.zeros([1, 4])))), [Math.log(4) - nums(e.entropy())[0]!], 1e-5);
    const p = Categorical.fromProbs(np.array([0.2, 0.3, 0.5]));
    close(nums(p.logProb(np.array([0, 1, 2]))), [0.2, 0.3, 0.5].map(Math.log), 1e-6);
  });

  it("Categorical with masked (-inf) logits: no NaN in values or gradients", () => {
    const logits = np.array([[0, -Infinity, 1], [2, 1, -Infinity]]);
    const d = new Categorical(logits);
    expect(nums(d.entropy()).every(Number.isFinite)).toBe(true);
    expect(nums(d.logProb(np.array([1, 0])))[0]).toBe(-Infinity);
    const g = grad((l: Value) => new Categorical(l).entropy().sum().add(new Categorical(l).logProb(np.array([2, 0])).sum()))(logits) as Value;
    expect(nums(g).every(Number.isFinite)).toBe(true);
    const q = new Categorical(np.array([[0, 0, -Infinity], [0, 0, 0]]));
    expect(nums(d.kl(q))).toEqual([Infinity, expect.any(Number)]);
  });

  it("Bernoulli: entropy log 2 at logit 0, logProb of bool / int / float", () => {
    const d = new Bernoulli(np.array([0, 0]));
    close(nums(d.entropy()), [Math.LN2, Math.LN2], 1e-6);
    const b = new Bernoulli(np.array([1.5]));
    const p = 1 / (1 + Math.exp(-1.5));
    close(nums(b.logProb(np.array([true]))), [Math.log(p)], 1e-6);
    close(nums(b.logProb(np.array([0]))), [Math.log(1 - p)], 1e-6);
    close(nums(b.logProb(np.array([1.0]))), [Math.log(p)], 1e-6);
    close(nums(Bernoulli.fromProbs(np.array([0.25])).probs()), [0.25], 1e-6);
    expect(nums(b.mode())).toEqual([1]);
  });

  it("TanhNormal: the stable log-det equals log(1 - tanh²) and logProb integrates to one", () => {
    const u = [-8, -1, 0, 0.5, 3, 12];
    close(nums(tanhLogDetJacobian(f64(u))), u.map((v) => (Math.abs(v) < 5 ? Math.log(1 - Math.tanh(v) ** 2) : 2 * (Math.LN2 - Math.abs(v) - Math.log1p(Math.exp(-2 * Math.abs(v)))))), 1e-10);
    // ∫ p(y) dy over (-1, 1) by the midpoint rule.
    const d = new TanhNormal(f64([0.4]), f64([0.8]));
    const M = 4000;
    const ys = Array.from({ length: M }, (_, i) => -1 + (2 * (i + 0.5)) / M);
    const p = nums(d.prob(np.reshape(f64(ys), [M, 1])));
    close([p.reduce((a, b) => a + b) * (2 / M)], [1], 2e-3);
    close(nums(d.mode()), [Math.tanh(0.4)], 1e-12);
  });

  it("Deterministic: point mass", () => {
    const d = new Deterministic(np.array([1, 2]), { atol: 0.1 });
    expect(nums(d.logProb(np.array([1.05, 2.5])))).toEqual([0, -Infinity]);
    expect(nums(d.entropy())).toEqual([0, 0]);
    expect(d.sample(null, 3).shape).toEqual([3, 2]);
    expect(nums(d.kl(new Deterministic(np.array([1, 3]))))).toEqual([0, Infinity]);
  });

  it("errors say what is wrong", () => {
    expect(() => new Categorical(np.array(1))).toThrow(/Categorical: logits need a category axis/);
    expect(() => new Normal(np.zeros([2]), 1, { eventNdims: 2 })).toThrow(/eventNdims 2 exceeds the parameters' rank 1/);
    expect(() => new Normal(0, 1).kl(new Categorical(np.zeros([2])) as unknown as Normal)).toThrow(/must be a Normal, got Categorical/);
    expect(() => (new TanhNormal(0, 1).entropy as (k?: Value) => Value)()).toThrow(/needs a PRNG key/);
    expect(() => new Normal(0, 1).sample(random.key(0), [-1])).toThrow(/sampleShape/);
  });
});

describe(`sampling moments, n = ${N} (${backendName()})`, () => {
  const k = random.key(123);
  const sub = (i: number) => random.foldIn(k, i);

  it("Normal: per-component mean and standard deviation; samples have shape [n, ...shape]", () => {
    const d = new Normal(np.array([1, -2]), np.array([0.5, 3]), { eventNdims: 1 });
    const s = d.sample(sub(1), N);
    expect(s.shape).toEqual([N, 2]);
    const v = nums(s);
    const c0 = v.filter((_, i) => i % 2 === 0);
    const c1 = v.filter((_, i) => i % 2 === 1);
    expect(Math.abs(mean(c0) - 1)).toBeLessThan(5 * 0.5 / Math.sqrt(N));
    expect(Math.abs(mean(c1) + 2)).toBeLessThan(5 * 3 / Math.sqrt(N));
    const sd = (x: number[]) => Math.sqrt(mean(x.map((y) => (y - mean(x)) ** 2)));
    expect(Math.abs(sd(c0) / 0.5 - 1)).toBeLessThan(0.03);
    expect(Math.abs(sd(c1) / 3 - 1)).toBeLessThan(0.03);
  });

  it("Categorical: frequencies match softmax(logits)", () => {
    const d = new Categorical(np.array([0.5, -1, 1.5, 0]));
    const v = nums(d.sample(sub(2), [N]));
    const probs = nums(d.probs());
    probs.forEach((p, c) => {
      const f = v.filter((x) => x === c).length / N;
      expect(Math.abs(f - p), `category ${c}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    });
  });

  it("Bernoulli: mean equals sigmoid(logit)", () => {
    const d = new Bernoulli(np.array([-1, 2]));
    const v = nums(d.sample(sub(3), [N]));
    [-1, 2].forEach((l, j) => {
      const p = 1 / (1 + Math.exp(-l));
      const f = mean(v.filter((_, i) => i % 2 === j));
      expect(Math.abs(f - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    });
  });

  it("TanhNormal: samples in (-1, 1) with mean E[tanh(u)] (by quadrature)", () => {
    const [m, s] = [0.7, 1.3];
    const d = new TanhNormal(np.array([m]), np.array([s]));
    const v = nums(d.sample(sub(4), [N]));
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(1);
    let e = 0;
    let e2 = 0;
    const M = 20000;
    for (let i = 0; i < M; i++) {
      const z = -10 + (20 * (i + 0.5)) / M;
      const w = (Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI)) * (20 / M);
      e += w * Math.tanh(m + s * z);
      e2 += w * Math.tanh(m + s * z) ** 2;
    }
    expect(Math.abs(mean(v) - e)).toBeLessThan(5 * Math.sqrt((e2 - e * e) / N));
  });
});

// Central differences in float64 against the gradient of logProb (and of reparameterized samples).
describe(`gradients vs finite differences (${backendName()})`, () => {
  const h = 1e-6;
  function fd(f: (p: number[]) => number, p: number[]): number[] {
    return p.map((_, i) => {
      const a = [...p];
      const b = [...p];
      a[i]! += h;
      b[i]! -= h;
      return (f(a) - f(b)) / (2 * h);
    });
  }
  const sum = (v: Value) => nums(v).reduce((a, b) => a + b, 0);

  it("Normal / TanhNormal logProb w.r.t. loc and scale", () => {
    for (const Cls of [Normal, TanhNormal] as const) {
      const loc = [0.3, -0.8, 1.1];
      const scale = [0.7, 1.4, 0.5];
      const x = f64([0.2, -0.5, 0.9]);
      const lp = (l: number[], s: number[]) => sum(new Cls(f64(l), f64(s), { eventNdims: 1 }).logProb(x));
      const g = grad((d: Normal | TanhNormal) => d.logProb(x).sum())(new Cls(f64(loc), f64(scale), { eventNdims: 1 })) as unknown as Normal; // a pytree class: its tangent type is the mapped record
      close(nums(g.loc), fd((l) => lp(l, scale), loc), 1e-6);
      close(nums(g.scale), fd((s) => lp(loc, s), scale), 1e-6);
    }
  });

  it("Categorical / Bernoulli logProb and entropy w.r.t. logits", () => {
    const logits = [0.3, -1.2, 2.0, 0.1];
    const fC = (l: number[]) => sum(new Categorical(f64(l)).logProb(np.array(2))) + sum(new Categorical(f64(l)).entropy());
    const gC = grad((l: Value) => new Categorical(l).logProb(np.array(2)).add(new Categorical(l).entropy()))(f64(logits)) as Value;
    close(nums(gC), fd(fC, logits), 1e-6);
    const x = np.array([1, 0, 0, 1]);
    const fB = (l: number[]) => sum(new Bernoulli(f64(l)).logProb(x)) + sum(new Bernoulli(f64(l)).entropy());
    const gB = grad((l: Value) => new Bernoulli(l).logProb(x).sum().add(new Bernoulli(l).entropy().sum()))(f64(logits)) as Value;
    close(nums(gB), fd(fB, logits), 1e-6);
  });

  it("reparameterized samples: d mean(tanh(loc + scale ε)) / d(loc, scale) by finite differences on the same ε", () => {
    const key = random.key(5);
    const f = (l: number, s: number) => sum(new TanhNormal(f64([l]), f64([s])).sample(key, [64])) / 64;
    const g = grad((d: TanhNormal) => d.sample(key, [64]).mean())(new TanhNormal(f64([0.2]), f64([0.9]))) as unknown as TanhNormal;
    close(nums(g.loc), [(f(0.2 + h, 0.9) - f(0.2 - h, 0.9)) / (2 * h)], 1e-6);
    close(nums(g.scale), [(f(0.2, 0.9 + h) - f(0.2, 0.9 - h)) / (2 * h)], 1e-6);
  });
});

describe(`transformations (${backendName()})`, () => {
  it("vmap over a batch of distributions equals a loop", () => {
    const locs = np.array([[0, 1], [2, -1], [0.5, 0.5]]);
    const scales = np.array([[1, 2], [0.5, 1], [3, 0.2]]);
    const xs = np.array([[0.1, 0.2], [1.5, -1.5], [0, 1]]);
    const batched = new Normal(locs, scales, { eventNdims: 1 });
    const f = (d: Normal, x: Value) => [d.logProb(x), d.entropy(), d.kl(new Normal(np.zeros([2]), np.ones([2]), { eventNdims: 1 }))];
    const vb = vmap(f)(batched, xs) as Value[];
    for (let i = 0; i < 3; i++) {
      const di = new Normal(np.get(locs, i), np.get(scales, i), { eventNdims: 1 });
      const li = f(di, np.get(xs, i));
      vb.forEach((v, j) => close([nums(v)[i]!], nums(li[j]!), 1e-6));
    }
    // Categorical and TanhNormal, sampling with one key per member.
    const logits = np.array([[0, 1, 2], [2, 1, 0], [5, -5, 0]]);
    const keys = random.split(random.key(9), 3);
    const vs = vmap((d: Categorical, k: Value) => d.sample(k, [4]))(new Categorical(logits), keys) as Value;
    const ts = vmap((d: TanhNormal, k: Value) => d.sampleAndLogProb(k, [2]))(new TanhNormal(locs, scales, { eventNdims: 1 }), keys) as Value[];
    for (let i = 0; i < 3; i++) {
      const ki = np.get(keys, i);
      expect(nums(np.get(vs, i))).toEqual(nums(new Categorical(np.get(logits, i)).sample(ki, [4])));
      const [y, lp] = new TanhNormal(np.get(locs, i), np.get(scales, i), { eventNdims: 1 }).sampleAndLogProb(ki, [2]);
      close(nums(np.get(ts[0]!, i)), nums(y), 1e-6);
      close(nums(np.get(ts[1]!, i)), nums(lp), 1e-5);
    }
  });

  it("distributions go in and out of jit as pytrees (static eventNdims in the treedef)", () => {
    const policy = jit((params: { w: Value }, obs: Value) => new Normal(np.multiply(params.w, obs), np.exp(params.w), { eventNdims: 1 }));
    const d = policy({ w: np.array([0.5, -0.5]) }, np.array([1, 2]));
    expect(d).toBeInstanceOf(Normal);
    expect(d.eventNdims).toBe(1);
    close(nums(d.loc), [0.5, -1], 1e-6);
    const lp = jit((dd: Normal, x: Value) => dd.logProb(x))(d, np.array([0, 0]));
    close(nums(lp), nums(d.logProb(np.array([0, 0]))), 1e-6);
    expect(Object.isFrozen(d)).toBe(true);
  });
});
