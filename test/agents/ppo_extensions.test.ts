// PPO with extensions, on the interpreter: two-critic GAE equals two independent GAEs
// combined (checked against a plain host loop), the second value head, and the CNN torsos
// on pixel observations.
import { describe, expect, it } from "vitest";
import { random, numpy as np } from "../../src/index.js";
import { type Value } from "../../src/core/values.js";
import { Box, Discrete } from "../../src/envs/spaces.js";
import { PPOAgent } from "../../src/agents/ppo/agent.js";
import { ppoAdvantages } from "../../src/agents/ppo/update.js";
import { pixelFrames, frameShape } from "../../src/agents/common/networks.js";
import { buildExtensions } from "../../src/agents/extensions/index.js";
import type { Trajectory } from "../../src/agents/types.js";
import { useRefBackend, host } from "../ref_backend.js";

useRefBackend();


/** GAE by the textbook loop, on host numbers [T][B]. */
function hostGae(r: number[][], v: number[][], nv: number[][], term: number[][], done: number[][], g: number, l: number): number[][] {
  const T = r.length;
  const B = r[0]!.length;
  const adv = Array.from({ length: T }, () => new Array<number>(B).fill(0));
  for (let b = 0; b < B; b++) {
    let next = 0;
    for (let t = T - 1; t >= 0; t--) {
      const delta = r[t]![b]! + g * (1 - term[t]![b]!) * nv[t]![b]! - v[t]![b]!;
      next = delta + g * l * (1 - done[t]![b]!) * next;
      adv[t]![b] = next;
    }
  }
  return adv;
}

const rows = (v: Value, T: number, B: number) => Array.from({ length: T }, (_, t) => host(v).slice(t * B, (t + 1) * B));

describe("PPO with two critics", () => {
  it("advantages = extAdvCoef · GAE(extrinsic, episodic, γ) + intAdvCoef · GAE(intrinsic, non-episodic, γ_int)", () => {
    const obsSpace = new Box(-1, 1, [3]);
    const act = new Discrete(2);
    const cfg = { hiddenSizes: [8], gamma: 0.97, gaeLambda: 0.9, gammaInt: 0.8, extAdvCoef: 2, intAdvCoef: 0.5, rndWeight: 1, rndPredictorHidden: [4], rndTargetHidden: [4], rndEmbedding: 2 };
    const ext = buildExtensions(cfg, { obsShape: [3], discrete: true, actionDim: 2, numEnvs: 2 }, { epochs: 1, numMinibatches: 1, gammaInt: 0.8 });
    const agent = new PPOAgent(cfg, obsSpace, act, {}, ext);
    expect(agent.twoCritic).toEqual({ gammaInt: 0.8, extAdvCoef: 2, intAdvCoef: 0.5 });
    const state = agent.init(random.key(0), obsSpace, act);
    expect(Object.keys(state.extra!.ext)).toEqual(["rnd"]);
    const T = 5;
    const B = 2;
    const ks = random.split(random.key(1), 6);
    const obs = random.normal(ks.get(0), [T, B, 3]);
    const nextObs = random.normal(ks.get(1), [T, B, 3]);
    const [, extras] = agent.computeActions(state, { obs }, ks.get(2));
    expect(extras.valueInt!.shape).toEqual([T, B]);
    const terminated = np.array([[0, 0], [1, 0], [0, 0], [0, 1], [0, 0]]).astype("bool");
    const truncated = np.array([[0, 0], [0, 0], [0, 1], [0, 0], [0, 0]]).astype("bool");
    const rewards = random.normal(ks.get(3), [T, B]);
    const rInt = random.uniform(ks.get(4), [T, B]);
    const traj: Trajectory = { obs, nextObs, actions: np.zeros([T, B], "int32"), rewards, terminated, truncated, extras };
    const out = ppoAdvantages(agent, state, traj, rewards, rInt);

    const next = agent.allValues(state, nextObs);
    const term = rows(terminated.astype("float32"), T, B);
    const done = rows(np.logicalOr(terminated, truncated).astype("float32"), T, B);
    const zero = term.map((r) => r.map(() => 0));
    const aExt = hostGae(rows(rewards, T, B), rows(extras.value!, T, B), rows(np.get(next, "...", 0), T, B), term, done, 0.97, 0.9);
    const aInt = hostGae(rows(rInt, T, B), rows(extras.valueInt!, T, B), rows(np.get(next, "...", 1), T, B), zero, zero, 0.8, 0.9);
    const got = host(out.advantages);
    const gotInt = host(out.advantagesInt!);
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++) {
        expect(got[t * B + b]).toBeCloseTo(2 * aExt[t]![b]! + 0.5 * aInt[t]![b]!, 5);
        expect(gotInt[t * B + b]).toBeCloseTo(aInt[t]![b]!, 5);
      }
    // Targets: advantages plus the matching critic's values.
    host(out.extras.targetsInt!).forEach((x, i) => expect(x).toBeCloseTo(aInt[Math.floor(i / B)]![i % B]! + host(extras.valueInt!)[i]!, 5));
    host(out.targets).forEach((x, i) => expect(x).toBeCloseTo(aExt[Math.floor(i / B)]![i % B]! + host(extras.value!)[i]!, 5));
    // The loss has the intrinsic critic's term.
    const flat = (v: Value) => np.reshape(v, [T * B, ...v.shape.slice(2)]);
    const loss = agent.loss(state, { obs: flat(obs), nextObs: flat(nextObs), actions: np.zeros([T * B], "int32"), rewards: flat(rewards), terminated: flat(terminated), truncated: flat(truncated), extras: { ...Object.fromEntries(Object.entries(out.extras).map(([k, v]) => [k, flat(v)])), advantages: flat(out.advantages), targets: flat(out.targets) } }, random.key(3));
    expect(Number.isFinite(host(loss.valueLossInt!)[0])).toBe(true);
  });

  it("without intrinsic rewards PPO keeps one critic and its plain GAE", () => {
    const sp = new Box(-1, 1, [3]);
    const agent = new PPOAgent({ hiddenSizes: [8] }, sp, new Discrete(2));
    expect(agent.twoCritic).toBeNull();
    const s = agent.init(random.key(0), sp, new Discrete(2));
    expect(s.extra).toBeNull();
  });
});

describe("CNN torsos", () => {
  it("pixelFrames: uint8 scaled by 1/256 to [0, 1), [C, H, W] stacks moved channels-last, 2-D frames given a channel", () => {
    const x = np.array([[[[0, 255], [128, 64]]]], "uint8"); // [1, C=1, 2, 2]? read as [1, 1, 2, 2] with obsShape [1, 2, 2]
    const f = pixelFrames(x, [1, 2, 2]);
    expect(f.shape).toEqual([1, 2, 2, 1]);
    expect(host(f)).toEqual([0, 255 / 256, 0.5, 0.25]);
    expect(frameShape([4, 96, 96])).toEqual([96, 96, 4]);
    expect(frameShape([10, 10, 4])).toEqual([10, 10, 4]);
    expect(frameShape([8, 8])).toEqual([8, 8, 1]);
    const stack = np.reshape(np.arange(2 * 3 * 4), [1, 2, 3, 4]);
    const moved = pixelFrames(np.astype(stack, "float32"), [2, 3, 4]);
    expect(moved.shape).toEqual([1, 3, 4, 2]);
    expect(host(moved).slice(0, 4)).toEqual([0, 12, 1, 13]);
  });

  it("nature and impala torsos act on pixel observations (one shared encoder, policy and value heads)", () => {
    const act = new Discrete(3);
    for (const [torso, space] of [
      ["nature", new Box(0, 255, [2, 36, 36], "uint8")],
      ["impala", new Box(0, 1, [8, 8, 2], "float32")],
    ] as const) {
      const a = new PPOAgent({ torso }, space, act);
      const s = a.init(random.key(0), space, act);
      expect(Object.keys(s.params.net).sort()).toEqual(["policyHead", "torso", "valueHead"]);
      const obs = space.dtype === "uint8" ? np.astype(np.multiply(random.uniform(random.key(1), [2, ...space.shape]), 255), "uint8") : random.uniform(random.key(1), [2, ...space.shape]);
      const [actions, ex] = a.computeActions(s, { obs }, random.key(2));
      expect(actions.shape).toEqual([2]);
      expect(ex.value!.shape).toEqual([2]);
      for (const lp of host(ex.logProb!)) expect(lp).toBeCloseTo(Math.log(1 / 3), 1);
    }
    expect(() => new PPOAgent({ torso: "nature", normalizeObs: true }, new Box(0, 255, [2, 36, 36], "uint8"), act)).toThrow(/normalizeObs applies to the mlp torso only/);
  });
});
