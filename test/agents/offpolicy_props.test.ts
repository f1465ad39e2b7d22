// Properties of the continuous off-policy pieces: Polyak averaging (τ = 1 copies, τ = 0 keeps),
// the TD target from a replay batch (termination masks the bootstrap, truncation does not),
// TD3's target policy smoothing (noise clipped, actions in the box), TD3's delayed actor, and
// SAC's temperature (its loss pushes α up when the entropy is below the target, down above).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grad, type Value } from "../../src/index.js";
import { Array as ConcreteArray } from "../../src/core/values.js";
import { flatten } from "../../src/pytree/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { Box } from "../../src/envs/spaces.js";
import { updateTarget } from "../../src/agents/common/target.js";
import { replayAdd, replayGather, replayInit } from "../../src/workflows/replay.js";
import { DDPGAgent } from "../../src/agents/ddpg/agent.js";
import { targetActions, tdTarget } from "../../src/agents/ddpg/loss.js";
import { SACAgent } from "../../src/agents/sac/agent.js";
import { sacAlphaLoss } from "../../src/agents/sac/loss.js";
import type { ReplayBatch } from "../../src/agents/types.js";
import { zeroCounters } from "../../src/workflows/workflow.js";

const host = (v: unknown) => [...(v as ConcreteArray).dataSync()].map(Number);
const f32 = (x: number[]) => np.array(x, "float32");
const leaves = (x: unknown) => flatten(x)[0].map(host);
// Subnormals are excluded: XLA's CPU kernels flush them to zero.
const vec = (n: number, min = -10, max = 10) =>
  fc.array(fc.float({ min, max, noNaN: true, noDefaultInfinity: true }).map((x) => (Math.abs(x) < 1e-30 ? 0 : x)), { minLength: n, maxLength: n });

const obsSpace = new Box(-10, 10, [3]);
const actionSpace = new Box(-2, 2, [2]);

describe("Polyak target updates", () => {
  it("τ = 1 is a copy of the online params, τ = 0 leaves the target unchanged", () => {
    fc.assert(
      fc.property(vec(4), vec(4), vec(3), vec(3), (a, b, c, d) => {
        const online = { w: f32(a), h: { b: f32(c) } };
        const target = { w: f32(b), h: { b: f32(d) } };
        // τ as a number and as a traced-like array (the general Polyak path).
        for (const one of [1, np.array(1, "float32")]) expect(leaves(updateTarget(target, online, np.array(1, "int32"), { tau: one, every: 1 }))).toEqual(leaves(online));
        for (const zero of [0, np.array(0, "float32")]) expect(leaves(updateTarget(target, online, np.array(1, "int32"), { tau: zero, every: 1 }))).toEqual(leaves(target));
      }),
      { numRuns: 30 },
    );
  });
});

describe("TD target from a replay batch", () => {
  it("r + γ·min Q(s′) after a truncation or mid-episode, r alone after a termination", () => {
    const n = 6;
    fc.assert(
      fc.property(vec(n), fc.array(fc.constantFrom("run", "term", "trunc"), { minLength: n, maxLength: n }), vec(n, -5, 5), vec(n, -5, 5), fc.double({ min: 0, max: 1, noNaN: true }), (r, ends, q1, q2, gamma) => {
        let buf = replayInit({ obs: np.zeros([1, 1]), actions: np.zeros([1, 1]), rewards: np.zeros([1]), nextObs: np.zeros([1, 1]), terminated: np.zeros([1], "bool"), truncated: np.zeros([1], "bool") }, n);
        for (let i = 0; i < n; i++)
          buf = replayAdd(buf, { obs: np.full([1, 1], i, "float32"), actions: np.zeros([1, 1], "float32"), rewards: f32([r[i]!]), nextObs: np.full([1, 1], i + 1, "float32"), terminated: np.array([ends[i] === "term"]), truncated: np.array([ends[i] === "trunc"]) });
        const b = replayGather(buf, np.arange(n, undefined, undefined, "int32"), np.zeros([n], "int32"), { gamma });
        const y = host(tdTarget(f32([...q1, ...q2]).reshape([2, n]), b.rewards, b.extras.discount!));
        y.forEach((yi, i) => {
          const boot = ends[i] === "term" ? 0 : Math.fround(gamma) * Math.min(Math.fround(q1[i]!), Math.fround(q2[i]!));
          const want = Math.fround(r[i]!) + boot;
          if (Math.abs(yi - want) > 1e-5 * (1 + Math.abs(want))) expect.fail(`row ${i} (${ends[i]}): target ${yi}, want ${want}`);
        });
      }),
      { numRuns: 20 },
    );
  });
});

describe("TD3 target policy smoothing", () => {
  const agent = new DDPGAgent({ hiddenSizes: [8] }, obsSpace, actionSpace);
  const params = agent.init(random.key(0), obsSpace, actionSpace).params;
  it("the noise added to μ_targ(s′) is clipped to ±targetNoiseClip and the action stays in [-1, 1]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0.05, max: 3, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, sigma, clip) => {
        const x = random.normal(random.key(seed), [16, 3]);
        const eps = np.multiply(random.normal(random.key(seed + 1), [16, 2]), 4);
        const mu = host(agent.nets.actor(params.actor, x));
        const a = host(targetActions(agent.nets, params.actor, x, eps, { targetNoise: sigma, targetNoiseClip: clip }));
        a.forEach((ai, i) => {
          expect(Math.abs(ai)).toBeLessThanOrEqual(1);
          expect(Math.abs(ai - mu[i]!)).toBeLessThanOrEqual(Math.fround(clip) + 1e-6);
        });
      }),
      { numRuns: 20 },
    );
  });
});

function replayBatch(n: number, seed: number): ReplayBatch {
  const k = (i: number) => random.key(seed * 10 + i);
  return {
    obs: random.normal(k(0), [n, 3]),
    actions: random.uniform(k(1), [n, 2], "float32", -2, 2),
    rewards: random.normal(k(2), [n]),
    nextObs: random.normal(k(3), [n, 3]),
    terminated: np.zeros([n], "bool"),
    truncated: np.zeros([n], "bool"),
    extras: { discount: np.full([n], 0.99, "float32") },
  };
}

describe("TD3's delayed policy update", () => {
  it("the actor and the targets move only on updates that are multiples of policyDelay; the critic every update", () => {
    const agent = new DDPGAgent({ hiddenSizes: [8], policyDelay: 2 }, obsSpace, actionSpace);
    const s = agent.init(random.key(1), obsSpace, actionSpace);
    const opts = Object.fromEntries(Object.entries(agent.optimizers()).map(([k, o]) => [k, o.init((s.params as unknown as Record<string, unknown>)[k])]));
    const at = (updates: number) => agent.update(s, opts, replayBatch(8, 1), { key: random.key(2), counters: { ...zeroCounters(), updates: np.array(updates, "int32") } }).agentState;
    const on = at(4);
    const off = at(5);
    expect(leaves(on.params.actor)).not.toEqual(leaves(s.params.actor));
    expect(leaves(on.extra!.target)).not.toEqual(leaves(s.extra!.target));
    expect(leaves(off.params.actor)).toEqual(leaves(s.params.actor));
    expect(leaves(off.extra!.target)).toEqual(leaves(s.extra!.target));
    expect(leaves(off.params.critic)).not.toEqual(leaves(s.params.critic));
  });
});

describe("SAC's temperature", () => {
  it("∂(α loss)/∂log α = −mean(log π + H̄): negative (α grows) when the entropy −mean(log π) is below H̄, positive above", () => {
    fc.assert(
      fc.property(vec(5, -6, 6), fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), (logp, target, logAlpha) => {
        const entropy = -logp.map(Math.fround).reduce((a, b) => a + b, 0) / logp.length;
        fc.pre(Math.abs(entropy - target) > 1e-3);
        const g = host(grad((la: Value) => sacAlphaLoss(la, f32(logp), target))(np.array(logAlpha, "float32")))[0]!;
        expect(g).toBeCloseTo(entropy - target, 4);
        expect(Math.sign(g)).toBe(entropy < target ? -1 : 1);
      }),
      { numRuns: 40 },
    );
  });

  it("one SAC update raises α when the target entropy is far above the policy's and lowers it when far below", () => {
    const alphaAfter = (targetEntropy: number) => {
      const agent = new SACAgent({ hiddenSizes: [8], targetEntropy, alpha: 0.5 }, obsSpace, actionSpace);
      const s = agent.init(random.key(3), obsSpace, actionSpace);
      const opts = Object.fromEntries(Object.entries(agent.optimizers()).map(([k, o]) => [k, o.init((s.params as unknown as Record<string, unknown>)[k])]));
      const u = agent.update(s, opts, replayBatch(8, 2), { key: random.key(4), counters: zeroCounters() });
      return host(u.metrics.alpha).concat(host(np.exp(u.agentState.params.alpha!)));
    };
    const [before, up] = alphaAfter(10);
    const [, down] = alphaAfter(-10);
    expect(before).toBeCloseTo(0.5, 6);
    expect(up).toBeGreaterThan(0.5);
    expect(down).toBeLessThan(0.5);
  });
});
