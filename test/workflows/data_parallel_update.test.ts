// The data-parallel update contract (issue 16): one learner update on N devices, each given
// its shard of the global batch (gradients pmean'd by common/parallel.ts, advantage
// statistics over the global batch), equals the single-device update on the whole batch, for
// PPO (numMinibatches = 1: any per-device shuffle covers the same samples), A2C (advantages
// standardized), DQN and TD3 (target smoothing off: its noise is drawn per device). Every
// replica must end with the same parameters and optimizer state.
import { describe, expect, it } from "vitest";
import { jit, pmap, xlaRuntime, type Value } from "../../src/core/index.js";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { flatten, map } from "../../src/pytree/index.js";
import { buildWorkflow } from "../../src/algorithms/registry.js";
import type { OnPolicyWorkflow } from "../../src/workflows/on_policy.js";
import { initOptStates } from "../../src/workflows/on_policy.js";
import { rollout } from "../../src/workflows/rollout.js";
import { zeroCounters } from "../../src/workflows/workflow.js";
import type { AgentState, Learner, OptStates } from "../../src/agents/types.js";
import { hasRuntime } from "../../src/xla/index.js";

const run = hasRuntime() && process.env.XLA_TS_BACKEND !== "ref" && xlaRuntime().devices.length >= 4;
const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);
const AXIS = "devices";

type Out = { params: unknown; opt: OptStates };

/** Single-device update on `batch` vs N devices each updating on its shard; returns the max |difference| over every replica's leaves. */
function compare(learner: Learner<AgentState, never>, state: AgentState, opt: OptStates, batch: unknown, shard: (x: Value, n: number) => Value, n: number, sync = true): { diff: number; scale: number } {
  const key = random.key(7);
  const one = jit((s: AgentState, o: OptStates, b: unknown, k: Value): Out => {
    const u = learner.update(s, o, b as never, { key: k, counters: zeroCounters() });
    return { params: u.agentState.params, opt: u.optStates };
  })(state, opt, batch, key);
  const many = pmap(
    (s: AgentState, o: OptStates, b: unknown, k: Value): Out => {
      const ctx = { key: k, counters: zeroCounters() };
      const u = learner.update(s, o, b as never, sync ? { ...ctx, devices: { axisName: AXIS, size: n } } : ctx);
      return { params: u.agentState.params, opt: u.optStates };
    },
    { axisName: AXIS, inAxes: [null, null, 0, null], outAxes: 0 },
  )(state, opt, map((x: Value) => shard(x, n), batch), key);
  const a = flatten(one)[0].map(host);
  const b = flatten(many)[0].map(host);
  let diff = 0;
  let scale = 0;
  a.forEach((leaf, i) => {
    for (let d = 0; d < n; d++) leaf.forEach((x, j) => ((diff = Math.max(diff, Math.abs(x - b[i]![d * leaf.length + j]!))), (scale = Math.max(scale, Math.abs(x)))));
  });
  return { diff, scale };
}

/** [T, B, ...] → [N, T, B/N, ...]: device d gets environments d·B/N … (d+1)·B/N − 1. */
const shardEnvs = (x: Value, n: number) => np.moveaxis(np.reshape(x, [x.shape[0]!, n, x.shape[1]! / n, ...x.shape.slice(2)]), 1, 0);
/** [B, ...] → [N, B/N, ...]. */
const shardRows = (x: Value, n: number) => np.reshape(x, [n, x.shape[0]! / n, ...x.shape.slice(1)]);

function onPolicyCase(algo: string, extra: Record<string, unknown>) {
  const wf = buildWorkflow({ algo, env: "CartPole-v1", numEnvs: 8, numSteps: 16, hiddenSizes: [16], ...extra }) as OnPolicyWorkflow;
  const s = wf.setup(0);
  const traj = jit((st: typeof s) => rollout(wf.env, wf.agent, st.agentState, { envState: st.envState, obs: st.obs }, st.key, 16)[0])(s);
  return { learner: wf.agent as unknown as Learner<AgentState, never>, state: s.agentState, opt: s.optStates, batch: traj };
}

function offPolicyCase(algo: string, env: string, extra: Record<string, unknown>) {
  const wf = buildWorkflow({ algo, env, hiddenSizes: [16], batchSize: 32, ...extra });
  const agent = wf.agent as unknown as Learner<AgentState, never>;
  const state = (wf.setup(0) as { agentState: AgentState }).agentState;
  const B = 32;
  const obsDim = wf.baseEnv.observationSpace().shape![0]!;
  const k = (i: number) => random.key(100 + i);
  const continuous = algo !== "dqn";
  const batch = {
    obs: random.normal(k(0), [B, obsDim]),
    actions: continuous ? random.uniform(k(1), [B, 1], "float32", -2, 2) : random.randint(k(1), [B], 0, 2),
    rewards: random.normal(k(2), [B]),
    nextObs: random.normal(k(3), [B, obsDim]),
    terminated: np.less(random.uniform(k(4), [B]), 0.1),
    truncated: np.zeros([B], "bool"),
    extras: { discount: np.multiply(0.99, np.astype(np.greaterEqual(random.uniform(k(4), [B]), 0.1), "float32")), steps: np.ones([B], "float32") },
  };
  return { learner: agent, state, opt: initOptStates(agent, state), batch };
}

describe.runIf(run)("data-parallel update = single-device update on the global batch", () => {
  it("PPO (epochs 2, numMinibatches 1, advantages standardized over the global batch) on 4 devices", () => {
    const c = onPolicyCase("ppo", { epochs: 2, numMinibatches: 1 });
    const { diff, scale } = compare(c.learner, c.state, c.opt, c.batch, shardEnvs, 4);
    expect(scale).toBeGreaterThan(0.1);
    expect(diff).toBeLessThan(2e-5);
  });

  it("A2C (RMSprop, advantages standardized) on 2 devices", () => {
    const c = onPolicyCase("a2c", { normalizeAdvantages: true, numSteps: 16 });
    const { diff } = compare(c.learner, c.state, c.opt, c.batch, shardEnvs, 2);
    expect(diff).toBeLessThan(2e-5);
  });

  it("DQN (double Q, Adam) on 2 devices", () => {
    const c = offPolicyCase("dqn", "CartPole-v1", {});
    const { diff } = compare(c.learner, c.state, c.opt, c.batch, shardRows, 2);
    expect(diff).toBeLessThan(2e-5);
    // The control: without the device axis each replica follows its own shard's gradient.
    expect(compare(c.learner, c.state, c.opt, c.batch, shardRows, 2, false).diff).toBeGreaterThan(1e-4);
  });

  it("TD3 (critic, delayed actor and target update; smoothing noise off) on 4 devices", () => {
    const c = offPolicyCase("td3", "Pendulum-v1", { targetNoise: 0 });
    const { diff } = compare(c.learner, c.state, c.opt, c.batch, shardRows, 4);
    expect(diff).toBeLessThan(2e-5);
  });
});
