// TD3 and SAC through OffPolicyWorkflow on Pendulum with tiny configs: counters counted in
// the program (env steps, episodes, updates after learningStarts, TD3's delayed actor), the
// metrics, determinism, and identical continuation from a checkpoint (replay buffer included).
// The first test of each algorithm compiles its program; the rest reuse it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { flatten } from "../../src/pytree/index.js";
import { saveCheckpoint, loadCheckpoint } from "../../src/io/index.js";
import type { OffPolicyWorkflow, OffPolicyState } from "../../src/workflows/off_policy.js";
import { buildWorkflow, resolveAlgorithmConfig } from "../../src/algorithms/registry.js";
import { trainMany } from "../../src/algorithms/train_many.js";
import { expectRunOf } from "../workflows/same_run.js";

const SMALL = { env: "Pendulum-v1", hiddenSizes: [16], totalSteps: 300, learningStarts: 100, stepsPerIteration: 100, batchSize: 16, bufferSize: 1000, evalEpisodes: 2 };
const dir = mkdtempSync(join(tmpdir(), "xla-ts-offpolicy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);
const leaves = (x: unknown) => flatten(x)[0].map((l) => host(l));

for (const algo of ["td3", "sac"] as const) {
  describe(`${algo} on OffPolicyWorkflow`, () => {
    const wf = buildWorkflow({ algo, ...SMALL }) as OffPolicyWorkflow;
    const run = (seed: number, iterations: number) => wf.learn(wf.setup(seed), { iterations, evalEvery: 0 });

    it("counts env steps, episodes and updates in the program", async () => {
      const s0 = wf.setup(0);
      const [m1, s1] = wf.step(s0);
      // learningStarts = 100: the first update runs after the 100th step.
      expect(host(s1.counters.envSteps)).toEqual([100]);
      expect(host(s1.counters.updates)).toEqual([1]);
      const [m2, s2] = wf.step(s1);
      expect(host(s2.counters.updates)).toEqual([101]);
      expect(host(s2.counters.episodes)).toEqual([1]);
      expect(host(m2.episodeReturn)[0]).toBeLessThan(0);
      expect(Number.isNaN(host(m1.episodeReturn)[0])).toBe(true);
      for (const k of ["loss/critic", "loss/actor", "qMean"]) expect(Number.isFinite(host(m2[k])[0]), k).toBe(true);
      if (algo === "sac") for (const k of ["loss/alpha", "alpha", "entropy"]) expect(Number.isFinite(host(m2[k])[0]), k).toBe(true);
      expect(host(s2.buffer.size)).toEqual([200]);
    }, 300_000); // compiles setup and the step (about a minute on a loaded 2-core machine)

    it("is deterministic for a seed, and resuming from a checkpoint continues exactly", async () => {
      const whole = await run(5, 3);
      const again = await run(5, 3);
      expect(leaves(again.agentState)).toEqual(leaves(whole.agentState));
      const first = await run(5, 2);
      const file = join(dir, `${algo}.safetensors`);
      await saveCheckpoint(file, first);
      const loaded = await loadCheckpoint<OffPolicyState>(file, first);
      const resumed = await wf.learn(loaded, { iterations: 1, evalEvery: 0 });
      expect(host(resumed.counters.updates)).toEqual(host(whole.counters.updates));
      expect(leaves(resumed.agentState)).toEqual(leaves(whole.agentState));
      expect(leaves(resumed.optStates)).toEqual(leaves(whole.optStates));
      expect(leaves(resumed.buffer)).toEqual(leaves(whole.buffer));
    });

    if (algo === "td3")
      it("trainMany (seeds vmapped, one program) matches the host loop run by run", async () => {
        const r = await trainMany({ algo, ...SMALL }, [5, 6], { evalEvery: 0 });
        for (const [i, seed] of [5, 6].entries()) {
          expectRunOf((await run(seed, 3)).agentState.params, r.states.agentState.params, i);
        }
      }, 300_000);
  });
}

describe("off-policy configs", () => {
  it("ddpg and td3 differ only in their defaults; bad configs name the option", () => {
    const d = resolveAlgorithmConfig({ algo: "ddpg" }) as unknown as Record<string, unknown>;
    const t = resolveAlgorithmConfig({ algo: "td3" }) as unknown as Record<string, unknown>;
    expect([d.twinQ, d.policyDelay, d.targetNoise]).toEqual([false, 1, 0]);
    expect([t.twinQ, t.policyDelay, t.targetNoise]).toEqual([true, 2, 0.2]);
    expect(() => resolveAlgorithmConfig({ algo: "sac", totalSteps: 500, learningStarts: 1000 })).toThrow(/totalSteps = 500 must exceed learningStarts = 1000/);
    expect(() => resolveAlgorithmConfig({ algo: "td3", tau: 2 })).toThrow(/tau = 2 is not allowed/);
    expect(() => buildWorkflow({ algo: "td3", env: "CartPole-v1" })).toThrow(/TD3: needs a bounded 1-D Box action space/);
  });
});
