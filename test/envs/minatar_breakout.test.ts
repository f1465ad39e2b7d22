// MinAtar Breakout: step-for-step equality with gymnax's Breakout-MinAtar
// (test/fixtures/minatar_breakout.json from tools/fixtures_minatar_breakout.py), and the
// dynamics one rule at a time on hand-made states.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jit, vmap, type Array as ConcreteArray, type Value } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { Breakout, type BreakoutState } from "../../src/envs/extra.js";
import { make, specOf } from "../../src/envs/registry.js";

interface FState {
  ball_y: number;
  ball_x: number;
  ball_dir: number;
  pos: number;
  strike: boolean;
  last_y: number;
  last_x: number;
  time: number;
  terminal: boolean;
  bricks: number[];
}
interface Episode {
  seed: number;
  init: FState;
  actions: number[];
  steps: { state: FState; reward: number; terminated: boolean; truncated: boolean; obs: number[] }[];
}
const fixture = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../fixtures/minatar_breakout.json"), "utf8")) as { episodes: Episode[] };

const nums = async (x: Value): Promise<number[]> => Array.from((await (x.reshape([-1]) as ConcreteArray).data()) as ArrayLike<number>, Number);
const i32 = (v: number) => np.array(v, "int32");

function toState(f: FState): BreakoutState {
  const bricks = new Array(100).fill(false);
  for (const i of f.bricks) bricks[i] = true;
  return {
    ballY: i32(f.ball_y),
    ballX: i32(f.ball_x),
    ballDir: i32(f.ball_dir),
    pos: i32(f.pos),
    brickMap: np.array(bricks).reshape([10, 10]),
    strike: np.array(f.strike),
    lastY: i32(f.last_y),
    lastX: i32(f.last_x),
    time: i32(f.time),
    terminal: np.array(f.terminal),
    lastAction: i32(0),
  };
}

describe("Breakout-MinAtar", () => {
  it("matches gymnax step for step (state, observation, reward, termination, truncation)", async () => {
    const env = make("Breakout-MinAtar");
    expect(specOf("Breakout-MinAtar").maxEpisodeSteps).toBe(1000);
    const eps = fixture.episodes;
    const T = Math.max(...eps.map((e) => e.actions.length));
    // One program: every episode at once (vmap), its recorded actions in a scan (padded).
    const actions = np.array(eps.map((e) => [...e.actions, ...new Array(T - e.actions.length).fill(0)]), "int32");
    const inits = eps.map((e) => ({ ...(env.reset(random.key(0)).state as object), inner: toState(e.init) }));
    const stacked = { inner: Object.fromEntries(Object.keys(inits[0]!.inner).map((k) => [k, np.stack(inits.map((s: any) => s.inner[k]))])), t: np.zeros([eps.length], "int32") };
    const run = jit(
      vmap((s0: any, acts: Value) =>
        lax.scan(
          (s: any, a: Value) => {
            const r = env.step(random.key(0), s, a);
            const st = (r.state as { inner: BreakoutState }).inner;
            return [
              r.state,
              {
                y: st.ballY, x: st.ballX, dir: st.ballDir, pos: st.pos, strike: st.strike, ly: st.lastY, lx: st.lastX, time: st.time,
                bricks: st.brickMap, obs: r.obs, reward: r.reward, terminated: r.terminated, truncated: r.truncated,
              },
            ];
          },
          s0,
          acts,
        )[1],
      ),
    );
    const out = run(stacked, actions) as Record<string, Value>;
    const host: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(out)) host[k] = await nums(v);
    let checked = 0;
    eps.forEach((e, i) => {
      e.steps.forEach((st, t) => {
        const at = (k: string, per = 1) => host[k]!.slice((i * T + t) * per, (i * T + t + 1) * per);
        const where = `episode ${e.seed}, step ${t}`;
        const f = st.state;
        expect([at("y")[0], at("x")[0], at("dir")[0], at("pos")[0], at("ly")[0], at("lx")[0], at("time")[0]], where).toEqual([
          f.ball_y, f.ball_x, f.ball_dir, f.pos, f.last_y, f.last_x, f.time,
        ]);
        expect(at("strike")[0], where).toBe(f.strike ? 1 : 0);
        expect(at("bricks", 100).flatMap((b, j) => (b ? [j] : [])), where).toEqual(f.bricks);
        expect(at("obs", 400).flatMap((b, j) => (b ? [j] : [])), where).toEqual(st.obs);
        expect(at("reward")[0], where).toBe(st.reward);
        expect(at("terminated")[0], where).toBe(st.terminated ? 1 : 0);
        expect(at("truncated")[0], where).toBe(st.truncated ? 1 : 0);
        checked++;
      });
    });
    expect(checked).toBeGreaterThan(1400);
    // The fixture covers brick hits, a cleared and refilled wall, losses and the time limit.
    expect(eps.some((e) => e.steps.reduce((a, s) => a + s.reward, 0) > e.init.bricks.length)).toBe(true);
    expect(eps.some((e) => e.steps.at(-1)!.terminated)).toBe(true);
    expect(eps.some((e) => e.steps.at(-1)!.truncated)).toBe(true);
  });

  const env = new Breakout();
  const step = jit((s: BreakoutState, a: Value) => env.step(random.key(0), s, a));
  const base = (over: Partial<FState> = {}): BreakoutState =>
    toState({ ball_y: 5, ball_x: 5, ball_dir: 2, pos: 4, strike: false, last_y: 4, last_x: 4, time: 0, terminal: false, bricks: [], ...over });

  it("moves the paddle left and right within the board", async () => {
    expect(await step(base(), i32(1)).state.pos.item()).toBe(3);
    expect(await step(base(), i32(2)).state.pos.item()).toBe(5);
    expect(await step(base(), i32(0)).state.pos.item()).toBe(4);
    expect(await step(base({ pos: 0 }), i32(1)).state.pos.item()).toBe(0);
    expect(await step(base({ pos: 9 }), i32(2)).state.pos.item()).toBe(9);
  });

  it("bounces the ball off the side walls and the ceiling", async () => {
    // Down-left at the left wall: stays in column 0, now going down-right.
    let s = step(base({ ball_x: 0, ball_dir: 3 }), i32(0)).state;
    expect([await s.ballY.item(), await s.ballX.item(), await s.ballDir.item()]).toEqual([6, 0, 2]);
    // Up-right at the ceiling: row 0, now going down-right.
    s = step(base({ ball_y: 0, ball_x: 4, ball_dir: 1 }), i32(0)).state;
    expect([await s.ballY.item(), await s.ballX.item(), await s.ballDir.item()]).toEqual([0, 5, 2]);
  });

  it("removes a hit brick for +1 and sends the ball back", async () => {
    // Ball at (4, 3) going up-left into the brick at (3, 2).
    const r = step(base({ ball_y: 4, ball_x: 3, ball_dir: 0, bricks: [32, 33, 25] }), i32(0));
    expect(await r.reward.item()).toBe(1);
    expect(await nums(r.state.brickMap).then((b) => b.flatMap((v, j) => (v ? [j] : [])))).toEqual([25, 33]);
    expect([await r.state.ballY.item(), await r.state.ballX.item(), await r.state.ballDir.item()]).toEqual([4, 2, 3]);
    expect(await r.state.strike.item()).toBe(1);
    // The observation's brick channel shows it.
    const obs = await nums(r.obs);
    expect(obs.filter((_, j) => j % 4 === 3).reduce((a, b) => a + b)).toBe(2);
  });

  it("bounces off the paddle and ends the episode when the ball passes it", async () => {
    // Ball at (8, 2) going down-right: the paddle under its next cell (3) sends it up-left.
    let r = step(base({ ball_y: 8, ball_x: 2, ball_dir: 2, pos: 3 }), i32(0));
    expect([await r.state.ballY.item(), await r.state.ballX.item(), await r.state.ballDir.item(), await r.terminated.item()]).toEqual([8, 3, 0, 0]);
    // The paddle under its current cell (2) sends it straight back up-right.
    r = step(base({ ball_y: 8, ball_x: 2, ball_dir: 2, pos: 2 }), i32(0));
    expect([await r.state.ballDir.item(), await r.terminated.item()]).toEqual([1, 0]);
    // Elsewhere: terminated, no reward.
    r = step(base({ ball_y: 8, ball_x: 2, ball_dir: 2, pos: 7 }), i32(0));
    expect([await r.state.ballY.item(), await r.terminated.item(), await r.reward.item()]).toEqual([9, 1, 0]);
  });

  it("resets to one of MinAtar's two starts, jits, vmaps and renders", async () => {
    const resets = jit(vmap((k: Value) => env.reset(k)))(random.split(random.key(0), 32)) as any;
    const xs = await nums(resets.state.ballX);
    const dirs = await nums(resets.state.ballDir);
    expect(new Set(xs)).toEqual(new Set([0, 9]));
    xs.forEach((x, i) => expect(dirs[i]).toBe(x === 0 ? 2 : 3));
    expect(resets.obs.shape).toEqual([32, 10, 10, 4]);
    expect(await env.observationSpace().contains(env.reset(random.key(1)).obs).item()).toBe(1);
    // A random rollout, vmapped: rewards are 0/1.
    const roll = jit(
      vmap((key: Value) => {
        const { state } = env.reset(key);
        return lax.scan(
          (s: BreakoutState, k: Value) => {
            const r = env.step(k, s, random.randint(k, [], 0, 3));
            return [r.state, r.reward];
          },
          state,
          random.split(key, 20),
        )[1];
      }),
    );
    const rew = await nums(roll(random.split(random.key(3), 16)));
    expect(rew.every((r) => r === 0 || r === 1)).toBe(true);
    const render = jit((s: BreakoutState) => env.render(s));
    const s0 = env.reset(random.key(0)).state;
    const f0 = render(s0);
    expect(f0.shape).toEqual([160, 160, 3]);
    const p0 = await nums(f0);
    expect(new Set(p0).size).toBeGreaterThan(3);
    expect(await nums(render(step(s0, i32(2)).state))).not.toEqual(p0);
  });

  it("sticky actions repeat the previous action with the given probability", async () => {
    const sticky = new Breakout({ params: { stickyActionProb: 1 } });
    const s = { ...base(), lastAction: i32(2) };
    expect(await sticky.step(random.key(0), s, i32(1)).state.pos.item()).toBe(5);
  });
});
