// A2C: its loss against a hand computation (alone, and through the agent's network on a
// rollout: log-softmax, entropy and n-step returns worked on the host), SB3's RMSprop step,
// and the update's gradient step. Interpreter backend (small, no compiles).
import { describe, expect, it } from "vitest";
import { random, numpy as np } from "../../src/index.js";
import { type Value } from "../../src/core/values.js";
import { flatten } from "../../src/pytree/index.js";
import { Box, Discrete } from "../../src/envs/spaces.js";
import { A2CAgent } from "../../src/agents/a2c/agent.js";
import { a2cLoss } from "../../src/agents/a2c/loss.js";
import type { Trajectory } from "../../src/agents/types.js";
import { useRefBackend, host, num } from "../ref_backend.js";

useRefBackend();

const f32 = (xs: number[]) => np.array(xs, "float32");
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("a2cLoss", () => {
  it("equals the hand-computed SB3 objective", () => {
    const logProb = [-0.5, -1, -2];
    const adv = [1, -2, 0.5];
    const values = [0.5, 1, 2];
    const targets = [1, 0, 3];
    const entropy = [0.6, 0.7, 0.5];
    const x = { logProb: f32(logProb), advantages: f32(adv), values: f32(values), targets: f32(targets), entropy: f32(entropy) };
    const t = a2cLoss(x, { vfCoef: 0.5, entCoef: 0.01, normalizeAdvantages: false });
    // policy: −mean(A · log π) = −mean(−0.5, 2, −1) = −1/6; value: mean(0.25, 1, 1) = 0.75; entropy 0.6
    expect(num(t.policyLoss)).toBeCloseTo(-1 / 6, 6);
    expect(num(t.valueLoss)).toBeCloseTo(0.75, 6);
    expect(num(t.entropy)).toBeCloseTo(0.6, 6);
    expect(num(t.total)).toBeCloseTo(-1 / 6 + 0.5 * 0.75 - 0.01 * 0.6, 6);
    // Standardized advantages (population std, + 1e-8).
    const m = mean(adv);
    const sd = Math.sqrt(mean(adv.map((a) => (a - m) ** 2)));
    const n = a2cLoss(x, { vfCoef: 0.5, entCoef: 0.01, normalizeAdvantages: true });
    expect(num(n.policyLoss)).toBeCloseTo(-mean(adv.map((a, i) => ((a - m) / (sd + 1e-8)) * logProb[i]!)), 6);
  });
});

const obsSpace = new Box(-5, 5, [3]);

// Two envs, T = 4: env 0 terminates at step 1 and is truncated at step 2; env 1 runs on.
function rollout(agent: A2CAgent, s: ReturnType<A2CAgent["init"]>): Trajectory {
  const T = 4;
  const B = 2;
  // Inside an episode s'_t = s_{t+1}; at its ends s'_t is the final observation, not the reset one.
  const seq = random.normal(random.key(5), [T + 1, B, 3]);
  const obs = np.get(seq, np.s(0, T));
  const ended = np.array([[0, 0], [1, 0], [1, 0], [0, 0]], "bool").reshape([T, B, 1]);
  const nextObs = np.where(ended, random.normal(random.key(6), [T, B, 3]), np.get(seq, np.s(1, T + 1)));
  const [actions, extras] = agent.computeActions(s, { obs }, random.key(7));
  const term = np.array([[false, false], [true, false], [false, false], [false, false]], "bool");
  const trunc = np.array([[false, false], [false, false], [true, false], [false, false]], "bool");
  return { obs, actions, rewards: f32([1, 0.5, 2, 1, 3, -1, 0.5, 2]).reshape([T, B]), nextObs, terminated: term, truncated: trunc, extras };
}

describe("A2CAgent", () => {
  const agent = new A2CAgent({ hiddenSizes: [8], gamma: 0.9, numEnvs: 2, numSteps: 4, entCoef: 0.01 }, obsSpace, new Discrete(3));
  const s = agent.init(random.key(0), obsSpace, new Discrete(3));

  it("its loss on a rollout equals the objective worked on the host from the network's logits, values and n-step returns", () => {
    const traj = rollout(agent, s);
    const { advantages, targets } = agent.returns(s, traj);
    // n-step returns (λ = 1) by hand: column 0 = [r0 + γ r1 (terminated), r1, r2 + γ V(s'2) (truncated), r3 + γ V(s'3)].
    const v = host(traj.extras.value!);
    const nv = host(agent.values(s, traj.nextObs));
    const r = host(traj.rewards);
    const g = 0.9;
    const want0 = [r[0]! + g * r[2]!, r[2]!, r[4]! + g * nv[4]!, r[6]! + g * nv[6]!];
    // Column 1 never ends: discounted sum to the rollout's end, bootstrapped there.
    const want1 = [0, 1, 2, 3].map((t) => {
      let acc = 0;
      for (let u = 3; u >= t; u--) acc = r[u * 2 + 1]! + g * (u === 3 ? nv[7]! : acc);
      return acc;
    });
    const got = host(targets);
    [0, 1, 2, 3].forEach((t) => {
      expect(got[t * 2]).toBeCloseTo(want0[t]!, 5);
      expect(got[t * 2 + 1]).toBeCloseTo(want1[t]!, 5);
    });
    host(advantages).forEach((a, i) => expect(a).toBeCloseTo(got[i]! - v[i]!, 5));

    const batch = { ...traj, extras: { ...traj.extras, advantages, targets } };
    const terms = agent.loss(s, batch, random.key(1));
    // Host: log-softmax of the network's logits, its entropy, the loss's three terms.
    const [logits] = agent.pi.net.apply(s.params.net, traj.obs);
    const L = host(logits);
    const acts = host(traj.actions);
    const vals = host(agent.values(s, traj.obs));
    const lp: number[] = [];
    const ent: number[] = [];
    for (let i = 0; i < 8; i++) {
      const z = L.slice(i * 3, i * 3 + 3);
      const mx = Math.max(...z);
      const lse = mx + Math.log(z.reduce((a, b) => a + Math.exp(b - mx), 0));
      const logp = z.map((x) => x - lse);
      lp.push(logp[acts[i]!]!);
      ent.push(-logp.reduce((a, l) => a + Math.exp(l) * l, 0));
    }
    const A = host(advantages);
    const pl = -mean(A.map((a, i) => a * lp[i]!));
    const vl = mean(got.map((R, i) => (R - vals[i]!) ** 2));
    expect(num(terms.policyLoss)).toBeCloseTo(pl, 5);
    expect(num(terms.valueLoss)).toBeCloseTo(vl, 4);
    expect(num(terms.entropy)).toBeCloseTo(mean(ent), 5);
    expect(num(terms.total)).toBeCloseTo(pl + 0.5 * vl - 0.01 * mean(ent), 4);
  });

  it("RMSprop as SB3 (PyTorch: α 0.99, ε 1e-5 outside the root): the first step is −lr · g / (√(0.01 g²) + ε) after clipping", () => {
    const opt = new A2CAgent({ maxGradNorm: null }, obsSpace, new Discrete(2)).optimizers().model!;
    const p = { w: f32([1, -2, 3]) };
    const g = { w: f32([0.5, -0.1, 0.002]) };
    const [u] = opt.update(g, opt.init(p), p) as [{ w: Value }, unknown];
    const want = [0.5, -0.1, 0.002].map((x) => (-7e-4 * x) / (Math.sqrt(0.01 * x * x) + 1e-5));
    host(u.w).forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 7));
    // Adam is the other choice; an unknown one is refused by name.
    expect(() => new A2CAgent({ optimizer: "sgd" as "adam" }, obsSpace, new Discrete(2))).toThrow(/optimizer = "sgd" is not allowed/);
  });

  it("update takes one clipped gradient step on the whole rollout and reports its loss terms", () => {
    const traj = rollout(agent, s);
    const opt = agent.optimizers();
    const optStates = { model: opt.model!.init(s.params) };
    const counters = { iterations: np.zeros([], "int32"), envSteps: np.zeros([], "int32"), episodes: np.zeros([], "int32"), updates: np.zeros([], "int32") };
    const u = agent.update(s, optStates, traj, { key: random.key(3), counters });
    expect(u.updates).toBe(1);
    for (const k of ["loss/total", "loss/policyLoss", "loss/valueLoss", "loss/entropy", "lr"]) expect(Number.isFinite(num(u.metrics[k]!))).toBe(true);
    expect(num(u.metrics.lr!)).toBeCloseTo(7e-4, 9);
    const before = flatten(s.params)[0].map((l) => host(l as Value));
    const after = flatten(u.agentState.params)[0].map((l) => host(l as Value));
    expect(after).not.toEqual(before);
    // RMSprop's first step moves every parameter with a nonzero gradient by about lr / √0.01 = 10 lr.
    const moved = after.flatMap((a, i) => a.map((x, j) => Math.abs(x - before[i]![j]!)));
    expect(Math.max(...moved)).toBeLessThanOrEqual(7e-3 * 1.001);
  });
});
