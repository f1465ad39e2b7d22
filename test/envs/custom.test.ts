// The "Writing an environment" example of docs/environments.md, verbatim between the markers,
// checked: it registers, jits, vmaps, composes with wrappers and renders.
import { readFileSync } from "node:fs";
import { describe, expect, it, beforeAll } from "vitest";
import { jit, lax, numpy as np, random, type Value } from "../../src/index.js";
import { envs, type Environment } from "../../src/index.js";
import { bools, list, nums, useBackend, yieldEachTest } from "./helpers.js";

beforeAll(() => useBackend("ref"));
yieldEachTest();

// --- docs/environments.md, "Writing an environment" ---------------------------------------
const { Box, Discrete } = envs.spaces;
const R = envs.render;

interface CorridorState {
  pos: Value; // int32 scalar
}
interface CorridorParams {
  length: number;
}

/** Walk right along a corridor: +1 and the end of the episode on reaching its last cell. */
class Corridor implements Environment<CorridorState, CorridorParams> {
  readonly id = "Corridor-v0";
  readonly defaultParams: CorridorParams = { length: 8 };

  observationSpace(p = this.defaultParams) {
    return new Box(0, 1, [p.length]);
  }
  actionSpace() {
    return new Discrete(2); // 0: left, 1: right
  }
  reset(key: Value, p = this.defaultParams) {
    const pos = random.randint(key, [], 0, Math.floor(p.length / 2)); // somewhere in the left half
    return { obs: this.obs(pos, p), state: { pos } };
  }
  step(_key: Value, s: CorridorState, action: Value, p = this.defaultParams) {
    const pos = np.clip(s.pos.add(np.where(action.eq(1), 1, -1)), 0, p.length - 1);
    const terminated = pos.eq(p.length - 1);
    const reward = np.where(terminated, 1, 0).astype("float32");
    return { obs: this.obs(pos, p), state: { pos }, reward, terminated, truncated: np.asArray(false), info: {} };
  }
  render(s: CorridorState, p = this.defaultParams) {
    const cell = 16;
    const g = R.grid(cell, cell * p.length);
    let img = R.canvas(cell, cell * p.length, [40, 40, 40]);
    img = R.paint(img, R.rect(g, (p.length - 1) * cell, 0, p.length * cell, cell), [0, 160, 0]);
    const cx = s.pos.astype("float32").mul(cell).add(cell / 2);
    return R.paint(img, R.circle(g, cx, cell / 2, cell / 3), [255, 200, 0]);
  }
  private obs(pos: Value, p: CorridorParams) {
    return np.oneHot(pos, p.length); // float32
  }
}

envs.register("Corridor-v0", () => new Corridor(), { maxEpisodeSteps: 50 });
// --- end of the example --------------------------------------------------------------------

describe("the docs' custom environment", () => {
  it("makes, jits, vmaps, auto-resets and renders", () => {
    const env = envs.vectorize(new envs.wrappers.AutoReset(envs.make("Corridor-v0")), 4);
    const run = jit((key: Value) => {
      const r = env.reset(key);
      const [, ys] = lax.scan(
        (s: unknown, k: Value) => {
          const o = env.step(k, s, np.ones([4], "int32")); // always right
          return [o.state, { reward: o.reward, done: o.info.done! }];
        },
        r.state,
        random.split(key, 10),
      );
      return { first: r.obs, ...ys, frame: env.render(r.state) };
    });
    const out = run(random.key(0)) as { first: Value; reward: Value; done: Value; frame: Value };
    expect(out.first.shape).toEqual([4, 8]);
    expect(out.frame.shape).toEqual([4, 16, 128, 3]);
    // Each copy reaches the end within 7 steps and is paid 1 there.
    const starts = (list(out.first) as number[][]).map((row) => row.indexOf(1));
    const done = list(out.done) as boolean[][];
    starts.forEach((s, i) => {
      expect(done[7 - s - 1]![i]).toBe(true);
      expect(nums(out.reward.get(7 - s - 1, i))).toEqual([1]);
    });
    expect(bools(out.done).filter(Boolean).length).toBeGreaterThanOrEqual(4);
  });
});

describe("docs/environments.md", () => {
  it("holds this file's and host.test.ts's examples verbatim", () => {
    const doc = readFileSync(new URL("../../docs/environments.md", import.meta.url), "utf8");
    const block = (file: string, start: string, end: string) => {
      const text = readFileSync(new URL(file, import.meta.url), "utf8");
      const i = text.indexOf(start);
      return text.slice(i, text.indexOf(end, i)).trim();
    };
    expect(doc).toContain(block("./custom.test.ts", "const { Box, Discrete }", "// --- end"));
    expect(doc).toContain(block("./host.test.ts", "/** A 5 x 5 grid", "// ----"));
  });
});
