// distrax's values (test/fixtures/distributions.json, from tools/fixtures_distributions.py):
// logProb, entropy, mode, KL, gradients of logProb, and samples drawn with the same key.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grad, random } from "../../src/index.js";
import { TanhNormal, type Distribution } from "../../src/distributions/index.js";
import { backends, useBackend } from "../numpy/helpers.js";
import { decodeArray, expectClose, makeDist, nums, type DistCase } from "./helpers.js";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/distributions.json", import.meta.url), "utf8")) as { cases: DistCase[] };

for (const backend of backends()) {
  describe(`distributions vs distrax (${backend})`, () => {
    for (const c of fixture.cases) {
      // float32 through XLA's transcendental approximations: a few ulps; float64 tighter.
      const rtol = c.dtype === "float64" ? 1e-11 : 2e-5;
      const atol = c.dtype === "float64" ? 1e-12 : 2e-6;
      it(c.id, () => {
        useBackend(backend);
        const d = makeDist(c.dist, c.params, c.eventNdims);
        const x = decodeArray(c.x);
        const lp = d instanceof TanhNormal ? d.logProb(x, decodeArray(c.preTanh!)) : d.logProb(x);
        expectClose(lp, c.logProb, "logProb", rtol, atol);
        if (d instanceof TanhNormal) {
          // Without the pre-tanh value: atanh(y) recovers u up to float32 rounding of y.
          expectClose(d.logProb(x), c.logProb, "logProb via atanh", c.dtype === "float64" ? 1e-9 : 2e-3, 2e-3);
          // The sampled entropy estimate against the quadrature value (a few standard errors).
          expectClose(d.entropy(random.key(7), 20000), c.entropy, "entropy estimate", 0, 0.03);
        } else expectClose((d as Exclude<Distribution, TanhNormal>).entropy(), c.entropy, "entropy", rtol, atol);
        expectClose(d.mode(), c.mode, "mode", rtol, atol);
        if (c.kl) {
          const q = makeDist(c.dist, c.kl.other, c.eventNdims);
          expectClose((d.kl as (o: Distribution) => ReturnType<typeof d.kl>)(q), c.kl.value, "kl", rtol, atol);
        }
        if (c.gradLogProb) {
          const pre = c.preTanh ? decodeArray(c.preTanh) : undefined;
          const g = grad((dd: Distribution) => {
            const l = dd instanceof TanhNormal ? dd.logProb(x, pre) : dd.logProb(x);
            return l.sum();
          })(d) as Record<string, any>;
          expect(g.constructor).toBe(d.constructor);
          for (const [k, want] of Object.entries(c.gradLogProb)) expectClose(g[k], want, `d logProb / d ${k}`, rtol * 5, atol * 5);
        }
        if (c.sample) {
          const key = random.key(c.sample.seed);
          const s = d.sample(key, c.sample.sampleShape);
          // Integer samples agree bit for bit (same jax.random calls); floats to rounding.
          if (c.dist === "Categorical" || c.dist === "Bernoulli") expect(nums(s)).toEqual(nums(decodeArray(c.sample.value)));
          else expectClose(s, c.sample.value, "sample", 1e-5, 1e-5);
          const [s2, lp2] = d.sampleAndLogProb(key, c.sample.sampleShape);
          expect(nums(s2)).toEqual(nums(s));
          // TanhNormal: from the pre-tanh sample, where distrax inverts tanh: looser.
          const tl = c.dist === "TanhNormal" ? 2e-3 : 5e-5;
          expectClose(lp2, c.sample.logProb, "sampleAndLogProb", tl, tl);
        }
      });
    }
  });
}
