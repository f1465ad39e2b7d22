// Host environments: the gridworld of docs/environments.md run as a HostVecEnv, with
// auto-reset, batched arrays, episode statistics, and errors for bad simulators.
import { describe, expect, it, beforeAll } from "vitest";
import { jit, numpy as np, random, type Value } from "../../src/index.js";
import { envs, type HostEnv, type HostStep } from "../../src/envs/index.js";
import { Box } from "../../src/envs/spaces.js";
import { bools, list, nums, useBackend, yieldEachTest } from "./helpers.js";

beforeAll(() => useBackend("ref"));
yieldEachTest();

// --- the worked example of docs/environments.md ("Host environments"), verbatim ----------
/** A 5 x 5 grid: start in the top row, reach the bottom-right; -0.01 per step, +1 at the goal. */
class GridWorld implements HostEnv<number> {
  readonly size = 5;
  readonly observationSpace = new envs.spaces.Box(0, 4, [2]);
  readonly actionSpace = new envs.spaces.Discrete(4); // up, right, down, left
  private x = 0;
  private y = 0;
  private t = 0;
  private rng = Math.random;

  reset(seed?: number): number[] {
    if (seed !== undefined) this.rng = mulberry32(seed);
    // A random start in the top row, so seeds matter.
    this.x = Math.floor(this.rng() * this.size);
    this.y = 0;
    this.t = 0;
    return [this.x, this.y];
  }

  step(action: number): HostStep {
    const [dx, dy] = [[0, -1], [1, 0], [0, 1], [-1, 0]][action]!;
    this.x = Math.min(this.size - 1, Math.max(0, this.x + dx!));
    this.y = Math.min(this.size - 1, Math.max(0, this.y + dy!));
    this.t += 1;
    const atGoal = this.x === this.size - 1 && this.y === this.size - 1;
    return { obs: [this.x, this.y], reward: atGoal ? 1 : -0.01, terminated: atGoal, truncated: !atGoal && this.t >= 50 };
  }
}

function mulberry32(a: number): () => number {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// -------------------------------------------------------------------------------------------

describe("HostVecEnv", () => {
  it("runs N copies and returns batched arrays", () => {
    const vec = new envs.HostVecEnv(() => new GridWorld(), 4);
    const obs = vec.reset(0);
    expect(obs.shape).toEqual([4, 2]);
    expect(obs.dtype).toBe("float32");
    // Seeds are seed + i per copy, so the same seed gives the same starts.
    expect(list(new envs.HostVecEnv(() => new GridWorld(), 4).reset(0))).toEqual(list(obs));
    const r = vec.step(np.array([1, 2, 2, 3], "int32"));
    expect(r.obs.shape).toEqual([4, 2]);
    expect(r.reward.dtype).toBe("float32");
    expect(r.terminated.dtype).toBe("bool");
    expect(nums(r.reward)).toEqual([-0.01, -0.01, -0.01, -0.01].map(Math.fround));
    expect(vec.observationSpace).toBeInstanceOf(Box);
    expect(String(vec.actionSpace)).toBe("Discrete(4)");
  });

  it("auto-resets finished copies in the same step, with the final observation and episode totals in info", () => {
    const vec = new envs.HostVecEnv(() => new GridWorld(), 2);
    vec.reset(3);
    // Copy 0 walks right then down to the goal (8 steps at most); copy 1 bumps into the top wall.
    const episodes: { ret: number; len: number }[] = [];
    let sawGoal = false;
    for (let t = 0; t < 60; t++) {
      const r = vec.step(np.array([t % 2 === 0 ? 1 : 2, 0], "int32"));
      const done = bools(r.info.done);
      const fin = list(r.info.finalObs) as number[][];
      const obs = list(r.obs) as number[][];
      if (done[0]) {
        sawGoal = true;
        expect(fin[0]).toEqual([4, 4]); // the goal, not the restart
        expect(obs[0]![1]).toBe(0); // a fresh start in the top row
        episodes.push({ ret: nums(r.info.episodeReturn)[0]!, len: nums(r.info.episodeLength)[0]! });
      } else expect(obs[0]).toEqual(fin[0]);
      if (done[1]) {
        expect(bools(r.truncated)[1]).toBe(true);
        expect(nums(r.info.episodeLength)[1]).toBe(50);
        expect(nums(r.info.episodeReturn)[1]).toBeCloseTo(-0.5, 5);
      }
    }
    expect(sawGoal).toBe(true);
    // The return is (len - 1) * -0.01 + 1: a host recomputation of what the copy was paid.
    for (const e of episodes) expect(e.ret).toBeCloseTo(1 - 0.01 * (e.len - 1), 5);
  });

  it("takes actions from a jitted policy (the workflow's loop), sync or async", async () => {
    const vec = new envs.HostVecEnv(() => new GridWorld(), 3);
    let obs = vec.reset(1);
    const policy = jit((o: Value, k: Value) => random.randint(k, [o.shape[0]!], 0, 4));
    for (let t = 0; t < 5; t++) obs = vec.step(policy(obs, random.key(t))).obs;
    const r = await vec.stepAsync(policy(obs, random.key(9)));
    expect(r.obs.shape).toEqual([3, 2]);
  });

  it("vector actions and observation shapes", () => {
    class Pointy implements HostEnv<number[]> {
      p = [0, 0];
      reset(): number[] {
        this.p = [0, 0];
        return [...this.p, 0, 0];
      }
      step(a: number[]): HostStep {
        this.p = [this.p[0]! + a[0]!, this.p[1]! + a[1]!];
        return { obs: new Float32Array([...this.p, ...a]), reward: a[0]! + a[1]!, terminated: false, truncated: false };
      }
    }
    const vec = new envs.HostVecEnv(() => new Pointy(), 2, { actionShape: [2], obsShape: [2, 2] });
    expect(vec.reset().shape).toEqual([2, 2, 2]);
    const r = vec.step(np.array([[1, 2], [3, 4]], "float32"));
    expect(list(r.obs)).toEqual([[[1, 2], [1, 2]], [[3, 4], [3, 4]]]);
    expect(nums(r.reward)).toEqual([3, 7]);
  });

  it("says what is wrong with a misbehaving simulator or call", () => {
    const bad = new envs.HostVecEnv(() => ({ reset: () => [0, 0], step: () => ({ obs: [0], reward: 0, terminated: false, truncated: false }) }), 2);
    expect(() => bad.step(np.array([0, 0], "int32"))).toThrow(/call reset\(\) first/);
    bad.reset();
    expect(() => bad.step(np.array([0, 0], "int32"))).toThrow(/env 0's step\(\) returned 1 numbers; observations have shape \[2\]/);
    const ok = new envs.HostVecEnv(() => new GridWorld(), 2);
    ok.reset();
    expect(() => ok.step(np.array([0, 0, 0], "int32"))).toThrow(/actions must have shape \[2\]/);
    expect(() => jit((a: Value) => ok.step(a).obs)(np.array([0, 0], "int32"))).toThrow(/cannot run inside jit/);
    const weird = new envs.HostVecEnv(() => ({ reset: () => [0], step: () => ({ obs: [0], reward: "1" as unknown as number, terminated: false, truncated: false }) }), 1);
    weird.reset();
    expect(() => weird.step(np.array([0], "int32"))).toThrow(/expected a number and two booleans/);
  });
});
