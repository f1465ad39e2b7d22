// Data-parallel workflows (numDevices > 1) on the CPU plugin's devices: a whole PPO iteration on
// 2 and 4 devices (replicas identical, counters global and equal to the per-device rollouts
// replayed one by one), folded steps, checkpoint → resume identical to an uninterrupted run,
// a DQN iteration with per-device replay buffers, ES on N devices = ES on one, and the errors.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jit, pmap, xlaRuntime, type Value } from "../../src/core/index.js";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { flatten, map } from "../../src/pytree/index.js";
import { saveCheckpoint, loadCheckpoint } from "../../src/io/index.js";
import { buildWorkflow } from "../../src/algorithms/registry.js";
import { trainMany } from "../../src/algorithms/train_many.js";
import type { OnPolicyState, OnPolicyWorkflow } from "../../src/workflows/on_policy.js";
import type { OffPolicyState } from "../../src/workflows/off_policy.js";
import type { EvolutionState } from "../../src/workflows/evolution.js";
import { rollout } from "../../src/workflows/rollout.js";
import { DEVICE_AXIS, type Metrics, type Workflow, type WorkflowState } from "../../src/workflows/workflow.js";
import { hasRuntime } from "../../src/xla/index.js";
import { runCli } from "../../src/cli/run.js";

const run = hasRuntime() && process.env.XLA_TS_BACKEND !== "ref" && xlaRuntime().devices.length >= 4;
const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);
const leaves = (t: unknown) => flatten(t)[0].map(host);
const dir = mkdtempSync(join(tmpdir(), "xla-ts-dp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PPO = { algo: "ppo", env: "CartPole-v1", numEnvs: 8, numSteps: 16, epochs: 2, numMinibatches: 2, hiddenSizes: [16], totalSteps: 8 * 16 * 4, evalEpisodes: 2, evalMaxSteps: 100 };

/** One iteration with every output stacked per device (outAxes 0), to see each replica. */
function stepPerReplica<S extends WorkflowState>(wf: Workflow<S>, s: S): [Metrics, S] {
  const spec = Object.fromEntries(wf.perDeviceFields.map((k) => [k, 0]));
  return pmap((st: S) => wf.updateCounted(st), { axisName: DEVICE_AXIS, inAxes: [spec], outAxes: 0, devices: wf.numDevices })(s);
}

describe.runIf(run)("data-parallel workflows", () => {
  it("PPO on 4 devices: replicas stay identical; counters are global and equal the per-device rollouts replayed", () => {
    const n = 4;
    const wf = buildWorkflow({ ...PPO, numDevices: n, normalizeObs: true }) as OnPolicyWorkflow;
    const s0 = wf.setup(0);
    // Per-device parts carry the device axis; the agent state is one device's (what eval reads).
    expect(s0.obs.shape).toEqual([n, 8 / n, 4]);
    // (no device axis: the first actor layer is [obs 4, hidden 16], as on one device)
    expect(flatten(s0.agentState.params)[0].map((x) => (x as Value).shape)).toContainEqual([4, 16]);
    expect(flatten(s0.agentState.params)[0].every((x) => (x as Value).ndim <= 2)).toBe(true);

    // Device d's rollout, replayed on one device: its envs, its key foldIn(key, d).
    const ks = random.split(s0.key, 3);
    const roll = jit((st: OnPolicyState, d: Value) =>
      rollout(wf.env, wf.agent, st.agentState, { envState: map((x: Value) => np.take(x, d, 0), st.envState), obs: np.take(st.obs, d, 0) }, random.foldIn(ks.get(1), d), 16)[0],
    );
    let episodes = 0;
    const obsSum = [0, 0, 0, 0];
    for (let d = 0; d < n; d++) {
      const traj = roll(s0, np.array(d, "int32"));
      episodes += host(traj.extras.returnedEpisode).reduce((a, b) => a + b, 0);
      host(traj.obs).forEach((x, i) => (obsSum[i % 4]! += x));
    }
    expect(episodes).toBeGreaterThan(0);

    const [m, s1] = stepPerReplica(wf, s0);
    const p = leaves(s1.agentState.params);
    for (const leaf of [...p, ...leaves(s1.agentState.obsNorm)]) {
      const k = leaf.length / n;
      for (let d = 1; d < n; d++) expect(leaf.slice(d * k, (d + 1) * k)).toEqual(leaf.slice(0, k));
    }
    expect(host(s1.counters.envSteps)).toEqual(Array(n).fill(8 * 16));
    expect(host(s1.counters.updates)).toEqual(Array(n).fill(2 * 2));
    expect(host(s1.counters.episodes)).toEqual(Array(n).fill(episodes));
    expect(new Set(host(m["loss/total"])).size).toBe(1);
    // The observation normalizer saw every device's 8 × 16 observations (plus its initial 1e-4).
    const norm = s1.agentState.obsNorm as { count: Value; mean: Value };
    host(norm.count).forEach((c) => expect(c).toBeCloseTo(128, 3));
    host(norm.mean).forEach((x, i) => expect(x).toBeCloseTo(obsSum[i % 4]! / 128, 4));
    // And the host step (device 0's replicated parts) equals replica 0.
    const [, t1] = wf.step(s0);
    expect(leaves(t1.agentState.params)).toEqual(p.map((l) => l.slice(0, l.length / n)));
  });

  it("PPO on 2 devices: checkpoint → resume equals an uninterrupted run; evaluation reads the policy", async () => {
    const wf = buildWorkflow({ ...PPO, numDevices: 2 }) as OnPolicyWorkflow;
    const whole = await wf.learn(wf.setup(3), { iterations: 3, evalEvery: 0 });
    const first = await wf.learn(wf.setup(3), { iterations: 1, evalEvery: 0 });
    const file = join(dir, "dp.safetensors");
    await saveCheckpoint(file, first);
    const loaded = await loadCheckpoint<OnPolicyState>(file, wf.setup(0));
    const resumed = await wf.learn(loaded, { iterations: 2, evalEvery: 0 });
    expect(host(resumed.counters.envSteps)).toEqual([3 * 128]);
    const [a, b] = [leaves(resumed.agentState.params).flat(), leaves(whole.agentState.params).flat()];
    a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(x))));
    const ev = await wf.evaluate(resumed);
    expect(ev.returns).toHaveLength(2);
  });

  it("DQN on 2 devices: per-device buffers and batches; replicas identical; env steps global", () => {
    const wf = buildWorkflow({ algo: "dqn", env: "CartPole-v1", numEnvs: 4, numDevices: 2, bufferSize: 400, batchSize: 16, learningStarts: 40, stepsPerIteration: 80, hiddenSizes: [16], normalizeObs: true });
    const s0 = wf.setup(0) as OffPolicyState;
    expect(s0.buffer.data.rewards.shape).toEqual([2, 100, 2]);
    const [, s1] = stepPerReplica(wf as Workflow<OffPolicyState>, s0);
    for (const leaf of [...leaves(s1.agentState.params), ...leaves(s1.agentState.obsNorm)]) expect(leaf.slice(leaf.length / 2)).toEqual(leaf.slice(0, leaf.length / 2));
    expect(host(s1.counters.envSteps)).toEqual([80, 80]);
    // Updates every vector step (4 env steps) once 40 steps are in: (80 − 40) / 4 + 1.
    expect(host(s1.counters.updates)).toEqual([11, 11]);
    expect(host(s1.buffer.size)).toEqual([20, 20]);
    // Normalizer counts every device's observations (80, plus its initial 1e-4).
    expect(host((s1.agentState.obsNorm as { count: Value }).count)[0]).toBeCloseTo(80, 3);
  });

  it("ES: one iteration on 4 devices equals the single-device iteration", () => {
    const cfg = { algo: "es", env: "CartPole-v1", popSize: 8, hiddenSizes: [8], normalizeObs: true };
    const ref = (() => {
      const wf = buildWorkflow(cfg);
      const [m, s] = wf.step(wf.setup(0));
      return { m: host(m.fitnessMean), p: leaves((s as EvolutionState).agentState), steps: host(s.counters.envSteps) };
    })();
    for (const n of [4]) {
      const wf = buildWorkflow({ ...cfg, numDevices: n });
      const [m, s] = wf.step(wf.setup(0));
      expect(host(m.fitnessMean)).toEqual(ref.m);
      expect(host(s.counters.envSteps)).toEqual(ref.steps);
      const p = leaves(s.agentState).flat();
      ref.p.flat().forEach((x, i) => expect(Math.abs(x - p[i]!)).toBeLessThan(1e-6 * (1 + Math.abs(x))));
    }
  });

  it("the CLI: train ppo numDevices=2 writes metrics and a checkpoint that eval reads; --seeds is refused", async () => {
    let out = "";
    const io = { out: (t: string) => void (out += t + "\n"), err: (t: string) => void (out += t + "\n"), progress: { write: () => true } };
    const args = ["train", "ppo", "--env", "CartPole-v1", "numDevices=2", "numEnvs=4", "numSteps=16", "epochs=1", "numMinibatches=1", "totalSteps=192", "hiddenSizes=[8]"];
    expect(await runCli([...args, "--runs-dir", dir, "--name", "cli", "--quiet", "--no-video", "--no-plots"], io)).toBe(0);
    const lines = readFileSync(join(dir, "cli", "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines.map((l) => l.envSteps)).toEqual([64, 128, 192]);
    expect(existsSync(join(dir, "cli", "checkpoints", "step_000000192.safetensors"))).toBe(true);
    expect(await runCli(["eval", join(dir, "cli"), "--json"], io)).toBe(0);
    expect(await runCli([...args, "--seeds", "0,1", "--runs-dir", dir], io)).toBe(2);
    expect(out).toMatch(/numDevices = 2 cannot be combined with several seeds/);
  });

  it("errors name the option: indivisible sizes, too many devices, several seeds", async () => {
    expect(() => buildWorkflow({ ...PPO, numEnvs: 6, numDevices: 4 })).toThrow(/numEnvs = 6 must be divisible by numDevices = 4/);
    expect(() => buildWorkflow({ algo: "dqn", numEnvs: 2, numDevices: 2, batchSize: 33 })).toThrow(/batchSize = 33 must be divisible by numDevices = 2/);
    expect(() => buildWorkflow({ algo: "es", popSize: 6, numDevices: 4 })).toThrow(/popSize = 6 must be divisible/);
    const many = buildWorkflow({ ...PPO, numEnvs: 16, numDevices: 16 });
    expect(() => many.step(many.setup(0))).toThrow(/numDevices = 16 but the runtime has 4 devices.*cpu_device_count/);
    await expect(trainMany({ ...PPO, numDevices: 2 }, [0, 1])).rejects.toThrow(/numDevices = 2 is not supported with several seeds/);
    // Learners whose state would drift apart across replicas refuse before anything compiles.
    const rnd = buildWorkflow({ algo: "ppo-rnd", env: "CartPole-v1", numEnvs: 2, numSteps: 4, numDevices: 2 });
    expect(() => rnd.checkDevices()).toThrow(/PPO: numDevices > 1 is not supported: the rnd extension's normalizers/i);
    const q = buildWorkflow({ algo: "qlearning", env: "MountainCar-v0", numEnvs: 2, numSteps: 4, numDevices: 2 });
    expect(() => q.step(q.setup(0))).toThrow(/QLearning: numDevices > 1 is not supported: the tabular update/);
  });
});
