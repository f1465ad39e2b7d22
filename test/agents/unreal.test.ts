// UNREAL's auxiliary tasks (RANDAL): pixel-control rewards and bootstrapped returns against
// rlax (tools/fixtures_unreal.py), the n-step Q targets, min–max normalization, and the
// extension's replay and losses on a tiny pixel task. On the interpreter.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { random, numpy as np } from "../../src/index.js";
import { type Value } from "../../src/core/values.js";
import { UNREAL_SCHEMA, Unreal, bootstrappedReturns, minMaxNormalize, pixelControlRewards, pixelControlTargets, type UnrealOptions } from "../../src/agents/extensions/index.js";
import { resolveConfig } from "../../src/agents/common/config.js";
import type { Trajectory } from "../../src/agents/types.js";
import { useRefBackend, host } from "../ref_backend.js";

useRefBackend();

const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);

describe("UNREAL targets vs rlax", () => {
  const fx = JSON.parse(readFileSync(new URL("../fixtures/unreal.json", import.meta.url), "utf8")) as { cases: Record<string, unknown>[] };

  it("pixelControlRewards = rlax.pixel_control_rewards; bootstrappedReturns = rlax.discounted_returns", () => {
    let n = 0;
    for (const c of fx.cases) {
      if (c.kind === "pixelControlRewards") {
        const got = pixelControlRewards(np.array(c.frames as number[][][][], "float32"), c.cellSize as number);
        host(got).forEach((x, i) => expect(x).toBeCloseTo(flat(c.rewards)[i]!, 5));
        expect(host(got).length).toBe(flat(c.rewards).length);
      } else {
        const got = bootstrappedReturns(np.array(c.rewards as number[]), np.array(c.discounts as number[]), np.array(c.bootstrap as number));
        host(got).forEach((x, i) => expect(x).toBeCloseTo((c.returns as number[])[i]!, 5));
      }
      n++;
    }
    expect(n).toBe(5);
  });

  it("pixel-control targets bootstrap with max_a Q of the last frame, per cell; min–max normalization", () => {
    const r = np.ones([2, 1, 2]);
    const lastQ = np.array([[[1, 5]], [[3, 2]]]); // [A = 2, 1, 2]: max over actions [3, 5]
    const g = host(pixelControlTargets(r, np.array([0.5, 0.5]), lastQ));
    // G_1 = 1 + 0.5 · max Q; G_0 = 1 + 0.5 · G_1.
    expect(g).toEqual([1 + 0.5 * (1 + 1.5), 1 + 0.5 * (1 + 2.5), 1 + 1.5, 1 + 2.5]);
    expect(host(minMaxNormalize(np.array([2, 4, 6]), 2, 6))).toEqual([0, 0.5, 1]);
  });
});

describe("the UNREAL extension", () => {
  it("fills its replay ring and gives finite auxiliary losses once initObsSteps are in", () => {
    const opts = resolveConfig<UnrealOptions>(UNREAL_SCHEMA, { replayLength: 24, initObsSteps: 8, pcCellSize: 2, auxNSteps: 3, auxSequences: 4 });
    const B = 2;
    const spaces = { obsShape: [4, 4], discrete: true, actionDim: 3, numEnvs: B };
    const u = new Unreal(spaces, opts);
    expect(u.slots).toBe(12);
    let s = u.init();
    const T = 8;
    const ks = random.split(random.key(0), 3);
    const traj: Trajectory = {
      obs: random.uniform(ks.get(0), [T, B, 4, 4]),
      nextObs: random.uniform(ks.get(1), [T, B, 4, 4]),
      actions: random.randint(ks.get(2), [T, B], 0, 3),
      rewards: np.array(Array.from({ length: T }, (_, t) => [t === 5 ? 1 : 0, t === 6 ? -1 : 0])),
      terminated: np.zeros([T, B], "bool"),
      truncated: np.zeros([T, B], "bool"),
      extras: {},
    };
    const heads = u.initHeads(random.key(1), 5);
    const w = random.normal(random.key(2), [16, 5]);
    const model = { features: (o: Value) => np.tanh(np.matmul(np.reshape(o, [o.shape[0]!, 16]), w)), value: (o: Value) => np.sum(np.reshape(o, [o.shape[0]!, 16]), -1) };
    const before = u.auxLoss(heads, model, s, random.key(3));
    expect(host(before.loss)).toEqual([0]); // the replay is empty
    s = u.learn(s, traj).state;
    expect(host(s.filled)).toEqual([8]);
    expect(host(s.ptr)).toEqual([8]);
    s = u.learn(s, traj).state;
    expect(host(s.filled)).toEqual([12]);
    expect(host(s.ptr)).toEqual([4]);
    const r = u.auxLoss(heads, model, s, random.key(4));
    for (const k of ["loss/pixelControl", "loss/valueReplay", "loss/rewardPrediction"]) expect(Number.isFinite(host(r.metrics[k]!)[0]), k).toBe(true);
    expect(host(r.loss)[0]).toBeGreaterThan(0);
    // Reward prediction starts at chance: −log(1/3) from near-zero logits.
    expect(host(r.metrics["loss/rewardPrediction"]!)[0]).toBeCloseTo(Math.log(3), 1);
  });
});
