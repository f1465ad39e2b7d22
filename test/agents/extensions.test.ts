// The extensions' numbers: RND's reward (zero when the predictor equals the target), the
// rsl_rl normalizers against closed forms, the weight schedules, the predictor's masked loss,
// SND's losses by hand and against JAX (tools/fixtures_snd_ssl.py), the augmentations, and
// symmetry's mirror loss and augmentation. Run on the interpreter (tiny arrays, no compiles).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { random, numpy as np } from "../../src/index.js";
import { type Value } from "../../src/core/values.js";
import {
  CARTPOLE_MIRROR,
  Distillation,
  RND_SCHEMA,
  SND_SCHEMA,
  SYMMETRY_SCHEMA,
  Symmetry,
  contrastiveMse,
  infoNce,
  initEmpirical,
  initRewardNorm,
  normalizeEmpirical,
  normalizeRewards,
  scheduledWeight,
  tileMask,
  uniformNoise,
  updateEmpirical,
  vicreg,
  type RNDOptions,
  type SNDOptions,
  type SymmetryOptions,
} from "../../src/agents/extensions/index.js";
import { resolveConfig } from "../../src/agents/common/config.js";
import type { FullSampleBatch } from "../../src/agents/types.js";
import { useRefBackend, host, num } from "../ref_backend.js";

useRefBackend();

const rndOpts = (o: Partial<RNDOptions> = {}) => resolveConfig<RNDOptions>(RND_SCHEMA, { rndPredictorHidden: [8], rndTargetHidden: [8], rndEmbedding: 4, ...o });
const spaces = { obsShape: [3], discrete: true, actionDim: 2, numEnvs: 2 };
const loop = { epochs: 1, numMinibatches: 1, gammaInt: 0.99 };

describe("RND", () => {
  it("the reward is zero when the predictor equals the target and positive otherwise; halfsumsq = l2² / 2", () => {
    const d = new Distillation(spaces, rndOpts({ rndStateNormalization: "none" }), loop);
    const s = d.init(random.key(0));
    const x = random.normal(random.key(1), [5, 3]);
    const same = d.rawReward({ ...s, predictor: s.target }, x);
    expect(host(same)).toEqual([0, 0, 0, 0, 0]);
    const l2 = host(d.rawReward(s, x));
    for (const r of l2) expect(r).toBeGreaterThan(0);
    const h = new Distillation(spaces, rndOpts({ rndStateNormalization: "none", rndRewardType: "halfsumsq" }), loop);
    host(h.rawReward(s, x)).forEach((r, i) => expect(r).toBeCloseTo(l2[i]! ** 2 / 2, 5));
  });

  it("networks: ELU MLPs with zero biases; the predictor's masked loss is the MSE at proportion 1 and a mean over kept elements below", () => {
    const d = new Distillation(spaces, rndOpts({ rndUpdateProportion: 1 }), loop);
    const s = d.init(random.key(0));
    for (const layer of [...s.predictor, ...s.target]) expect(host(layer.bias!).every((b) => b === 0)).toBe(true);
    const x = random.normal(random.key(2), [6, 3]);
    const diff = np.subtract(d.predictorNet.apply(s.predictor, x), d.targetNet.apply(s.target, x));
    const mse = num(np.mean(np.square(diff)));
    expect(num(d.predictorLoss(s.predictor, s, x, random.key(3)))).toBeCloseTo(mse, 6);
    const q = new Distillation(spaces, rndOpts({ rndUpdateProportion: 0.25 }), loop);
    const k = random.key(4);
    const mask = host(np.less(random.uniform(k, [6, 4]), 0.25));
    const sq = host(np.square(diff));
    const kept = sq.filter((_, i) => mask[i]);
    expect(num(q.predictorLoss(s.predictor, s, x, k))).toBeCloseTo(kept.reduce((a, b) => a + b, 0) / kept.length, 6);
  });
});

describe("normalizers (rsl_rl)", () => {
  it("EmpiricalNormalization: after two batches, the mean and biased variance of all samples; frozen after `until`", () => {
    const a = [[1, 2], [3, 6], [5, 1]];
    const b = [[0, 4], [7, 3]];
    const s = updateEmpirical(updateEmpirical(initEmpirical([2]), np.array(a)), np.array(b));
    const all = [...a, ...b];
    for (let j = 0; j < 2; j++) {
      const col = all.map((r) => r[j]!);
      const m = col.reduce((x, y) => x + y, 0) / col.length;
      const v = col.reduce((x, y) => x + (y - m) ** 2, 0) / col.length;
      expect(host(s.mean)[j]).toBeCloseTo(m, 5);
      expect(host(s.var)[j]).toBeCloseTo(v, 5);
    }
    expect(num(s.count)).toBe(5);
    const frozen = updateEmpirical(s, np.array([[100, 100]]), 5);
    expect(host(frozen.mean)).toEqual(host(s.mean));
    expect(num(frozen.count)).toBe(5);
    const x = np.array([[2, 2]]);
    const [m0, m1] = host(s.mean);
    const [sd0, sd1] = host(s.var).map(Math.sqrt);
    expect(host(normalizeEmpirical(s, x, "mean"))).toEqual([2 - m0!, 2 - m1!].map((v) => Math.fround(v)));
    const ms = host(normalizeEmpirical(s, x, "meanstd", 1e-2));
    expect(ms[0]).toBeCloseTo((2 - m0!) / (sd0! + 1e-2), 5);
    expect(ms[1]).toBeCloseTo((2 - m1!) / (sd1! + 1e-2), 5);
    expect(host(normalizeEmpirical(s, x, "none"))).toEqual([2, 2]);
  });

  it("discounted-return normalization: constant rewards are divided by the std of the returns (1 − γ^(t+1)) / (1 − γ) seen so far", () => {
    const T = 6;
    const g = 0.9;
    const [out, st] = normalizeRewards(initRewardNorm(3), np.ones([T, 3]), g);
    const rets: number[] = [];
    const got = host(out);
    for (let t = 0; t < T; t++) {
      rets.push((1 - g ** (t + 1)) / (1 - g));
      const m = rets.reduce((a, b) => a + b, 0) / rets.length;
      const sd = Math.sqrt(rets.reduce((a, b) => a + (b - m) ** 2, 0) / rets.length);
      const want = sd > 0 ? 1 / sd : 1; // the first step's std is 0: the reward passes unchanged
      for (let b = 0; b < 3; b++) expect(got[t * 3 + b]).toBeCloseTo(want, 4);
    }
    expect(host(st.ret)[0]).toBeCloseTo(rets[T - 1]!, 5);
    expect(num(st.stats.count)).toBe(3 * T);
  });
});

describe("weight schedules (rsl_rl)", () => {
  const base = { initial: 2, initialStep: 10, finalStep: 20, finalValue: 0.5 };
  it("constant, step and linear", () => {
    const at = (mode: "constant" | "step" | "linear", t: number) => num(scheduledWeight({ mode, ...base }, t));
    expect([0, 15, 100].map((t) => at("constant", t))).toEqual([2, 2, 2]);
    expect([0, 19, 20, 50].map((t) => at("step", t))).toEqual([2, 2, 0.5, 0.5]);
    const lin = [0, 10, 15, 20, 30].map((t) => at("linear", t));
    [2, 2, 1.25, 0.5, 0.5].forEach((w, i) => expect(lin[i]).toBeCloseTo(w, 6));
  });
});

describe("SND's losses", () => {
  it("by hand on two samples", () => {
    const za = np.array([[1, 0], [0, 2]]);
    const zb = np.array([[1, 1], [2, 0]]);
    // d = [0.5, 4]; labels [0, 1]: ((0 − 0.5)² + (1 − 4)²) / 2 = 4.625
    expect(num(contrastiveMse(za, zb, np.array([0, 1])))).toBeCloseTo(4.625, 6);
    // logits = za zbᵀ = [[1, 2], [2, 0]]: loss = ((lse(1, 2) − 1) + (lse(2, 0) − 0)) / 2
    const lse = (a: number, b: number) => Math.log(Math.exp(a) + Math.exp(b));
    expect(num(infoNce(za, zb))).toBeCloseTo((lse(1, 2) - 1 + lse(2, 0)) / 2, 5);
    // VICReg on N = 2, E = 2: inv = mean((za − zb)²) = (0 + 1 + 4 + 4) / 4 = 2.25.
    const t = vicreg(za, zb, { invariance: 1, variance: 0, covariance: 0 });
    expect(num(t.invariance)).toBeCloseTo(2.25, 6);
    expect(num(t.total)).toBeCloseTo(2.25, 6);
    // Unbiased variances: za's columns 0.5 and 2, zb's 0.5 and 0.5; hinge relu(1 − √(var + 1e-4)), mean over columns.
    const h = (v: number) => Math.max(0, 1 - Math.sqrt(v + 1e-4));
    const hA = (h(0.5) + h(2)) / 2;
    const hB = (h(0.5) + h(0.5)) / 2;
    expect(num(t.variance)).toBeCloseTo(hA / 2 + hB / 2, 5);
    // Covariances: za centred [[.5, −1], [−.5, 1]] → C01 = −1; zb centred [[−.5, .5], [.5, −.5]] → C01 = −0.5; Σ off² / E.
    expect(num(t.covariance)).toBeCloseTo((2 * 1) / 2 + (2 * 0.25) / 2, 5);
  });

  it("VICReg, InfoNCE and the contrastive MSE equal the JAX transcription (tools/fixtures_snd_ssl.py)", () => {
    const fx = JSON.parse(readFileSync(new URL("../fixtures/snd_ssl.json", import.meta.url), "utf8")) as {
      cases: { za: number[][]; zb: number[][]; labels: number[]; vicreg: Record<string, number>; infoNce: number; infoNceTau05: number; contrastiveMse: number }[];
    };
    for (const c of fx.cases) {
      const za = np.array(c.za, "float64");
      const zb = np.array(c.zb, "float64");
      const t = vicreg(za, zb, { invariance: 25, variance: 25, covariance: 1 });
      for (const k of ["total", "invariance", "variance", "covariance"] as const) expect(num(t[k])).toBeCloseTo(c.vicreg[k]!, 9);
      expect(num(infoNce(za, zb))).toBeCloseTo(c.infoNce, 9);
      expect(num(infoNce(za, zb, 0.5))).toBeCloseTo(c.infoNceTau05, 9);
      expect(num(contrastiveMse(za, zb, np.array(c.labels, "float64")))).toBeCloseTo(c.contrastiveMse, 9);
    }
  });

  it("augmentations: tile masking zeroes whole tiles (shared by channels), noise stays within ±k", () => {
    const x = np.ones([3, 5, 6, 2]);
    const m = host(tileMask(random.key(5), x, 2, 0.5));
    let zeros = 0;
    for (let n = 0; n < 3; n++)
      for (let ty = 0; ty < 3; ty++)
        for (let tx = 0; tx < 3; tx++) {
          const vals: number[] = [];
          for (let y = 2 * ty; y < Math.min(5, 2 * ty + 2); y++) for (let xx = 2 * tx; xx < 2 * tx + 2; xx++) for (let c = 0; c < 2; c++) vals.push(m[((n * 5 + y) * 6 + xx) * 2 + c]!);
          expect(new Set(vals).size).toBe(1);
          if (vals[0] === 0) zeros++;
        }
    expect(zeros).toBeGreaterThan(0);
    expect(zeros).toBeLessThan(27);
    const z = host(uniformNoise(random.key(6), np.zeros([200]), 0.2));
    expect(Math.max(...z.map(Math.abs))).toBeLessThanOrEqual(0.2);
    expect(Math.max(...z)).toBeGreaterThan(0.1);
  });

  it("SND's target loss runs for every variant on flat inputs and is finite", () => {
    for (const v of ["v", "vic", "std"] as const) {
      const snd = resolveConfig<SNDOptions>(SND_SCHEMA, { sndVariant: v });
      const d = new Distillation({ ...spaces, obsShape: [2, 3] }, rndOpts(), loop, snd);
      const s = d.init(random.key(0));
      expect(d.name).toBe("snd");
      const x = random.normal(random.key(1), [8, 6]);
      const [loss, m] = d.targetLoss(s.target, x, np.add(x, 0.1), random.key(2));
      expect(Number.isFinite(num(loss))).toBe(true);
      expect(num(m["loss/sndTarget"]!)).toBe(num(loss));
    }
  });
});

describe("symmetry", () => {
  const opts = (o: Partial<SymmetryOptions> = {}) => resolveConfig<SymmetryOptions>(SYMMETRY_SCHEMA, { symmetry: "cartpole", symmetryMirrorLoss: true, ...o });
  const sym = new Symmetry({ obsShape: [4], discrete: true, actionDim: 2, numEnvs: 1 }, opts());
  const w = np.array([0.3, -1.2, 2.0, 0.7]);

  it("the mirror loss is zero for an equivariant actor (fast-check over observations) and positive otherwise", () => {
    // logits(x) = [w·x, −w·x]: logits(−x) = flip(logits(x)).
    const equivariant = (o: Value) => np.stack([np.matmul(o, w), np.negative(np.matmul(o, w))], -1);
    const biased = (o: Value) => np.stack([np.add(np.matmul(o, w), 1), np.zeros([o.shape[0]!])], -1);
    fc.assert(
      fc.property(fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 8, maxLength: 8 }), (xs) => {
        const mb = { obs: np.array([xs.slice(0, 4), xs.slice(4)]) } as FullSampleBatch;
        expect(num(sym.policyLoss(equivariant, mb, 2).loss)).toBeLessThan(1e-12);
      }),
      { numRuns: 20 },
    );
    const mb = { obs: np.array([[0.1, 0.2, 0.3, 0.4]]) } as FullSampleBatch;
    expect(num(sym.policyLoss(biased, mb, 1).loss)).toBeGreaterThan(0.01);
    const off = new Symmetry({ obsShape: [4], discrete: true, actionDim: 2, numEnvs: 1 }, opts({ symmetryMirrorLoss: false }));
    const r = off.policyLoss(biased, mb, 1);
    expect(num(r.loss)).toBe(0);
    expect(num(r.metrics["loss/mirror"]!)).toBeGreaterThan(0.01);
  });

  it("augmentation appends the mirror: observations negated, actions swapped, the rest repeated", () => {
    const mb: FullSampleBatch = {
      obs: np.array([[1, 2, 3, 4], [5, 6, 7, 8]]),
      actions: np.array([0, 1], "int32"),
      rewards: np.array([1, 2]),
      nextObs: np.array([[0, 0, 0, 1], [0, 0, 1, 0]]),
      terminated: np.array([false, true]),
      truncated: np.array([false, false]),
      extras: { logProb: np.array([-0.1, -0.2]), advantages: np.array([3, 4]) },
    };
    const a = sym.augment(mb);
    expect(a.obs.shape).toEqual([4, 4]);
    expect(host(a.obs).slice(8)).toEqual([-1, -2, -3, -4, -5, -6, -7, -8]);
    expect(host(a.actions)).toEqual([0, 1, 1, 0]);
    expect(host(a.extras.logProb!)).toEqual(host(np.array([-0.1, -0.2, -0.1, -0.2])));
    expect(host(a.extras.advantages!)).toEqual([3, 4, 3, 4]);
    expect(host(a.terminated)).toEqual([0, 1, 0, 1]);
    expect(host(CARTPOLE_MIRROR.policyOutput(np.array([[1, 2]])))).toEqual([2, 1]);
    const noAug = new Symmetry({ obsShape: [4], discrete: true, actionDim: 2, numEnvs: 1 }, opts({ symmetryAugment: false }));
    expect(noAug.augment(mb)).toBe(mb);
  });
});
