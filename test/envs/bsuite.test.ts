// bsuite's Deep Sea and Catch: known optimal returns, the 2^-N chance of a random policy, the
// action mapping's seeding, and that both jit, vmap and render.
import { describe, expect, it } from "vitest";
import { jit, vmap, type Array as ConcreteArray, type Value } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { Catch, DeepSea, deepSeaOptimalReturn, type DeepSeaParams, type DeepSeaState, type CatchState } from "../../src/envs/extra.js";
import { make, specOf } from "../../src/envs/registry.js";

const nums = async (x: Value): Promise<number[]> => Array.from((await (x as ConcreteArray).data()) as ArrayLike<number>, Number);
const flat = async (x: Value): Promise<number[]> => nums(x.reshape([-1]));

/** Episode returns of Deep Sea over `keys`: "right" in the true mapping with probability pRight (1: optimal, 0.5: uniform). */
function deepSeaReturns(env: DeepSea, params: DeepSeaParams, pRight: number) {
  return jit(
    vmap((key: Value) => {
      const ks = random.split(key, env.size + 1);
      const { state } = env.reset(ks.get(0), params);
      const [last, ys] = lax.scan(
        (s: DeepSeaState, k: Value) => {
          const right = s.actionMapping.get(np.minimum(s.row, env.size - 1), s.column);
          const kk = random.split(k);
          const a = np.where(random.bernoulli(kk.get(0), pRight, []), right, np.subtract(1, right));
          const r = env.step(kk.get(1), s, a, params);
          return [r.state, { reward: r.reward, terminated: r.terminated }];
        },
        state,
        ks.get("1:"),
      );
      return { ret: ys.reward.sum(), terminated: ys.terminated, column: last.column, bad: last.badEpisode };
    }),
  );
}

describe("DeepSea-bsuite", () => {
  it("the optimal policy earns 1 - unscaledMoveCost, for every mapping seed", async () => {
    for (const size of [5, 10, 20]) {
      const env = new DeepSea({ size });
      for (const mappingSeed of [0, 1, 42]) {
        const params = { ...env.defaultParams, mappingSeed };
        const out = deepSeaReturns(env, params, 1)(random.split(random.key(size), 4)) as any;
        for (const r of await nums(out.ret)) expect(r).toBeCloseTo(0.99, 5);
        expect(deepSeaOptimalReturn(size)).toBeCloseTo(0.99, 12);
        // Terminated exactly on the N-th step, at the bottom-right cell, never "bad".
        const term = await flat(out.terminated);
        for (let e = 0; e < 4; e++) expect(term.slice(e * size, (e + 1) * size)).toEqual([...new Array(size - 1).fill(0), 1]);
        expect(await nums(out.column)).toEqual([size - 1, size - 1, size - 1, size - 1]);
        expect(await nums(out.bad)).toEqual([0, 0, 0, 0]);
      }
    }
  });

  it("a uniformly random policy finds the reward with frequency about 2^-N", async () => {
    // N = 6 over 2^14 episodes: the frequency is 2^-6 within sampling error (256 expected).
    const small = new DeepSea({ size: 6 });
    const r6 = await nums((deepSeaReturns(small, small.defaultParams, 0.5)(random.split(random.key(7), 1 << 14)) as any).ret);
    const hits6 = r6.filter((r) => r > 0.5).length;
    expect(hits6 / r6.length).toBeGreaterThan(0.6 * 2 ** -6);
    expect(hits6 / r6.length).toBeLessThan(1.4 * 2 ** -6);
    // N = 10 over 4,096 episodes: 4 expected, and a hit always earns exactly the optimal return.
    const env = new DeepSea({ size: 10 });
    const r10 = await nums((deepSeaReturns(env, env.defaultParams, 0.5)(random.split(random.key(8), 4096)) as any).ret);
    const hits = r10.filter((r) => r > 0.5);
    expect(hits.length / r10.length).toBeLessThanOrEqual(4 * 2 ** -10);
    for (const h of hits) expect(h).toBeCloseTo(0.99, 5);
    for (const r of r10) expect(r).toBeLessThanOrEqual(0.99 + 1e-5);
  });

  it("draws the action mapping from mappingSeed (fixed across episodes) or, with sampleActionMap, from the reset key", async () => {
    const env = new DeepSea({ size: 8 });
    const map = async (key: Value, p: Partial<DeepSeaParams>) => flat(env.reset(key, { ...env.defaultParams, ...p }).state.actionMapping);
    const a = await map(random.key(1), { mappingSeed: 3 });
    expect(await map(random.key(2), { mappingSeed: 3 })).toEqual(a);
    expect(await map(random.key(1), { mappingSeed: 4 })).not.toEqual(a);
    // Both actions mean "right" somewhere (a random mapping, not all ones).
    expect(a.some((v) => v === 0) && a.some((v) => v === 1)).toBe(true);
    const s1 = await map(random.key(1), { sampleActionMap: true });
    expect(await map(random.key(1), { sampleActionMap: true })).toEqual(s1);
    expect(await map(random.key(2), { sampleActionMap: true })).not.toEqual(s1);
    expect(await map(random.key(1), { randomizeActions: false })).toEqual(new Array(64).fill(1));
    // A traced seed works too (params vmap).
    const bySeed = jit(vmap((seed: Value) => env.reset(random.key(0), { ...env.defaultParams, mappingSeed: seed }).state.actionMapping));
    const m = (await nums(bySeed(np.array([3, 4], "int32")).reshape([-1]))) as number[];
    expect(m.slice(0, 64)).toEqual(a);
  });

  it("keeps the mapping fixed through an episode and follows bsuite's transitions", async () => {
    const env = new DeepSea({ size: 4 });
    const { state: s0, obs } = env.reset(random.key(0));
    expect(await flat(obs)).toEqual([1, ...new Array(15).fill(0)]);
    const mapping = await flat(s0.actionMapping);
    const right = mapping[0]!;
    const step = jit((s: DeepSeaState, a: Value) => env.step(random.key(0), s, a));
    // "left" at the left wall stays in column 0 and leaves the optimal path.
    let r = step(s0, np.array(1 - right, "int32"));
    expect([(await r.state.row.item()), await r.state.column.item(), await r.reward.item()]).toEqual([1, 0, 0]);
    expect(await r.state.badEpisode.item()).toBe(1);
    // "right" moves down-right and costs 0.01 / N.
    const right1 = mapping[1 * 4 + 0]!;
    r = step(r.state, np.array(right1, "int32"));
    expect([await r.state.row.item(), await r.state.column.item()]).toEqual([2, 1]);
    expect(await r.reward.item()).toBeCloseTo(-0.01 / 4, 7);
    expect(await flat(r.state.actionMapping)).toEqual(mapping);
  });

  it("the stochastic version's optimal policy earns bsuite's optimal return on average", async () => {
    const env = new DeepSea({ size: 8 });
    const params = { ...env.defaultParams, deterministic: false };
    const rets = await nums((deepSeaReturns(env, params, 1)(random.split(random.key(3), 4096)) as any).ret);
    const mean = rets.reduce((a, b) => a + b, 0) / rets.length;
    expect(mean).toBeCloseTo(deepSeaOptimalReturn(8, params), 1);
    expect(Math.abs(mean - deepSeaOptimalReturn(8, params))).toBeLessThan(0.06);
  });

  it("is registered, its observations lie in its space, and it renders", async () => {
    const env = make("DeepSea-bsuite", { size: 6 }) as DeepSea;
    expect(env.size).toBe(6);
    expect(specOf("DeepSea-bsuite").maxEpisodeSteps).toBeUndefined();
    const { obs, state } = env.reset(random.key(0));
    expect(await env.observationSpace().contains(obs).item()).toBe(1);
    const render = jit((s: DeepSeaState) => env.render(s));
    const f0 = render(state);
    expect(f0.shape).toEqual([48, 48, 3]);
    expect(f0.dtype).toBe("uint8");
    const px0 = await flat(f0);
    expect(new Set(px0).size).toBeGreaterThan(3);
    const f1 = await flat(render(env.step(random.key(0), state, np.array(1, "int32")).state));
    expect(f1).not.toEqual(px0);
    // Rendering vmaps.
    const states = jit(vmap((k: Value) => env.reset(k).state))(random.split(random.key(1), 3));
    expect(jit(vmap((s: DeepSeaState) => env.render(s)))(states).shape).toEqual([3, 48, 48, 3]);
  });
});

describe("Catch-bsuite", () => {
  const env = new Catch();
  const episode = (policy: "optimal" | "random") =>
    jit(
      vmap((key: Value) => {
        const ks = random.split(key, env.rows);
        const { state } = env.reset(ks.get(0));
        const [, ys] = lax.scan(
          (s: CatchState, k: Value) => {
            const a = policy === "optimal" ? np.sign(s.ballX.sub(s.paddleX)).add(1) : random.randint(k, [], 0, 3);
            const r = env.step(k, s, a);
            return [r.state, { reward: r.reward, terminated: r.terminated, ballX: s.ballX }];
          },
          state,
          ks.get("1:"),
        );
        return ys;
      }),
    );

  it("the optimal policy catches every ball (+1 on the last of rows-1 steps)", async () => {
    const ys = episode("optimal")(random.split(random.key(0), 64)) as any;
    const rew = await flat(ys.reward);
    const term = await flat(ys.terminated);
    const n = env.rows - 1;
    for (let e = 0; e < 64; e++) {
      expect(rew.slice(e * n, (e + 1) * n)).toEqual([...new Array(n - 1).fill(0), 1]);
      expect(term.slice(e * n, (e + 1) * n)).toEqual([...new Array(n - 1).fill(0), 1]);
    }
    // Every start column occurs.
    const starts = new Set((await flat(ys.ballX)).filter((_, i) => i % n === 0));
    expect(starts).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it("a random policy sometimes misses (-1)", async () => {
    const rew = await flat((episode("random")(random.split(random.key(1), 64)) as any).reward);
    expect(rew.filter((r) => r === -1).length).toBeGreaterThan(10);
    expect(rew.filter((r) => r === 1).length).toBeGreaterThan(3);
  });

  it("renders the ball and the paddle, and moves the paddle", async () => {
    const e = make("Catch-bsuite") as Catch;
    const { state, obs } = e.reset(random.key(2));
    expect((await flat(obs)).reduce((a, b) => a + b)).toBe(2);
    const next = e.step(random.key(0), state, np.array(0, "int32")).state;
    expect(await next.paddleX.item()).toBe(1);
    const f0 = await flat(jit((s: CatchState) => e.render(s))(state));
    const f1 = await flat(jit((s: CatchState) => e.render(s))(next));
    expect(f0.length).toBe(160 * 80 * 3);
    expect(new Set(f0).size).toBeGreaterThan(2);
    expect(f1).not.toEqual(f0);
  });
});
