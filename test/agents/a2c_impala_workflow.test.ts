// A2C and IMPALA on OnPolicyWorkflow (CartPole, tiny configs): counters counted in the program
// (one update per A2C iteration, epochs × minibatches per IMPALA iteration), metrics, a
// deterministic seed, exact resume from a checkpoint, config checks. (IMPALA's lagging
// behaviour policy is checked on its update in impala.test.ts.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { flatten } from "../../src/pytree/index.js";
import { saveCheckpoint, loadCheckpoint } from "../../src/io/index.js";
import type { OnPolicyWorkflow, OnPolicyState } from "../../src/workflows/on_policy.js";
import { buildWorkflow, resolveAlgorithmConfig } from "../../src/algorithms/registry.js";

const dir = mkdtempSync(join(tmpdir(), "xla-ts-a2c-impala-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);
const leaves = (s: OnPolicyState) => [...flatten(s.agentState.params)[0], ...flatten(s.optStates)[0]].map((l) => host(l));

const CASES = [
  { algo: "a2c", config: { algo: "a2c", numEnvs: 4, numSteps: 5, evalEpisodes: 2, evalMaxSteps: 50, totalSteps: 4 * 5 * 3 }, steps: 20, updates: 1, terms: ["policyLoss", "valueLoss", "entropy"] },
  { algo: "impala", config: { algo: "impala", numEnvs: 4, numSteps: 8, minibatchSize: 2, epochs: 2, evalEpisodes: 2, evalMaxSteps: 50, totalSteps: 4 * 8 * 3 }, steps: 32, updates: 4, terms: ["policyLoss", "valueLoss", "entropy", "rho", "approxKl"] },
] as const;

for (const c of CASES) {
  describe(`${c.algo} workflow`, () => {
    const wf = buildWorkflow(c.config) as OnPolicyWorkflow;
    const run = (seed: number, iterations: number) => wf.learn(wf.setup(seed), { iterations, evalEvery: 0 });

    it("counts steps, episodes and updates in the program and reports the loss terms", () => {
      const [m, s1] = wf.step(wf.setup(0));
      expect(host(s1.counters.iterations)).toEqual([1]);
      expect(host(s1.counters.envSteps)).toEqual([c.steps]);
      expect(host(s1.counters.updates)).toEqual([c.updates]);
      expect(host(s1.counters.episodes)[0]).toBe(host(m.episodes)[0]);
      for (const k of [...c.terms.map((t) => `loss/${t}`), "loss/total", "lr"]) expect(Number.isFinite(host(m[k])[0]), k).toBe(true);
      // A fresh policy over CartPole's 2 actions is near uniform.
      expect(host(m["loss/entropy"])[0]).toBeCloseTo(Math.LN2, 1);
    }, 180_000); // the first call compiles setup and step (slow on a loaded 2-core machine)

    it("is deterministic for a seed and resumes exactly from a checkpoint", async () => {
      const whole = await run(7, 3);
      const again = await run(7, 3);
      expect(leaves(again)).toEqual(leaves(whole));
      const first = await run(7, 1);
      const file = join(dir, `${c.algo}.safetensors`);
      await saveCheckpoint(file, first);
      const resumed = await wf.learn(await loadCheckpoint<OnPolicyState>(file, first), { iterations: 2, evalEvery: 0 });
      expect(host(resumed.counters.iterations)).toEqual([3]);
      expect(leaves(resumed)).toEqual(leaves(whole));
      const other = await run(8, 1);
      expect(leaves(other)).not.toEqual(leaves(first));
    });
  });
}

describe("configs", () => {
  it("config checks name the options", () => {
    expect(() => resolveAlgorithmConfig({ algo: "impala", numEnvs: 4, minibatchSize: 8 })).toThrow(/minibatchSize = 8 .* at most numEnvs = 4/);
    expect(() => resolveAlgorithmConfig({ algo: "a2c", numEnvs: 8, numSteps: 5, totalSteps: 10 })).toThrow(/totalSteps = 10 is less than one iteration/);
    expect(() => resolveAlgorithmConfig({ algo: "a2c", clipEps: 0.2 })).toThrow(/unknown key "clipEps"/);
  });
});
