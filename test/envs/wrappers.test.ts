// Wrappers: properties checked against host recomputations (auto-reset, statistics,
// normalization), plus the action and observation transforms and vectorization.
import { describe, expect, it, beforeAll } from "vitest";
import fc from "fast-check";
import { jit, lax, numpy as np, random, type Value } from "../../src/index.js";
import { envs } from "../../src/envs/index.js";
import type { Environment, StepResult } from "../../src/envs/types.js";
import {
  AutoReset,
  ClipAction,
  EpisodeStatistics,
  FrameStack,
  NormalizeObservation,
  NormalizeReward,
  RescaleAction,
  TimeLimit,
  vectorize,
} from "../../src/envs/wrappers/index.js";
import { Box } from "../../src/envs/spaces.js";
import { backends, bools, hostActions, list, nums, useBackend, yieldEachTest } from "./helpers.js";

beforeAll(() => useBackend("ref"));
yieldEachTest();

type Trace = { obs: Value; reward: Value; terminated: Value; truncated: Value; info: Record<string, Value>; state: unknown };

/** T steps with host-drawn actions (one key per step), in one jitted scan. */
function rollout(env: Environment, seed: number, T: number): { first: Value; steps: Trace } {
  const f = jit((key: Value, actions: Value) => {
    const r = env.reset(random.foldIn(key, 0));
    const [, ys] = lax.scan(
      (s: unknown, x: { k: Value; a: Value }) => {
        const out: StepResult<unknown> = env.step(x.k, s, x.a);
        return [out.state, { ...out, state: out.state }];
      },
      r.state,
      { k: random.split(random.foldIn(key, 1), T), a: actions },
    );
    return { first: r.obs, steps: ys };
  });
  return f(random.key(seed), hostActions(env.actionSpace(), T, seed)) as { first: Value; steps: Trace };
}

const rows = (x: Value) => list(x) as number[][];
const cartPoleTerminal = (o: number[]) => Math.abs(o[0]!) > 2.4 || Math.abs(o[2]!) > (12 * 2 * Math.PI) / 360;

describe("TimeLimit", () => {
  it("truncates on the maxSteps-th step, also when the episode terminates there", () => {
    const env = new TimeLimit(envs.make("Pendulum-v1", { maxEpisodeSteps: null }), 5);
    const { steps } = rollout(env, 0, 7);
    expect(bools(steps.truncated)).toEqual([false, false, false, false, true, true, true]);
    expect(nums((steps.state as { t: Value }).t)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(() => new TimeLimit(env, 0)).toThrow(/positive integer/);
  });
});

describe("AutoReset", () => {
  it("never returns a terminal state as a new episode's first observation (fast-check over seeds)", () => {
    const env = new AutoReset(envs.make("CartPole-v1", { maxEpisodeSteps: 40 }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
        const { steps } = rollout(env, seed, 120);
        const obs = rows(steps.obs);
        const fin = rows(steps.info.finalObs!);
        const done = bools(steps.info.done!);
        const term = bools(steps.terminated);
        const trunc = bools(steps.truncated);
        let episodes = 0;
        obs.forEach((o, t) => {
          expect(done[t]).toBe(term[t] || trunc[t]);
          if (done[t]) {
            episodes++;
            // A fresh start (gymnasium's reset range), not the state the episode ended in.
            expect(o.every((v) => Math.abs(v) <= 0.05)).toBe(true);
            expect(cartPoleTerminal(o)).toBe(false);
            expect(o).not.toEqual(fin[t]);
            if (term[t]) expect(cartPoleTerminal(fin[t]!)).toBe(true);
          } else {
            expect(o).toEqual(fin[t]);
            expect(cartPoleTerminal(o)).toBe(false);
          }
        });
        expect(episodes).toBeGreaterThan(1);
        // Each reset draws a new start.
        const starts = obs.filter((_, t) => done[t]).map((o) => o[0]);
        expect(new Set(starts).size).toBe(starts.length);
      }),
      { numRuns: 4 },
    );
  });

  it("continues the new episode from its first state", () => {
    const env = new AutoReset(envs.make("CartPole-v1", { maxEpisodeSteps: 10 }));
    const { steps } = rollout(env, 3, 25);
    const t = nums((steps.state as { t: Value }).t);
    const done = bools(steps.info.done!);
    // The step counter restarts with each episode, so a truncation comes 10 steps after the last end.
    expect(t.every((x, i) => (done[i] ? x === 0 : x > 0))).toBe(true);
    const trunc = bools(steps.truncated);
    const ends = done.flatMap((d, i) => (d ? [i] : []));
    ends.forEach((e, k) => {
      if (trunc[e] && !bools(steps.terminated)[e]) expect(e - (k ? ends[k - 1]! : -1)).toBe(10);
    });
    expect(ends.length).toBeGreaterThanOrEqual(2);
  });
});

/** Host recomputation of finished episodes' returns and lengths from per-step rewards and done flags. */
function hostEpisodes(reward: number[], done: boolean[]) {
  let ret = 0;
  let len = 0;
  let lastRet = 0;
  let lastLen = 0;
  return reward.map((r, t) => {
    ret = Math.fround(ret + r);
    len += 1;
    let epRet = 0;
    let epLen = 0;
    if (done[t]) {
      [epRet, epLen, lastRet, lastLen] = [ret, len, ret, len];
      [ret, len] = [0, 0];
    }
    return { epRet, epLen, lastRet, lastLen };
  });
}

describe("EpisodeStatistics", () => {
  it("equals a host recomputation (single env, Pendulum's float rewards)", () => {
    const env = new EpisodeStatistics(new AutoReset(envs.make("Pendulum-v1", { maxEpisodeSteps: 17 })));
    const { steps } = rollout(env, 1, 60);
    const reward = nums(steps.reward);
    const done = bools(steps.info.done!);
    const want = hostEpisodes(reward, done);
    const got = {
      epRet: nums(steps.info.episodeReturn!),
      epLen: nums(steps.info.episodeLength!),
      lastRet: nums(steps.info.returnedEpisodeReturns!),
      lastLen: nums(steps.info.returnedEpisodeLengths!),
    };
    want.forEach((w, t) => {
      expect(got.epRet[t]).toBeCloseTo(w.epRet, 3);
      expect(got.epLen[t]).toBe(w.epLen);
      expect(got.lastRet[t]).toBeCloseTo(w.lastRet, 3);
      expect(got.lastLen[t]).toBe(w.lastLen);
    });
    expect(bools(steps.info.returnedEpisode!)).toEqual(done);
    expect(nums(steps.info.timestep!)).toEqual(reward.map((_, t) => t + 1));
    expect(done.filter(Boolean).length).toBe(3);
  });

  it("equals a host recomputation per copy when vectorized (CartPole, random lengths)", () => {
    const n = 4;
    const env = new EpisodeStatistics(vectorize(new AutoReset(envs.make("CartPole-v1")), n));
    const { steps } = rollout(env, 2, 80);
    const reward = rows(steps.reward);
    const done = list(steps.info.done!) as boolean[][];
    const epLen = rows(steps.info.episodeLength!);
    const lastLen = rows(steps.info.returnedEpisodeLengths!);
    for (let i = 0; i < n; i++) {
      const want = hostEpisodes(reward.map((r) => r[i]!), done.map((d) => d[i]!));
      want.forEach((w, t) => {
        expect(epLen[t]![i]).toBe(w.epLen);
        expect(lastLen[t]![i]).toBe(w.lastLen);
      });
      // CartPole's return is its length.
      expect(rows(steps.info.episodeReturn!).map((r) => r[i])).toEqual(epLen.map((r) => r[i]));
    }
    expect(done.flat().filter(Boolean).length).toBeGreaterThan(n);
  });
});

/** gymnasium's RunningMeanStd in float64 on the host. */
class HostStats {
  mean: number[];
  var: number[];
  count = 1e-4;
  constructor(d: number) {
    this.mean = new Array(d).fill(0);
    this.var = new Array(d).fill(1);
  }
  update(batch: number[][]) {
    const n = batch.length;
    const d = this.mean.length;
    for (let j = 0; j < d; j++) {
      const bm = batch.reduce((a, r) => a + r[j]!, 0) / n;
      const bv = batch.reduce((a, r) => a + (r[j]! - bm) ** 2, 0) / n;
      const delta = bm - this.mean[j]!;
      const tot = this.count + n;
      const m2 = this.var[j]! * this.count + bv * n + (delta * delta * this.count * n) / tot;
      this.mean[j] = this.mean[j]! + (delta * n) / tot;
      this.var[j] = m2 / tot;
    }
    this.count += n;
  }
}

describe("NormalizeObservation", () => {
  it("keeps gymnasium's running statistics (equal to a host Welford) and normalizes with them", () => {
    const base = new AutoReset(envs.make("CartPole-v1", { maxEpisodeSteps: 30 }));
    const env = new NormalizeObservation(base);
    const raw = rollout(base, 5, 50); // same keys reach the inner env, so the same raw observations
    const { first, steps } = rollout(env, 5, 50);
    const host = new HostStats(4);
    const rawObs = [list(raw.first) as number[], ...rows(raw.steps.obs)];
    const normed = [list(first) as number[], ...rows(steps.obs)];
    const stats = (steps.state as { obsStats: { mean: Value; var: Value; count: Value } }).obsStats;
    const means = rows(stats.mean);
    const vars = rows(stats.var);
    const counts = nums(stats.count);
    rawObs.forEach((o, t) => {
      host.update([o]);
      const want = o.map((v, j) => (v - host.mean[j]!) / Math.sqrt(host.var[j]! + 1e-8));
      want.forEach((w, j) => expect(Math.abs(normed[t]![j]! - w)).toBeLessThan(2e-3 * Math.max(1, Math.abs(w))));
      if (t > 0) {
        host.mean.forEach((m, j) => expect(means[t - 1]![j]).toBeCloseTo(m, 5));
        host.var.forEach((v, j) => expect(Math.abs(vars[t - 1]![j]! - v)).toBeLessThan(1e-4 * Math.max(1, v)));
        expect(counts[t - 1]).toBeCloseTo(host.count, 2);
      }
    });
    // info.finalObs is normalized with the same statistics.
    const fin = rows(steps.info.finalObs!);
    const rawFin = rows(raw.steps.info.finalObs!);
    const t = 10;
    rawFin[t]!.forEach((v, j) => expect(fin[t]![j]).toBeCloseTo((v - means[t]![j]!) / Math.sqrt(vars[t]![j]! + 1e-8), 3));
    expect(String(env.observationSpace())).toBe("Box(-Infinity, Infinity, [4], float32)");
  });

  it("shares the statistics across a vectorized batch, and clips", () => {
    const n = 3;
    const base = vectorize(new AutoReset(envs.make("CartPole-v1")), n);
    const env = new NormalizeObservation(base, { clip: 0.5 });
    const raw = rollout(base, 6, 12);
    const { steps } = rollout(env, 6, 12);
    const host = new HostStats(4);
    host.update(rows(raw.first));
    const rawObs = list(raw.steps.obs) as number[][][];
    rawObs.forEach((b) => host.update(b));
    const stats = (steps.state as { obsStats: { mean: Value; var: Value; count: Value } }).obsStats;
    expect(rows(stats.mean)[11]!.map((v, j) => Math.abs(v - host.mean[j]!) < 1e-5)).toEqual([true, true, true, true]);
    expect(nums(stats.count)[11]).toBeCloseTo(n * 13 + 1e-4, 3);
    const all = (list(steps.obs) as number[][][]).flat(2);
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(all.some((v) => Math.abs(v) === 0.5)).toBe(true);
  });
});

describe("NormalizeReward", () => {
  it("scales by the running std of gymnasium's discounted return (reset on termination only)", () => {
    const base = new AutoReset(envs.make("CartPole-v1", { maxEpisodeSteps: 25 }));
    const env = new NormalizeReward(base, { gamma: 0.9 });
    const raw = rollout(base, 7, 60);
    const { steps } = rollout(env, 7, 60);
    const r = nums(raw.steps.reward);
    const term = bools(raw.steps.terminated);
    const host = new HostStats(1);
    let ret = 0;
    const got = nums(steps.reward);
    r.forEach((x, t) => {
      ret = ret * 0.9 * (1 - Number(term[t])) + x;
      host.update([[ret]]);
      expect(got[t]).toBeCloseTo(x / Math.sqrt(host.var[0]! + 1e-8), 4);
    });
    expect(term.some(Boolean)).toBe(true);
  });
});

describe("FrameStack", () => {
  it("stacks the last k observations, padding with the first, and restarts after auto-reset", () => {
    const inner = new AutoReset(envs.make("CartPole-v1", { maxEpisodeSteps: 6 }));
    const env = new FrameStack(inner, 3);
    expect(env.observationSpace().shape).toEqual([3, 4]);
    const raw = rollout(inner, 8, 9);
    const { first, steps } = rollout(env, 8, 9);
    const r0 = list(raw.first) as number[];
    expect(list(first)).toEqual([r0, r0, r0]);
    const obs = list(steps.obs) as number[][][];
    const rawObs = rows(raw.steps.obs);
    const rawFin = rows(raw.steps.info.finalObs!);
    expect(obs[0]).toEqual([r0, r0, rawObs[0]]);
    expect(obs[1]).toEqual([r0, rawObs[0], rawObs[1]]);
    // Step 5 truncates (6 steps): a fresh stack of the new first obs; finalObs is the old stack.
    expect(obs[5]).toEqual([rawObs[5], rawObs[5], rawObs[5]]);
    expect((list(steps.info.finalObs!) as number[][][])[5]).toEqual([rawObs[3], rawObs[4], rawFin[5]]);
    expect(obs[6]).toEqual([rawObs[5], rawObs[5], rawObs[6]]);
  });

  it("pads with zeros on request, and stacks after the batch axis when vectorized", () => {
    const env = new FrameStack(vectorize(envs.make("Pendulum-v1"), 2), 4, "zero");
    expect(env.observationSpace().shape).toEqual([2, 4, 3]);
    const r = env.reset(random.key(0));
    expect(r.obs.shape).toEqual([2, 4, 3]);
    const o = list(r.obs) as number[][][];
    expect(o[1]![0]).toEqual([0, 0, 0]);
    expect(o[1]![3]!.some((v) => v !== 0)).toBe(true);
  });
});

describe("ClipAction and RescaleAction", () => {
  const stepWith = (env: Environment, a: number) => {
    const r = env.reset(random.key(0));
    return nums(env.step(random.key(1), r.state, np.array([a], "float32")).obs);
  };
  it("ClipAction clips into the bounds", () => {
    const inner = envs.make("Pendulum-v1");
    const env = new ClipAction(inner);
    expect(stepWith(env, 7)).toEqual(stepWith(inner, 2));
    expect(stepWith(env, -7)).toEqual(stepWith(inner, -2));
    expect((env.actionSpace() as Box).lowValues).toEqual([-Infinity]);
    expect(() => new ClipAction(envs.make("CartPole-v1"))).toThrow(/needs a Box action space/);
  });
  it("RescaleAction maps [min, max] linearly onto the bounds", () => {
    const inner = envs.make("Pendulum-v1");
    const env = new RescaleAction(inner, -1, 1);
    expect(String(env.actionSpace())).toBe("Box(-1, 1, [1], float32)");
    expect(stepWith(env, 0.5)).toEqual(stepWith(inner, 1));
    expect(stepWith(env, -1)).toEqual(stepWith(inner, -2));
    const env2 = new RescaleAction(envs.make("MountainCarContinuous-v0"), 0, 4);
    expect(stepWith(env2, 3)).toEqual(stepWith(envs.make("MountainCarContinuous-v0"), 0.5));
  });
});

describe("registry", () => {
  it("registers user environments and rejects clashing ids", () => {
    const factory = (o?: Record<string, unknown>) => envs.make("Pendulum-v1", { ...o, maxEpisodeSteps: null });
    envs.register("TestPendulum-v0", factory, { maxEpisodeSteps: 3 });
    expect(envs.registeredIds()).toContain("TestPendulum-v0");
    expect(envs.spec("TestPendulum-v0").maxEpisodeSteps).toBe(3);
    const env = envs.make("TestPendulum-v0", { dtype: "float64" });
    expect((env as TimeLimit).maxSteps).toBe(3);
    expect(() => envs.register("TestPendulum-v0", () => factory())).toThrow(/already registered/);
    expect(() => envs.make("Nope-v0")).toThrow(/no environment "Nope-v0"/);
  });
});

// Every registered environment jits and vmaps: vectorize(env, 8) under jit gives what 8
// separate runs give with the same keys.
for (const backend of backends()) {
  describe(`vectorize (${backend})`, () => {
    beforeAll(() => useBackend(backend));
    for (const id of envs.registeredIds().filter((i) => !i.startsWith("Test"))) {
      it(`${id}: vectorize(env, 8) under jit equals 8 separate runs`, () => {
        useBackend(backend);
        const n = 8;
        const T = 12;
        const single = new AutoReset(envs.make(id));
        const vec = vectorize(single, n);
        const key = random.key(11);
        const batched = rollout(vec, 11, T);
        expect(batched.first.shape[0]).toBe(n);
        expect(batched.steps.reward.shape).toEqual([T, n]);
        // The same keys, one copy at a time: VecEnv gives copy i split(key, n)[i].
        const actions = hostActions(vec.actionSpace(), T, 11);
        const one = jit((i: Value, acts: Value) => {
          const r = single.reset(lax.dynamicIndexInDim(random.split(random.foldIn(key, 0), n), i, 0, false));
          const [, ys] = lax.scan(
            (s: unknown, x: { k: Value; a: Value }) => {
              const out = single.step(lax.dynamicIndexInDim(random.split(x.k, n), i, 0, false), s, x.a);
              return [out.state, { obs: out.obs, reward: out.reward, done: out.info.done! }];
            },
            r.state,
            { k: random.split(random.foldIn(key, 1), T), a: acts },
          );
          return { first: r.obs, ...ys };
        });
        // Compare on the host (flat data; eager indexing per copy would compile a program per index).
        const column = (x: Value, i: number): number[] => {
          const flat = nums(x);
          const per = x.shape.slice(2).reduce((p, d) => p * d, 1);
          const out: number[] = [];
          for (let t = 0; t < x.shape[0]!; t++) out.push(...flat.slice((t * n + i) * per, (t * n + i + 1) * per));
          return out;
        };
        const worst = (a: number[], b: number[]) => a.reduce((m, v, j) => Math.max(m, Math.abs(v - b[j]!) / Math.max(1, Math.abs(b[j]!))), 0);
        const bFirst = nums(batched.first);
        const per0 = bFirst.length / n;
        for (let i = 0; i < n; i++) {
          const s = one(np.array(i, "int32"), np.array(column(actions.reshape([T, n, -1]), i), actions.dtype).reshape([T, ...actions.shape.slice(2)])) as {
            first: Value;
            obs: Value;
            reward: Value;
            done: Value;
          };
          expect(worst(nums(s.first), bFirst.slice(i * per0, (i + 1) * per0)), `${id} copy ${i} first obs`).toBeLessThanOrEqual(1e-5);
          expect(worst(nums(s.obs), column(batched.steps.obs, i)), `${id} copy ${i} obs`).toBeLessThanOrEqual(1e-5);
          expect(worst(nums(s.reward), column(batched.steps.reward.reshape([T, n, 1]), i)), `${id} copy ${i} reward`).toBeLessThanOrEqual(1e-5);
          expect(bools(s.done)).toEqual(column(batched.steps.info.done!.reshape([T, n, 1]), i).map((v) => v !== 0));
        }
      });
    }
  });
}
