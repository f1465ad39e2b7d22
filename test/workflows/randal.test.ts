// RANDAL through the registry (small config, XLA): RND plus UNREAL's auxiliary heads on a
// shared torso; after the replay holds initObsSteps the auxiliary losses are logged, the heads
// learn with the agent's optimizer, and runs are deterministic.
import { describe, expect, it } from "vitest";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { flatten } from "../../src/pytree/index.js";
import type { OnPolicyWorkflow } from "../../src/workflows/on_policy.js";
import type { PPOParams, PPOState } from "../../src/agents/ppo/agent.js";
import type { UnrealState } from "../../src/agents/extensions/index.js";
import { buildWorkflow } from "../../src/algorithms/registry.js";

const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);
const leaves = (t: unknown) => flatten(t)[0].map((l) => host(l));

describe("randal on Deep Sea (shared MLP torso)", () => {
  const wf = buildWorkflow({
    algo: "randal",
    env: "DeepSea-bsuite",
    envOptions: { size: 8 },
    torso: "mlp",
    sharedTorso: true,
    hiddenSizes: [32],
    numEnvs: 4,
    numSteps: 16,
    epochs: 1,
    numMinibatches: 2,
    rndPredictorHidden: [16],
    rndTargetHidden: [16],
    rndEmbedding: 8,
    replayLength: 128,
    initObsSteps: 64,
    pcCellSize: 4,
    auxNSteps: 3,
    auxSequences: 4,
    totalSteps: 64 * 3,
    evalEpisodes: 2,
  }) as OnPolicyWorkflow;

  it("logs pixel control, reward prediction and value replay; the heads learn; deterministic", async () => {
    const s0 = wf.setup(0);
    const heads0 = leaves((s0.agentState.params as PPOParams).aux);
    const [m1, s1] = wf.step(s0);
    expect(host(m1["loss/pixelControl"])).toEqual([0]); // nothing replayed yet: the losses are masked
    const [m2, s2] = wf.step(s1);
    for (const k of ["loss/pixelControl", "loss/rewardPrediction", "loss/valueReplay", "unreal/pixelReward", "rnd/reward", "loss/rndPredictor"]) expect(Number.isFinite(host(m2[k])[0]), k).toBe(true);
    expect(host(m2["loss/rewardPrediction"])[0]).toBeGreaterThan(0);
    expect(host(((s2.agentState as PPOState).extra!.ext.unreal as UnrealState).filled)).toEqual([32]);
    expect(leaves((s2.agentState.params as PPOParams).aux)).not.toEqual(heads0);
    const a = await wf.learn(wf.setup(1), { iterations: 2, evalEvery: 0 });
    const b = await wf.learn(wf.setup(1), { iterations: 2, evalEvery: 0 });
    expect(leaves(a.agentState)).toEqual(leaves(b.agentState));
  }, 600_000);
});
