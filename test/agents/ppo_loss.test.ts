// PPO's objective: a hand-worked example, and the clipped surrogate's defining properties
// (fast-check): zero gradient with respect to the log-probability where the clip binds, and
// the plain policy gradient at ratio 1.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { grad } from "../../src/core/index.js";
import { Array as ConcreteArray, type Value } from "../../src/core/values.js";
import { numpy as np } from "../../src/numpy/index.js";
import { ppoLoss, type PPOLossHyper, type PPOLossInput } from "../../src/agents/ppo/loss.js";
import { useRefBackend, host } from "../ref_backend.js";

useRefBackend();

const f32 = (xs: number[]) => np.array(xs, "float32");
const num = (v: Value) => Number((v as ConcreteArray).dataSync()[0]);
const hyper = (o: Partial<PPOLossHyper> = {}): PPOLossHyper => ({
  clipEps: 0.2,
  clipValue: true,
  valueClipEps: 0.2,
  vfCoef: 0.5,
  entCoef: 0.01,
  normalizeAdvantages: false,
  ...o,
});

describe("ppoLoss: a hand-worked example", () => {
  // Two samples: ratios 1.5 and 0.5, advantages 1 and −2.
  const x: PPOLossInput = {
    logProb: f32([Math.log(1.5), Math.log(0.5)]),
    oldLogProb: f32([0, 0]),
    advantages: f32([1, -2]),
    values: f32([1, 2]),
    oldValues: f32([0.5, 2.5]),
    targets: f32([2, 1]),
    entropy: f32([0.6, 0.4]),
  };
  it("every term", () => {
    const t = ppoLoss(x, hyper());
    // surrogate: min(1.5·1, 1.2·1) = 1.2; min(0.5·−2, 0.8·−2) = −1.6 → policyLoss = −(1.2 − 1.6)/2 = 0.2
    expect(num(t.policyLoss)).toBeCloseTo(0.2, 6);
    // values: max((1−2)², (0.5+0.2−2)²) = 1.69; max((2−1)², (2.5−0.2−1)²) = 1.69 → 0.5·1.69
    expect(num(t.valueLoss)).toBeCloseTo(0.845, 6);
    expect(num(t.entropy)).toBeCloseTo(0.5, 6);
    // 0.2 + 0.5·0.845 − 0.01·0.5
    expect(num(t.total)).toBeCloseTo(0.6175, 6);
    // k3: ((0.5 − ln 1.5) + (−0.5 − ln 0.5)) / 2
    expect(num(t.approxKl)).toBeCloseTo((0.5 - Math.log(1.5) + (-0.5 - Math.log(0.5))) / 2, 6);
    expect(num(t.clipFrac)).toBe(1);
  });
  it("without value clipping, and with normalized advantages", () => {
    expect(num(ppoLoss(x, hyper({ clipValue: false })).valueLoss)).toBeCloseTo(0.5, 6);
    // advantages [1, −2] standardize to [1, −1]: min(1.5, 1.2) = 1.2; min(−0.5, −0.8) = −0.8 → −0.2
    expect(num(ppoLoss(x, hyper({ normalizeAdvantages: true })).policyLoss)).toBeCloseTo(-0.2, 5);
  });
});

describe("ppoLoss: properties of the clipped surrogate", () => {
  const sample = fc.integer({ min: 1, max: 6 }).chain((n) => {
    const vec = (min: number, max: number) => fc.array(fc.double({ min, max, noNaN: true }), { minLength: n, maxLength: n });
    return fc.record({ logRatio: vec(-1, 1), old: vec(-3, 0), adv: vec(-3, 3), eps: fc.constantFrom(0.1, 0.2, 0.3) });
  });
  const input = (logProb: Value, old: number[], adv: number[]): PPOLossInput => {
    const z = f32(old.map(() => 0));
    return { logProb, oldLogProb: f32(old), advantages: f32(adv), values: z, oldValues: z, targets: z, entropy: z };
  };

  it("the gradient w.r.t. log π is zero where the clip binds, and −r·A/N elsewhere", () => {
    fc.assert(
      fc.property(sample, ({ logRatio, old, adv, eps }) => {
        const n = old.length;
        const ratio = logRatio.map(Math.exp);
        // Stay off the kinks, where the gradient is not defined.
        fc.pre(ratio.every((r) => Math.abs(r - 1 - eps) > 1e-3 && Math.abs(r - 1 + eps) > 1e-3) && adv.every((a) => Math.abs(a) > 1e-3));
        const lp = f32(old.map((o, i) => o + logRatio[i]!));
        const g = host(grad((l: Value) => ppoLoss(input(l, old, adv), hyper({ clipEps: eps })).policyLoss)(lp));
        g.forEach((gi, i) => {
          const r = Math.fround(Math.exp(Math.fround(Math.fround(old[i]! + logRatio[i]!) - Math.fround(old[i]!))));
          const a = Math.fround(adv[i]!);
          const clipped = (a > 0 && r > 1 + eps) || (a < 0 && r < 1 - eps);
          const want = clipped ? 0 : (-r * a) / n;
          if (Math.abs(gi - want) > 1e-5 * (1 + Math.abs(want))) expect.fail(`sample ${i} (ratio ${r}, A ${a}): grad ${gi}, want ${want}`);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("at ratio 1 the loss and its gradient are the plain policy gradient's, −mean(A · log π)", () => {
    fc.assert(
      fc.property(sample, ({ old, adv, eps }) => {
        const lp = f32(old);
        const clippedLoss = (l: Value) => ppoLoss(input(l, old, adv), hyper({ clipEps: eps })).policyLoss;
        const plain = (l: Value) => np.negative(np.mean(np.multiply(f32(adv), np.exp(np.subtract(l, f32(old))))));
        const pg = (l: Value) => np.negative(np.mean(np.multiply(f32(adv), l)));
        expect(num(clippedLoss(lp))).toBeCloseTo(num(plain(lp)), 5);
        const g1 = host(grad(clippedLoss)(lp));
        const g2 = host(grad(pg)(lp));
        g1.forEach((x, i) => expect(x).toBeCloseTo(g2[i]!, 5));
      }),
      { numRuns: 40 },
    );
  });
});
