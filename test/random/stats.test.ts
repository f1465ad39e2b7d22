// Statistical sanity of the samplers (n = 20000; bounds are ~5 standard errors) and
// fast-check properties of permutations and choices.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Array, ShapedArray, backendName, setBackend, type Value } from "../../src/core/index.js";
import { toNumbers } from "../../src/core/host.js";
import { random } from "../../src/random/index.js";
import { lax } from "../../src/lax/index.js";

const N = 20000;
const nums = (x: Value) => [...toNumbers({ aval: x.aval, data: (x as Array).dataSync() })];
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const moment = (v: number[], k: number) => {
  const m = mean(v);
  return mean(v.map((x) => (x - m) ** k));
};
const k = random.key(2024);
const sub = (i: number) => random.foldIn(k, i);

describe(`sampler statistics (${backendName()} backend)`, () => {
  it("uniform: range, mean 1/2, variance 1/12", () => {
    const v = nums(random.uniform(sub(1), [N]));
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(1);
    expect(mean(v)).toBeCloseTo(0.5, 1);
    expect(Math.abs(mean(v) - 0.5)).toBeLessThan(0.011);
    expect(Math.abs(moment(v, 2) - 1 / 12)).toBeLessThan(0.004);
    const w = nums(random.uniform(sub(2), [N], "float32", -2, 3));
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-2);
    expect(Math.abs(mean(w) - 0.5)).toBeLessThan(0.06);
  });

  it("normal: mean 0, variance 1, skewness 0, kurtosis 3", () => {
    const v = nums(random.normal(sub(3), [N]));
    expect(Math.abs(mean(v))).toBeLessThan(0.04);
    const m2 = moment(v, 2);
    expect(Math.abs(m2 - 1)).toBeLessThan(0.05);
    expect(Math.abs(moment(v, 3) / m2 ** 1.5)).toBeLessThan(0.09);
    expect(Math.abs(moment(v, 4) / m2 ** 2 - 3)).toBeLessThan(0.2);
  });

  it("exponential mean 1, gumbel mean γ and variance π²/6", () => {
    const e = nums(random.exponential(sub(4), [N]));
    expect(Math.min(...e)).toBeGreaterThanOrEqual(0);
    expect(Math.abs(mean(e) - 1)).toBeLessThan(0.04);
    const g = nums(random.gumbel(sub(5), [N]));
    expect(Math.abs(mean(g) - 0.5772156649)).toBeLessThan(0.05);
    expect(Math.abs(moment(g, 2) - Math.PI ** 2 / 6)).toBeLessThan(0.12);
  });

  it("truncatedNormal stays inside (lower, upper) with the truncated mean", () => {
    const v = nums(random.truncatedNormal(sub(6), -1, 2, [N]));
    expect(Math.min(...v)).toBeGreaterThan(-1);
    expect(Math.max(...v)).toBeLessThan(2);
    const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    // Φ(2) - Φ(-1) for the standard normal
    const Z = 0.9772498680518208 - 0.15865525393145707;
    expect(Math.abs(mean(v) - (phi(-1) - phi(2)) / Z)).toBeLessThan(0.03);
  });

  it("bernoulli and randint frequencies", () => {
    const b = nums(random.bernoulli(sub(7), 0.3, [N]));
    expect(Math.abs(mean(b) - 0.3)).toBeLessThan(0.017);
    const r = nums(random.randint(sub(8), [N], 0, 10));
    const counts = globalThis.Array.from({ length: 10 }, () => 0);
    for (const x of r) counts[x]!++;
    for (const c of counts) expect(Math.abs(c / N - 0.1)).toBeLessThan(0.011);
  });

  it("categorical frequencies follow softmax(logits)", () => {
    const logits = [0.1, -1, 2, 0.5];
    const l = new Array(new ShapedArray([4], "float32"), { host: Float32Array.from(logits) });
    const s = nums(random.categorical(sub(9), l, -1, [N]));
    const z = logits.reduce((a, x) => a + Math.exp(x), 0);
    for (let i = 0; i < 4; i++) {
      const f = s.filter((x) => x === i).length / N;
      expect(Math.abs(f - Math.exp(logits[i]!) / z), `category ${i}`).toBeLessThan(0.016);
    }
  });

  it("choice with probabilities p follows p", () => {
    const p = [0.1, 0.6, 0.3];
    const pv = new Array(new ShapedArray([3], "float32"), { host: Float32Array.from(p) });
    const s = nums(random.choice(sub(10), 3, [N], true, pv));
    for (let i = 0; i < 3; i++) expect(Math.abs(s.filter((x) => x === i).length / N - p[i]!)).toBeLessThan(0.02);
  });

  it("samples from split keys are uncorrelated", () => {
    const ks = random.split(k, 2);
    const row = (i: number) => lax.reshape(lax.slice(ks, [i, 0], [i + 1, 2]), [2]);
    const a = nums(random.normal(row(0), [N]));
    const b = nums(random.normal(row(1), [N]));
    const corr = mean(a.map((x, i) => x * b[i]!)) / Math.sqrt(moment(a, 2) * moment(b, 2));
    expect(Math.abs(corr)).toBeLessThan(0.04);
  });
});

describe("properties (ref backend)", () => {
  it("permutation(key, n) is a permutation of arange(n)", () => {
    setBackend("ref");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n, seed) => {
        const p = nums(random.permutation(random.key(seed), n));
        expect(p.slice().sort((a, b) => a - b)).toEqual(globalThis.Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 40 },
    );
  });

  it("permutation of an array permutes its slices (whole rows, or each row independently)", () => {
    setBackend("ref");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), fc.nat(), fc.boolean(), (r, c, seed, independent) => {
        const x = lax.reshape(lax.iota("int32", r * c), [r, c]);
        const out = nums(random.permutation(random.key(seed), x, independent ? 1 : 0, independent));
        const rows = globalThis.Array.from({ length: r }, (_, i) => out.slice(i * c, (i + 1) * c));
        if (independent) rows.forEach((row, i) => expect(row.slice().sort((a, b) => a - b)).toEqual(globalThis.Array.from({ length: c }, (_, j) => i * c + j)));
        else {
          for (const row of rows) expect(row).toEqual(globalThis.Array.from({ length: c }, (_, j) => row[0]! + j));
          expect(rows.map((row) => row[0]! / c).sort((a, b) => a - b)).toEqual(globalThis.Array.from({ length: r }, (_, i) => i));
        }
      }),
      { numRuns: 30 },
    );
  });

  it("choice without replacement draws distinct elements", () => {
    setBackend("ref");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.nat(), (n, seed) => {
        const m = Math.max(1, Math.floor(n / 2));
        const s = nums(random.choice(random.key(seed), n, [m], false));
        expect(new Set(s).size).toBe(m);
        for (const x of s) expect(x >= 0 && x < n).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});
