// OnPolicyWorkflow on CartPole with a small config (one compile of setup / step / evaluate
// shared by the tests): the state's shape and counters, donation, determinism, identical
// continuation from a checkpoint, the evaluator, trainMany equal to the host loop, and the
// config checks.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Array as ConcreteArray, type Value } from "../../src/core/values.js";
import { flatten } from "../../src/pytree/index.js";
import { saveCheckpoint, loadCheckpoint } from "../../src/io/index.js";
import type { OnPolicyWorkflow, OnPolicyState } from "../../src/workflows/on_policy.js";
import type { PPOState } from "../../src/agents/ppo/agent.js";
import { trainMany } from "../../src/algorithms/train_many.js";
import { buildWorkflow, resolveAlgorithmConfig as resolveOnPolicyConfig } from "../../src/algorithms/registry.js";
import { expectRunOf } from "./same_run.js";

const SMALL = { numEnvs: 4, numSteps: 32, epochs: 2, numMinibatches: 2, totalSteps: 4 * 32 * 3, evalEpisodes: 4, evalMaxSteps: 200 };
const wf = buildWorkflow(SMALL) as OnPolicyWorkflow;
const dir = mkdtempSync(join(tmpdir(), "xla-ts-wf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);
const paramLeaves = (s: OnPolicyState) => flatten(s.agentState.params)[0].map((l) => host(l));

async function run(seed: number, iterations: number): Promise<OnPolicyState> {
  return wf.learn(wf.setup(seed), { iterations, evalEvery: 0 });
}

describe("OnPolicyWorkflow", () => {
  it("setup makes a frozen state with zeroed counters; step advances them and reports metrics", async () => {
    const s0 = wf.setup(0);
    expect(Object.isFrozen(s0)).toBe(true);
    expect(Object.isFrozen(s0.counters)).toBe(true);
    expect(host(s0.counters.iterations)).toEqual([0]);
    expect(s0.obs.shape).toEqual([4, 4]);
    const [m, s1] = wf.step(s0);
    expect(host(s1.counters.iterations)).toEqual([1]);
    expect(host(s1.counters.envSteps)).toEqual([128]);
    for (const k of ["loss/total", "loss/policyLoss", "loss/valueLoss", "loss/entropy", "loss/approxKl", "loss/clipFrac", "lr", "episodes"])
      expect(Number.isFinite(host(m[k])[0]), k).toBe(true);
    // The entropy of a near-uniform initial policy over 2 actions is about ln 2.
    expect(host(m["loss/entropy"])[0]).toBeCloseTo(Math.LN2, 1);
    expect(host(m.lr)[0]).toBeCloseTo(2.5e-4, 9);
    // The state passed to step was donated.
    expect(() => host(((s0.agentState as PPOState).params.net.actor as { kernel: Value }[])[0]!.kernel)).toThrow(/donated/);
    // Counters are counted in the program: epochs × minibatches updates, episodes that ended.
    expect(host(s1.counters.updates)).toEqual([2 * 2]);
    expect(host(m.envSteps)).toEqual([128]);
    expect(host(s1.counters.episodes)[0]).toBe(host(m.episodes)[0]);
  });

  it("is deterministic for a seed, and seeds differ", async () => {
    const a = paramLeaves(await run(3, 2));
    const b = paramLeaves(await run(3, 2));
    const c = paramLeaves(await run(4, 2));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("resuming from a checkpoint continues exactly as an uninterrupted run", async () => {
    const whole = await run(7, 3);
    const first = await run(7, 1);
    const file = join(dir, "state.safetensors");
    await saveCheckpoint(file, first);
    const loaded = await loadCheckpoint<OnPolicyState>(file, first);
    const resumed = await wf.learn(loaded, { iterations: 2, evalEvery: 0 });
    expect(host(resumed.counters.iterations)).toEqual([3]);
    expect(paramLeaves(resumed)).toEqual(paramLeaves(whole));
    expect(flatten(resumed.optStates)[0].map(host)).toEqual(flatten(whole.optStates)[0].map(host));
  });

  it("evaluates greedily, deterministically, without changing the state", async () => {
    const s = wf.setup(1);
    const e1 = await wf.evaluate(s);
    const e2 = await wf.evaluate(s);
    expect(e1).toEqual(e2);
    expect(e1.returns).toHaveLength(4);
    for (const r of e1.returns) expect(r >= 1 && r <= 200).toBe(true);
    expect(e1.returnMean).toBeCloseTo(e1.returns.reduce((a, b) => a + b, 0) / 4, 9);
    expect(host(s.counters.iterations)).toEqual([0]);
  });

  it("folded iterations (stepMany, one call) equal single steps, and the logger still gets every iteration", async () => {
    const logged: [number, number][] = [];
    const folded = await wf.learn(wf.setup(2), { iterations: 3, fold: 3, evalEvery: 0, logger: { log: (step, m) => void logged.push([step, m.iteration!]) } });
    const stepped = await run(2, 3);
    expect(logged).toEqual([[128, 1], [256, 2], [384, 3]]);
    expect(host(folded.counters.envSteps)).toEqual([384]);
    const [a, b] = [paramLeaves(folded).flat(), paramLeaves(stepped).flat()];
    a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(x))));
  });

  it("learn: budget by totalSteps, onIteration and logger see every iteration, evaluation at the end", async () => {
    const seen: number[] = [];
    const logged: [number, Record<string, number>][] = [];
    const s = await wf.learn(wf.setup(0), {
      totalSteps: 2 * 128,
      onIteration: (m) => void seen.push(m.iteration!),
      logger: { log: (step, m) => void logged.push([step, m]) },
    });
    expect(seen).toEqual([1, 2]);
    expect(logged.map(([step]) => step)).toEqual([128, 256]);
    expect(logged[1]![1]["eval/returnMean"]).toBeGreaterThan(0);
    expect(logged[0]![1]["eval/returnMean"]).toBeUndefined();
    // onIteration returning false stops the loop.
    const t = await wf.learn(s, { iterations: 5, onIteration: () => false });
    expect(host(t.counters.iterations)).toEqual([3]);
  });

  it("trainMany (vmapped seeds, one program) matches the host loop run by run", async () => {
    const r = await trainMany(SMALL, [5, 6], { evalEvery: 0 });
    expect(r.metrics["loss/total"]!.map((x) => x.length)).toEqual([3, 3]);
    // The counters come back per iteration, as the host loop logs them (trainSeeds logs rows at envSteps).
    expect(r.metrics.envSteps).toEqual([[128, 256, 384], [128, 256, 384]]);
    expect(r.metrics.updates).toEqual([[4, 8, 12], [4, 8, 12]]);
    expect(r.evalIterations).toEqual([3]);
    for (const [i, seed] of [5, 6].entries()) {
      const s = await run(seed, 3);
      const ev = await wf.evaluate(s);
      expectRunOf(s.agentState.params, r.states.agentState.params, i);
      expect(r.finalReturns[i]).toBeCloseTo(ev.returnMean, 3);
    }
  });
});

describe("config", () => {
  it("names unknown keys (with a hint) and bad values, before anything is compiled", () => {
    expect(() => resolveOnPolicyConfig({ numEnv: 8 })).toThrow(/unknown key "numEnv" \(did you mean "numEnvs"\?\)/);
    expect(() => resolveOnPolicyConfig({ clipEps: -1 })).toThrow(/clipEps = -1 is not allowed: clipEps must be a number > 0/);
    expect(() => resolveOnPolicyConfig({ activation: "swish" })).toThrow(/one of "tanh", "relu"/);
    expect(() => resolveOnPolicyConfig({ numMinibatches: 3 })).toThrow(/numMinibatches = 3 must divide numEnvs × numSteps = 4 × 128 = 512/);
    expect(() => buildWorkflow({ env: "CartPole-v9" })).toThrow(/Did you mean "CartPole-v1"/);
  });
  it("fills defaults (PureJaxRL's CartPole settings)", () => {
    const c = resolveOnPolicyConfig({});
    expect(c).toMatchObject({ numEnvs: 4, numSteps: 128, totalSteps: 500_000, epochs: 4, numMinibatches: 4, lr: 2.5e-4, gamma: 0.99, gaeLambda: 0.95, clipEps: 0.2, hiddenSizes: [64, 64], activation: "tanh" });
    expect(Object.isFrozen(c)).toBe(true);
  });
});
