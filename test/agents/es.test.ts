// Evolution strategies' pieces: the gradient estimate against the true gradient of a
// quadratic (in expectation, over many members), mirrored sampling's exact zero for a constant
// fitness, fitness shaping against hand computations, the flat parameter vector, and the
// observation moments merged as a batch of samples would be.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Array as ConcreteArray, type Value } from "../../src/core/values.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { centeredRanks, esGradient, esNoise, shapeFitness, zscore } from "../../src/agents/es/estimate.js";
import { mergeMoments } from "../../src/agents/es/agent.js";
import { ravelPytree } from "../../src/agents/common/ravel.js";
import { initStats, updateStats } from "../../src/envs/wrappers/running_stats.js";

const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);

// f(θ) = −Σ (θ − c)², ∇f = −2 (θ − c); E[f(θ + σε) ε] / σ equals ∇f exactly for a quadratic.
const theta = [0.5, -1, 2];
const c = [1, 0, -1];
const trueGrad = theta.map((t, i) => -2 * (t - c[i]!));
function quadraticFitness(noise: Value, sigma: number): Value {
  const x = np.add(np.array([theta], "float32"), np.multiply(sigma, noise));
  return np.negative(np.sum(np.square(np.subtract(x, np.array([c], "float32"))), 1));
}

describe("ES gradient estimate", () => {
  it("is 1 / (N σ) Σ wᵢ εᵢ (hand computation on 3 members)", () => {
    const noise = np.array([[1, 0], [0, 2], [-1, 1]], "float32");
    const g = host(esGradient(noise, np.array([1, 2, 3], "float32"), 0.5, false));
    // Σ wᵢ εᵢ = [1 − 3, 4 + 3] = [−2, 7]; / (3 · 0.5).
    expect(g[0]).toBeCloseTo(-2 / 1.5, 6);
    expect(g[1]).toBeCloseTo(7 / 1.5, 6);
  });

  it("agrees with the true gradient of a quadratic in expectation (plain and mirrored sampling)", () => {
    const N = 100_000;
    const sigma = 1;
    for (const mirrored of [false, true]) {
      const noise = esNoise(random.key(1), N, 3, mirrored);
      const g = host(esGradient(noise, quadraticFitness(noise, sigma), sigma, mirrored));
      // Plain: each term has a std of about |f| / σ ≈ 15, so the mean's is ≈ 0.05; mirrored cancels f's even part.
      g.forEach((x, i) => expect(Math.abs(x - trueGrad[i]!), `${mirrored ? "mirrored" : "plain"} component ${i}: ${x} vs ${trueGrad[i]}`).toBeLessThan(mirrored ? 0.1 : 0.25));
    }
  });

  it("mirrored sampling: the second half of the noise is the negated first half, and a constant fitness gives exactly zero", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 8 }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), (seed, half, value) => {
        const noise = esNoise(random.key(seed), 2 * half, 5, true);
        const n = host(noise);
        for (let i = 0; i < half * 5; i++) expect(n[half * 5 + i]).toBe(-n[i]!);
        const g = host(esGradient(noise, np.full([2 * half], value, "float32"), 0.1, true));
        expect(g.every((x) => x === 0)).toBe(true);
      }),
      { numRuns: 6 },
    );
    expect(() => esNoise(random.key(0), 5, 2, true)).toThrow(/even popSize/);
  });

  it("names a weights shape that does not match the noise", () => {
    expect(() => esGradient(np.zeros([4, 2]), np.zeros([3]), 0.1, false)).toThrow(/weights must have shape \[4\].*\[3\]/);
  });
});

describe("fitness shaping", () => {
  it("centered ranks: rank / (N − 1) − 0.5 (hand computation)", () => {
    // ranks of [3, −1, 10, 2] are [2, 0, 3, 1].
    const r = host(centeredRanks(np.array([3, -1, 10, 2], "float32")));
    [1 / 6, -0.5, 0.5, -1 / 6].forEach((x, i) => expect(r[i]).toBeCloseTo(x, 6));
  });

  it("z-score: (f − mean) / std, zeros for a constant fitness (rlib skips the update)", () => {
    // mean 2, population std √(8/3).
    const z = host(zscore(np.array([0, 2, 4], "float32")));
    const s = Math.sqrt(8 / 3);
    [-2 / s, 0, 2 / s].forEach((x, i) => expect(z[i]).toBeCloseTo(x, 5));
    expect(host(zscore(np.full([4], 7, "float32")))).toEqual([0, 0, 0, 0]);
    expect(host(shapeFitness(np.array([5, -2], "float32"), "none"))).toEqual([5, -2]);
  });
});

describe("ravelPytree", () => {
  it("round-trips a tree through a flat vector, batched too", () => {
    const tree = { a: np.array([[1, 2], [3, 4]], "float32"), b: [np.array([5], "float32"), np.array(6, "float32")] };
    const r = ravelPytree(tree);
    expect(r.size).toBe(6);
    expect(host(r.flat)).toEqual([1, 2, 3, 4, 5, 6]);
    const back = r.unravel(np.add(r.flat, 1));
    expect(host(back.a)).toEqual([2, 3, 4, 5]);
    expect(back.a.shape).toEqual([2, 2]);
    expect(back.b[1]!.shape).toEqual([]);
    const batched = r.unravelBatched(np.stack([r.flat, np.multiply(r.flat, 10)]));
    expect(batched.a.shape).toEqual([2, 2, 2]);
    expect(host(batched.b[0])).toEqual([5, 50]);
    expect(() => r.unravel(np.zeros([5]))).toThrow(/expected shape \[6\], got \[5\]/);
  });
});

describe("observation moments", () => {
  it("merging count, sum and sum of squares equals updating with the samples", () => {
    const x = np.array([[1, 2], [3, -1], [0.5, 4]], "float32");
    const s0 = updateStats(initStats([2]), np.array([[0, 1]], "float32"), 1);
    const a = updateStats(s0, x, 1);
    const b = mergeMoments(s0, { count: np.array(3, "float32"), sum: np.sum(x, 0), sumSq: np.sum(np.square(x), 0) });
    for (const k of ["mean", "var", "count"] as const) host(a[k]).forEach((v, i) => expect(host(b[k])[i]).toBeCloseTo(v, 4));
  });
});
