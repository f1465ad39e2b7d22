// Tabular Q-learning on OnPolicyWorkflow (MountainCar, tiny): counters counted exactly (env
// steps numEnvs × numSteps, one tabular update per time step), determinism, resume equality.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { saveCheckpoint, loadCheckpoint } from "../../src/io/index.js";
import type { OnPolicyState, OnPolicyWorkflow } from "../../src/workflows/on_policy.js";
import type { QLearningState } from "../../src/agents/qlearning/agent.js";
import { buildWorkflow } from "../../src/algorithms/registry.js";

const SMALL = { algo: "qlearning", env: "MountainCar-v0", numEnvs: 4, numSteps: 8, totalSteps: 4 * 8 * 3, gridSize: [6, 5], evalEpisodes: 2, evalMaxSteps: 50, foldIterations: 1 };
const wf = buildWorkflow(SMALL) as unknown as OnPolicyWorkflow;
const dir = mkdtempSync(join(tmpdir(), "xla-ts-q-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);
const table = (s: OnPolicyState) => host((s.agentState as QLearningState).params.table);

describe("QLearning on OnPolicyWorkflow", () => {
  it("counts env steps and tabular updates exactly; the table moves from its initial value", async () => {
    const s0 = wf.setup(0);
    expect(table(s0)).toEqual(new Array(30 * 3).fill(0));
    const [m, s1] = wf.step(s0);
    expect(host(s1.counters.envSteps)).toEqual([32]);
    expect(host(s1.counters.updates)).toEqual([8]);
    expect(host(m.epsilon)[0]).toBeCloseTo(1, 6);
    // MountainCar pays −1 a step: visited entries move below 0, by at most α per visit.
    const t = table(s1);
    expect(t.some((x) => x < 0)).toBe(true);
    expect(Math.min(...t)).toBeGreaterThanOrEqual(-0.1 * 32 - 1e-6);
  }, 180_000);

  it("is deterministic for a seed; resuming from a checkpoint continues exactly as an uninterrupted run", async () => {
    const whole = await wf.learn(wf.setup(3), { iterations: 3, evalEvery: 0 });
    expect(table(await wf.learn(wf.setup(3), { iterations: 3, evalEvery: 0 }))).toEqual(table(whole));
    const first = await wf.learn(wf.setup(3), { iterations: 1, evalEvery: 0 });
    const file = join(dir, "state.safetensors");
    await saveCheckpoint(file, first);
    const resumed = await wf.learn(await loadCheckpoint<OnPolicyState>(file, first), { iterations: 2, evalEvery: 0 });
    expect(host(resumed.counters.envSteps)).toEqual([96]);
    expect(table(resumed)).toEqual(table(whole));
    const ev = await wf.evaluate(resumed);
    expect(ev.returns).toHaveLength(2);
  }, 180_000);
});
