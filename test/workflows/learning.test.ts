// Learning progress within the test suite's budget. The targets (CartPole-v1 ≥ 475
// within 500k steps with PureJaxRL's settings, Pendulum-v1 ≥ −300; ~10 s each on 2 idle
// cores) are `npm run test:learning` (test/workflows/learning.ts), which CI runs after this.
import { describe, expect, it } from "vitest";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { buildWorkflow } from "../../src/algorithms/registry.js";
import type { RunningStats } from "../../src/envs/wrappers/running_stats.js";

const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);

describe("PPO learns", () => {
  it("CartPole-v1 (PureJaxRL's settings): in 20k steps the episodes grow from ~20 steps to hundreds", async () => {
    const wf = buildWorkflow({ seed: 0 });
    let s = wf.setup();
    const train: number[] = [];
    s = await wf.learn(s, { iterations: 40, onIteration: (m) => void (Number.isNaN(m.episodeReturn) || train.push(m.episodeReturn!)) });
    const after = await wf.evaluate(s);
    // The initial (near-uniform) policy's episodes last ~22 steps; seeds 0-3 reach 132-260 by
    // iteration 40 and a greedy return of 352-500.
    expect(train[0]!).toBeLessThan(40);
    expect(train[train.length - 1]!).toBeGreaterThan(3 * train[0]!);
    expect(after.returnMean).toBeGreaterThanOrEqual(200);
  });

  it("Pendulum-v1 with every continuous option (tanh squash, shared torso, obs normalization) runs and improves its value fit", async () => {
    const wf = buildWorkflow({
      env: "Pendulum-v1",
      numEnvs: 8,
      numSteps: 200,
      epochs: 4,
      numMinibatches: 8,
      gamma: 0.9,
      lr: 1e-3,
      entCoef: 0,
      clipValue: false,
      squash: true,
      sharedTorso: true,
      normalizeObs: true,
      rewardScale: 0.1,
      evalEpisodes: 4,
    });
    let s = wf.setup(0);
    const losses: number[] = [];
    s = await wf.learn(s, { iterations: 6, onIteration: (m) => void losses.push(m["loss/valueLoss"]!) });
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    // The normalizer saw every observation of the 6 rollouts (after its 1e-4 prior).
    expect(host((s.agentState.obsNorm as RunningStats).count)[0]).toBeCloseTo(6 * 8 * 200, 0);
    const ev = await wf.evaluate(s);
    expect(ev.lengthMean).toBe(200);
    for (const r of ev.returns) expect(r).toBeLessThan(0);
  });
});
