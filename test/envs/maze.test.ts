// The multi-room maze: a host re-implementation of its rules (plain JS over the layout) plans a
// route (keys, locked doors, goal) and predicts every step; the traced env must agree. Also:
// every generated layout is solvable, frames are non-blank and change with the state, and it
// jits, vmaps (over layouts too) and renders.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { jit, vmap, type Array as ConcreteArray, type Value } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import * as tree from "../../src/pytree/index.js";
import { MultiRoom, TILE, generateLayout, roomOfCell, type Layout, type MultiRoomState } from "../../src/envs/extra.js";
import { make, specOf } from "../../src/envs/registry.js";

const nums = async (x: Value): Promise<number[]> => Array.from((await (x.reshape([-1]) as ConcreteArray).data()) as ArrayLike<number>, Number);
const DY = [-1, 0, 1, 0];
const DX = [0, 1, 0, -1];

/** The maze's rules on the host. */
class HostMaze {
  tiles: number[][];
  y: number;
  x: number;
  keys = 0;
  room: number;
  constructor(readonly l: Layout) {
    this.tiles = l.tiles.map((r) => [...r]);
    [this.y, this.x] = l.start;
    this.room = l.startRoom;
  }
  step(a: number): { reward: number; done: boolean; blocked: boolean } {
    const ty = this.y + DY[a]!;
    const tx = this.x + DX[a]!;
    const t = this.tiles[ty]![tx]!;
    const blocked = t === TILE.WALL || (t === TILE.LOCKED && this.keys === 0);
    if (blocked) return { reward: 0, done: false, blocked };
    if (t === TILE.LOCKED) {
      this.keys--;
      this.tiles[ty]![tx] = TILE.DOOR;
    }
    if (t === TILE.KEY) {
      this.keys++;
      this.tiles[ty]![tx] = TILE.FLOOR;
    }
    [this.y, this.x] = [ty, tx];
    const r = roomOfCell(this.l.opts, ty, tx);
    if (r >= 0) this.room = r;
    return { reward: t === TILE.GOAL ? 1 : 0, done: t === TILE.GOAL, blocked };
  }
  /** Shortest moves to (gy, gx) through passable tiles (locked doors only as the target). */
  pathTo(gy: number, gx: number): number[] | null {
    const H = this.tiles.length;
    const W = this.tiles[0]!.length;
    const prev = new Map<number, [number, number]>();
    const start = this.y * W + this.x;
    prev.set(start, [-1, -1]);
    const q = [start];
    while (q.length) {
      const c = q.shift()!;
      const [cy, cx] = [Math.floor(c / W), c % W];
      if (cy === gy && cx === gx) {
        const moves: number[] = [];
        for (let k = c; k !== start; k = prev.get(k)![0]) moves.unshift(prev.get(k)![1]);
        return moves;
      }
      for (let a = 0; a < 4; a++) {
        const [ny, nx] = [cy + DY[a]!, cx + DX[a]!];
        if (ny < 0 || nx < 0 || ny >= H || nx >= W) continue;
        const t = this.tiles[ny]![nx]!;
        const ok = t !== TILE.WALL && (t !== TILE.LOCKED || (ny === gy && nx === gx));
        const id = ny * W + nx;
        if (ok && !prev.has(id)) {
          prev.set(id, [c, a]);
          q.push(id);
        }
      }
    }
    return null;
  }
}

/** A route that solves the layout: each key, then its door, ..., then the goal. */
function solve(l: Layout): number[] | null {
  const sim = new HostMaze(l);
  const locked = l.doors.filter((d) => d.locked);
  // Locked doors in the order they appear along the room path.
  const order = locked.sort((a, b) => Math.max(...a.rooms.map((r) => l.path.indexOf(r))) - Math.max(...b.rooms.map((r) => l.path.indexOf(r))));
  const targets: [number, number][] = [];
  order.forEach((d, i) => targets.push(l.keys[i]!, d.cell));
  targets.push(l.goal);
  const moves: number[] = [];
  for (const [ty, tx] of targets) {
    if (sim.tiles[ty]![tx] === TILE.FLOOR && !(ty === l.goal[0] && tx === l.goal[1])) continue; // a key already picked up on the way
    const p = sim.pathTo(ty, tx);
    if (!p) return null;
    for (const a of p) sim.step(a);
    moves.push(...p);
  }
  return moves;
}

describe("MultiRoom-v0", () => {
  it("generates solvable layouts: the goal is reachable only through keys and locked doors", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), (seed, ry, rx, locked) => {
        const l = generateLayout({ roomsY: ry, roomsX: rx + 1, roomSize: 5, lockedDoors: locked, seed });
        const route = solve(l);
        expect(route).not.toBeNull();
        const sim = new HostMaze(l);
        const res = route!.map((a) => sim.step(a));
        expect(res.at(-1)!.done).toBe(true);
        expect(res.filter((r) => r.reward > 0).length).toBe(1);
        // Without keys the goal is out of reach when a door on the way is locked.
        const doorsLocked = l.doors.filter((d) => d.locked).length;
        expect(doorsLocked).toBe(Math.min(locked, l.path.length - 1));
        expect(l.keys.length).toBe(doorsLocked);
        if (doorsLocked) expect(new HostMaze(l).pathTo(...l.goal)).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it("follows the host rules step for step: keys open doors, the room changes through doors, reward only at the goal", async () => {
    const env = new MultiRoom({ seed: 3 });
    const l = env.layout;
    expect(l.doors.filter((d) => d.locked).length).toBe(2);
    const route = solve(l)!;
    // Bump into walls and the first locked door before having a key: blocked, nothing changes.
    const sim0 = new HostMaze(l);
    const firstDoor = l.doors.filter((d) => d.locked).sort((a, b) => Math.max(...a.rooms.map((r) => l.path.indexOf(r))) - Math.max(...b.rooms.map((r) => l.path.indexOf(r))))[0]!;
    const toDoor = sim0.pathTo(...firstDoor.cell)!;
    const early = toDoor.slice(0, -1);
    const bump = [...early, toDoor.at(-1)!, toDoor.at(-1)!, ...early.map((a) => (a + 2) % 4).reverse()];
    const actions = [...bump, ...route];
    const sim = new HostMaze(l);
    const expected = actions.map((a) => ({ ...sim.step(a), y: sim.y, x: sim.x, keys: sim.keys, room: sim.room }));
    const run = jit((acts: Value) => {
      const { state } = env.reset(random.key(0));
      return lax.scan(
        (s: MultiRoomState, a: Value) => {
          const r = env.step(random.key(0), s, a);
          return [r.state, { pos: r.state.pos, reward: r.reward, terminated: r.terminated, room: r.info.room, keys: r.info.keys, visited: r.info.roomsVisited }];
        },
        state,
        acts,
      )[1];
    });
    const out = run(np.array(actions, "int32")) as Record<string, Value>;
    const [pos, reward, term, room, keys, visited] = await Promise.all(["pos", "reward", "terminated", "room", "keys", "visited"].map((k) => nums(out[k]!)));
    const seen = new Set([l.startRoom]);
    expected.forEach((e, t) => {
      const where = `step ${t}`;
      expect([pos[2 * t], pos[2 * t + 1]], where).toEqual([e.y, e.x]);
      expect(reward[t], where).toBe(e.reward);
      expect(term[t], where).toBe(e.done ? 1 : 0);
      expect(keys[t], where).toBe(e.keys);
      expect(room[t], where).toBe(e.room);
      seen.add(e.room);
      expect(visited[t], where).toBe(seen.size);
    });
    // The bump into the locked door without a key is blocked.
    expect(expected[early.length]!.blocked).toBe(true);
    // Keys went 0 -> 1 -> 0 twice; reward once, at the very end.
    expect(Math.max(...keys)).toBeGreaterThanOrEqual(1);
    expect(reward.reduce((a, b) => a + b)).toBe(1);
    expect(reward.at(-1)).toBe(1);
    // The room changes exactly when the agent steps from a door onto a new room's floor.
    let changes = 0;
    for (let t = 1; t < expected.length; t++)
      if (room[t] !== room[t - 1]) {
        changes++;
        const prev = expected[t - 1]!;
        expect(l.tiles[prev.y]![prev.x] === TILE.DOOR || l.tiles[prev.y]![prev.x] === TILE.LOCKED).toBe(true);
      }
    expect(changes).toBeGreaterThanOrEqual(l.path.length - 1);
  });

  it("draws non-blank frames that change with the agent, the keys held and the room", async () => {
    const env = new MultiRoom({ seed: 3 });
    const l = env.layout;
    const frame = jit((s: MultiRoomState) => env.frame(s));
    const { obs, state } = env.reset(random.key(0));
    expect(obs.shape).toEqual([1, 64, 64]);
    expect(obs.dtype).toBe("uint8");
    expect(await env.observationSpace().contains(obs).item()).toBe(1);
    const f0 = await nums(obs);
    expect(new Set(f0).size).toBeGreaterThan(3);
    expect(f0.filter((v) => v === 255).length).toBeGreaterThan(20); // the agent
    const sim = new HostMaze(l);
    const moves = solve(l)!;
    const step = jit((s: MultiRoomState, a: Value) => env.step(random.key(0), s, a));
    let s = state;
    const frames: number[][] = [f0];
    const info: { room: number; keys: number }[] = [{ room: l.startRoom, keys: 0 }];
    for (const a of moves.slice(0, 40)) {
      sim.step(a);
      s = step(s, np.array(a, "int32")).state;
      frames.push(await nums(frame(s)));
      info.push({ room: sim.room, keys: sim.keys });
    }
    const diff = (a: number[], b: number[]) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);
    const corner = (f: number[]) => f.filter((_, i) => Math.floor(i / 64) < 8 && i % 64 < 8).join();
    let roomChanges = 0;
    for (let t = 1; t < frames.length; t++) {
      const d = diff(frames[t]!, frames[t - 1]!);
      expect(d, `step ${t}`).toBeGreaterThan(0);
      if (info[t]!.room !== info[t - 1]!.room) {
        // Another room: its walls have another shade.
        roomChanges++;
        expect(d, `step ${t}`).toBeGreaterThan(1000);
      } else if (info[t]!.keys === info[t - 1]!.keys) expect(d, `step ${t}`).toBeLessThanOrEqual(2 * 64); // the agent's two tiles
      // A key held shows in the top-left corner.
      if (info[t]!.room === info[t - 1]!.room) expect(corner(frames[t]!) !== corner(frames[t - 1]!), `step ${t}`).toBe(info[t]!.keys > 0 !== info[t - 1]!.keys > 0);
    }
    expect(roomChanges).toBeGreaterThan(0);
    expect(info.some((i) => i.keys > 0)).toBe(true);
  });

  it("draws the same frames by slice-gather (even tile sizes) as by per-pixel lookups, and handles uneven sizes", async () => {
    for (const obsSize of [64, 96, 63]) {
      const env = new MultiRoom({ seed: 5, obsSize });
      const both = jit((s: MultiRoomState) => [env.frame(s), env.frameByTable(s)]);
      const r0 = env.reset(random.key(0));
      const obs = r0.obs;
      let state = r0.state;
      // The reset frame (drawn on the host) is the traced drawing of the reset state.
      expect(await nums(obs)).toEqual(await nums(both(state)[0]!));
      const step = jit((s: MultiRoomState, a: Value) => env.step(random.key(0), s, a).state);
      for (const a of solve(env.layout)!.slice(0, 30)) {
        state = step(state, np.array(a, "int32"));
        const [f, g] = both(state) as Value[];
        expect(f!.shape).toEqual([obsSize, obsSize]);
        expect(await nums(f!)).toEqual(await nums(g!));
      }
    }
  });

  it("jits and vmaps over environments and over layouts, and renders", async () => {
    const env = new MultiRoom();
    const layouts = [0, 1, 2, 3].map((seed) => env.layoutParams(seed));
    const params = tree.map((...xs: Value[]) => np.stack(xs), ...(layouts as [any, ...any[]]));
    const roll = jit(
      vmap((p: any, key: Value) => {
        const { state } = env.reset(key, p);
        const [last, rooms] = lax.scan(
          (s: MultiRoomState, k: Value) => {
            const r = env.step(k, s, random.randint(k, [], 0, 4), p);
            return [r.state, r.info.room];
          },
          state,
          random.split(key, 200),
        );
        return { last, rooms, frame: env.frame(last), img: env.render(last) };
      }),
    );
    const keys = random.split(random.key(0), 4);
    const out = roll(params, keys) as any;
    expect(out.frame.shape).toEqual([4, 64, 64]);
    expect(out.img.shape).toEqual([4, 8 * 22, 8 * 22, 3]);
    // Each vmapped lane equals the unbatched run of its layout.
    for (const i of [0, 3]) {
      const single = jit((p: any, key: Value) => {
        const { state } = env.reset(key, p);
        return lax.scan((s: MultiRoomState, k: Value) => [env.step(k, s, random.randint(k, [], 0, 4), p).state, null], state, random.split(key, 200))[0];
      })(layouts[i], keys.get(i)) as MultiRoomState;
      expect(await nums(single.pos)).toEqual((await nums(out.last.pos)).slice(2 * i, 2 * i + 2));
      expect(await nums(single.tiles)).toEqual((await nums(out.last.tiles)).slice(i * 484, (i + 1) * 484));
    }
    const img = await nums(out.img);
    expect(new Set(img).size).toBeGreaterThan(5);
  });

  it("offers 4×96×96 stacked frames and float observations; is registered with a 1,000-step limit", async () => {
    expect(specOf("MultiRoom-v0").maxEpisodeSteps).toBe(1000);
    const env = make("MultiRoom-Stacked-v0") as any;
    expect(env.observationSpace().shape).toEqual([4, 96, 96]);
    const { obs, state } = env.reset(random.key(0));
    expect(obs.shape).toEqual([4, 96, 96]);
    const step = jit((s: any, a: Value) => env.step(random.key(0), s, a));
    let r = step(state, np.array(0, "int32"));
    for (const a of [1, 2, 3]) r = step(r.state, np.array(a, "int32"));
    const o = await nums(r.obs);
    const frame = (k: number) => o.slice(k * 96 * 96, (k + 1) * 96 * 96);
    expect(new Set([0, 1, 2, 3].map((k) => frame(k).join())).size).toBeGreaterThan(1);
    // The newest frame is last: it equals a fresh drawing of the current state.
    expect(frame(3)).toEqual(await nums(env.unwrapped.frame(r.state.inner)));
    const f = new MultiRoom({ obsDtype: "float32" });
    const fo = await nums(f.reset(random.key(0)).obs);
    expect(Math.max(...fo)).toBeLessThanOrEqual(1);
    expect(Math.max(...fo)).toBeGreaterThan(0.9);
    expect(() => new MultiRoom({ roomsY: 1, roomsX: 1 })).toThrow(/at least 2 rooms/);
  });
});
