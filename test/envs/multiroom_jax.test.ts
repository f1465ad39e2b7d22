// MultiRoom-Stacked-v0 step for step against its JAX port (tools/multiroom_jax.py), from the
// fixture that script writes (test/fixtures/multiroom.json; no Python needed here): random
// actions through TimeLimit + auto-reset, comparing each observation's checksums, the reward,
// terminated / truncated and the agent's cell, keys and room. The layouts are the ones
// bench/multiroom_layout.ts exports for the JAX side. To regenerate:
//   node --import tsx bench/multiroom_layout.ts '{"maxSteps":60}' > /tmp/a.json
//   node --import tsx bench/multiroom_layout.ts '{"roomsY":1,"roomsX":2,"roomSize":2,"lockedDoors":1,"maxSteps":100}' > /tmp/b.json
//   python tools/multiroom_jax.py /tmp/a.json /tmp/b.json --fixture test/fixtures/multiroom.json
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jit, type Array as ConcreteArray, type Value } from "../../src/core/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import "../../src/envs/extra.js";
import { make } from "../../src/envs/registry.js";
import { AutoReset } from "../../src/envs/wrappers/index.js";
import { multiroomLayoutJson } from "../../bench/multiroom_layout.js";
import type { MultiRoomOptions, MultiRoomState } from "../../src/envs/extra.js";

interface Step {
  obs: [number, number];
  reward: number;
  terminated: boolean;
  truncated: boolean;
  pos: [number, number];
  keys: number;
  room: number;
}
interface Trajectory {
  layout: ReturnType<typeof multiroomLayoutJson>;
  actions: number[];
  reset: [number, number];
  steps: Step[];
}
const fixture = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../fixtures/multiroom.json"), "utf8")) as { trajectories: Trajectory[] };

/** The same two sums as tools/multiroom_jax.py's checksum: plain and position-weighted. */
async function checksum(obs: Value): Promise<[number, number]> {
  const x = (await (obs as ConcreteArray).data()) as Uint8Array;
  let [a, b] = [0, 0];
  for (let i = 0; i < x.length; i++) {
    a += x[i]!;
    b += x[i]! * ((i % 65521) + 1);
  }
  return [a, b];
}
const num = async (x: Value) => Number(((await (x as ConcreteArray).data()) as ArrayLike<number>)[0]);

describe("MultiRoom-Stacked-v0 vs its JAX port (tools/multiroom_jax.py)", () => {
  fixture.trajectories.forEach((tr, n) => {
    it(`trajectory ${n}: ${tr.actions.length} random steps on ${JSON.stringify(tr.layout.opts)}, limit ${tr.layout.maxSteps}`, async () => {
      const opts: MultiRoomOptions = { ...tr.layout.opts, obsSize: tr.layout.obsSize, frameStack: tr.layout.frameStack };
      expect(multiroomLayoutJson(opts, tr.layout.maxSteps)).toEqual(tr.layout);
      const env = new AutoReset(make("MultiRoom-Stacked-v0", { ...opts, maxEpisodeSteps: tr.layout.maxSteps }));
      const r0 = env.reset(random.key(0));
      expect(await checksum(r0.obs)).toEqual(tr.reset);
      const step = jit((s: unknown, a: Value) => {
        const r = env.step(random.key(0), s, a);
        return { obs: r.obs, state: r.state, reward: r.reward, terminated: r.terminated, truncated: r.truncated };
      });
      let s: unknown = r0.state;
      for (const [t, want] of tr.steps.entries()) {
        const r = step(s, np.array(tr.actions[t]!, "int32")) as Record<string, Value> & { state: { inner: MultiRoomState } };
        s = r.state;
        const inner = r.state.inner;
        const got = {
          obs: await checksum(r.obs),
          reward: await num(r.reward),
          terminated: Boolean(await num(r.terminated)),
          truncated: Boolean(await num(r.truncated)),
          pos: Array.from((await (inner.pos as ConcreteArray).data()) as Int32Array),
          keys: await num(inner.keys),
          room: await num(inner.room),
        };
        expect(got, `step ${t}`).toEqual(want);
      }
      // The fixture exercises what it should: episode ends (and resets) and a key picked up.
      expect(tr.steps.some((x) => x.terminated || x.truncated)).toBe(true);
      expect(tr.steps.some((x) => x.keys > 0)).toBe(true);
    }, 60_000);
  });
});
