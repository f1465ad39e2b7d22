// Classic control against gymnasium (test/fixtures/gymnasium.json, tools/fixtures_gymnasium.py):
// every recorded step replayed from gymnasium's state before it ("teacher forced"), and whole
// episodes replayed open loop from the recorded start state ("free running"), under jit.
//
// Tolerances. With dtype "float64" our arithmetic is gymnasium's, operation for operation:
// observations (float32) agree to 1 ulp at most (XLA's sin / cos and fused multiply-adds
// may move the float64 state by an ulp, which float32 rounding nearly always hides). With
// the default "float32" the state is rounded to float32 every step, so single steps agree to
// about 1e-6. Free-running replays add up those differences over hundreds of steps (Acrobot
// is chaotic: float32 replays drift to ~3e-4 in 120 steps, hence 1e-3); all episodes still
// agree, flags included, except one: CartPole under a stabilizing controller replayed open loop
// is an unstable system, which amplifies an ulp by ~e^(4 t) (t in seconds), so it is compared
// only over its first 200 (float64) / 60 (float32) steps; teacher forcing covers all 500.
import { describe, expect, it, beforeAll } from "vitest";
import { jit, numpy as np, random, vmap, type Value } from "../../src/index.js";
import { envs } from "../../src/envs/index.js";
import { TimeLimit } from "../../src/envs/wrappers/index.js";
import { backends, useBackend, nums, list, yieldEachTest } from "./helpers.js";

yieldEachTest();
import { fixture, freeRun, teacherForced, type GymEpisode, type Rollout } from "./gym_fixture.js";

const CLASSIC = ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"];
const LIMITS: Record<string, number> = { "CartPole-v1": 500, "Acrobot-v1": 500, "MountainCar-v0": 200, "MountainCarContinuous-v0": 999, "Pendulum-v1": 200 };

function expectClose(got: number, want: number, tol: number, what: string): void {
  const err = Math.abs(got - want) / Math.max(1, Math.abs(want));
  if (!(err <= tol)) throw new Error(`${what}: got ${got}, gymnasium ${want} (relative error ${err.toExponential(2)} > ${tol})`);
}

function expectRollout(r: Rollout, e: GymEpisode, steps: number, tol: { obs: number; reward: number }, label: string): void {
  for (let t = 0; t < steps; t++) {
    const where = `${label} step ${t}`;
    e.obs[t]!.forEach((v, i) => expectClose(r.obs[t]![i]!, v, tol.obs, `${where} obs[${i}]`));
    expectClose(r.reward[t]!, e.reward[t]!, tol.reward, `${where} reward`);
    if (r.terminated[t] !== e.terminated[t]) throw new Error(`${where}: terminated ${r.terminated[t]}, gymnasium ${e.terminated[t]}`);
    if (r.truncated[t] !== e.truncated[t]) throw new Error(`${where}: truncated ${r.truncated[t]}, gymnasium ${e.truncated[t]}`);
  }
}

const TOL = {
  float64: { obs: 2.5e-7, reward: 2e-7 },
  float32: { obs: 3e-6, reward: 5e-6 },
};
const FREE_TOL = { float64: { obs: 5e-6, reward: 1e-6 }, float32: { obs: 1e-3, reward: 1e-4 } };

function freeSteps(e: GymEpisode, dtype: "float32" | "float64"): number {
  if (e.env === "CartPole-v1" && e.policy === "controller") return dtype === "float64" ? 200 : 60;
  return e.obs.length;
}

describe("the gymnasium fixture", () => {
  it("covers every classic env, with terminated and truncated episodes", () => {
    for (const id of CLASSIC) {
      const eps = fixture.episodes.filter((e) => e.env === id);
      expect(eps.length).toBeGreaterThanOrEqual(3);
      expect(eps.every((e) => e.max_episode_steps === LIMITS[id])).toBe(true);
      const ends = eps.map((e) => [e.terminated.at(-1), e.truncated.at(-1)]);
      if (id !== "Pendulum-v1") expect(ends.some(([te]) => te)).toBe(true); // Pendulum never terminates
      expect(ends.some(([, tr]) => tr)).toBe(true);
    }
  });
});

for (const backend of backends()) {
  describe(`classic control matches gymnasium (${backend})`, () => {
    beforeAll(() => useBackend(backend));
    for (const e of fixture.episodes) {
      const label = `${e.env} seed ${e.seed} (${e.policy}, ${e.obs.length} steps)`;
      for (const dtype of ["float64", "float32"] as const) {
        it(`${label}, ${dtype}: every step from gymnasium's state`, () => {
          useBackend(backend);
          expectRollout(teacherForced(e, dtype), e, e.obs.length, TOL[dtype], `${label} ${dtype}`);
        });
        it(`${label}, ${dtype}: the whole episode open loop`, () => {
          useBackend(backend);
          expectRollout(freeRun(e, dtype), e, freeSteps(e, dtype), FREE_TOL[dtype], `${label} ${dtype} free`);
        });
      }
    }
  });
}

describe("classic control: registry, spaces, resets", () => {
  beforeAll(() => useBackend("ref"));

  it("make() applies gymnasium's step limits and options", () => {
    for (const id of CLASSIC) {
      const env = envs.make(id);
      expect(env).toBeInstanceOf(TimeLimit);
      expect((env as TimeLimit).maxSteps).toBe(LIMITS[id]);
      expect(env.id).toBe(id);
      expect(envs.make(id, { maxEpisodeSteps: 7 })).toHaveProperty("maxSteps", 7);
      expect(envs.make(id, { maxEpisodeSteps: null })).not.toBeInstanceOf(TimeLimit);
      expect(() => envs.make(id, { colour: "red" })).toThrow(/unknown option "colour"/);
    }
    expect(() => envs.make("CartPole-v0")).toThrow(/Did you mean "CartPole-v1"/);
  });

  it("has gymnasium's spaces", () => {
    const s = (id: string) => envs.make(id);
    expect(String(s("CartPole-v1").actionSpace())).toBe("Discrete(2)");
    expect(String(s("Acrobot-v1").actionSpace())).toBe("Discrete(3)");
    expect(String(s("MountainCar-v0").actionSpace())).toBe("Discrete(3)");
    expect(String(s("MountainCarContinuous-v0").actionSpace())).toBe("Box(-1, 1, [1], float32)");
    expect(String(s("Pendulum-v1").actionSpace())).toBe("Box(-2, 2, [1], float32)");
    expect(s("CartPole-v1").observationSpace().shape).toEqual([4]);
    expect(s("Acrobot-v1").observationSpace().shape).toEqual([6]);
    expect(s("Pendulum-v1").observationSpace().shape).toEqual([3]);
    expect(s("MountainCar-v0").observationSpace().shape).toEqual([2]);
  });

  it("reset draws gymnasium's start distributions, and observations lie in the observation space", () => {
    const ranges: Record<string, [number, number][]> = {
      "CartPole-v1": [[-0.05, 0.05], [-0.05, 0.05], [-0.05, 0.05], [-0.05, 0.05]],
      "MountainCar-v0": [[-0.6, -0.4], [0, 0]],
      "MountainCarContinuous-v0": [[-0.6, -0.4], [0, 0]],
      "Pendulum-v1": [[-1, 1], [-1, 1], [-1, 1]],
      "Acrobot-v1": [[Math.cos(0.1), 1], [-0.1, 0.1], [Math.cos(0.1), 1], [-0.1, 0.1], [-0.1, 0.1], [-0.1, 0.1]],
    };
    for (const id of CLASSIC) {
      const env = envs.make(id);
      const obs = jit((keys: Value) => vmap((k: Value) => env.reset(k).obs)(keys))(random.split(random.key(3), 64));
      const rows = list(obs) as number[][];
      expect(obs.dtype).toBe("float32");
      rows.forEach((row) => row.forEach((v, i) => expect(v >= ranges[id]![i]![0] - 1e-7 && v <= ranges[id]![i]![1] + 1e-7, `${id} obs[${i}] = ${v}`).toBe(true)));
      // Spread out, not constant.
      expect(new Set(rows.map((r) => r[0])).size).toBeGreaterThan(32);
      const inSpace = vmap((o: Value) => env.observationSpace().contains(o))(obs);
      expect(nums(inSpace).every((b) => b === 1)).toBe(true);
    }
  });

  it("float64 state when asked, float32 observations and rewards always", () => {
    const env = envs.make("CartPole-v1", { dtype: "float64" });
    // envs.make returns an Environment whose state type is unknown (the id picks it at run time).
    type State = { inner: { x: Value; theta: Value } };
    const r = env.reset(random.key(0));
    expect(r.obs.dtype).toBe("float32");
    expect((r.state as State).inner.x.dtype).toBe("float64");
    const s = env.step(random.key(1), r.state, np.array(1, "int32"));
    expect(s.reward.dtype).toBe("float32");
    expect(s.terminated.dtype).toBe("bool");
    expect((s.state as State).inner.theta.dtype).toBe("float64");
  });
});
