// Drawing helpers (exact pixel counts where geometry makes them exact) and every registered
// environment's frames: uint8 [H, W, 3], not blank, different for different states, and the
// same under jit and vmap as eagerly.
import { describe, expect, it, beforeAll } from "vitest";
import { jit, lax, numpy as np, random, tree, vmap, type Value } from "../../src/index.js";
import { envs } from "../../src/envs/index.js";
import * as R from "../../src/envs/render.js";
import { AutoReset, vectorize } from "../../src/envs/wrappers/index.js";
import { backends, hostActions, list, nums, useBackend, yieldEachTest } from "./helpers.js";

yieldEachTest();

const count = (mask: Value) => nums(mask).reduce((a, b) => a + b, 0);

describe("render helpers", () => {
  beforeAll(() => useBackend("ref"));

  it("rect, circle, ring, line and polygon cover the right pixels", () => {
    const g = R.grid(40, 60);
    expect(count(R.rect(g, 10, 5, 30, 15))).toBe(20 * 10);
    expect(count(R.rect(g, 30, 15, 10, 5))).toBe(200); // corners in any order
    const circle = count(R.circle(g, 30, 20, 10));
    expect(Math.abs(circle - Math.PI * 100)).toBeLessThan(10);
    const ring = count(R.ring(g, 30, 20, 5, 10));
    expect(Math.abs(ring - Math.PI * 75)).toBeLessThan(12);
    // An axis-aligned square as a polygon is the rect (pixel centres on half-integers).
    const square = R.polygon(g, [[10, 5], [30, 5], [30, 15], [10, 15]]);
    expect(nums(square)).toEqual(nums(R.rect(g, 10, 5, 30, 15)));
    // A triangle with legs 20 covers about half a 20 x 20 square; a concave "L" its area.
    expect(Math.abs(count(R.polygon(g, [[0, 0], [20, 0], [0, 20]])) - 200)).toBeLessThan(21);
    const L = R.polygon(g, [[0, 0], [20, 0], [20, 10], [10, 10], [10, 20], [0, 20]]);
    expect(count(L)).toBe(300);
    // A horizontal line 3 pixels wide (round caps add up to a pixel each side).
    const ln = count(R.line(g, 10, 20.5, 50, 20.5, 3));
    expect(ln).toBeGreaterThanOrEqual(40 * 3);
    expect(ln).toBeLessThanOrEqual(44 * 3);
    // A rotated box keeps its area.
    const box = count(R.box(g, -10, 10, -3, 3, Math.PI / 5, 30, 20));
    expect(Math.abs(box - 120)).toBeLessThan(12);
  });

  it("y-up grids flip rows; paint, upscale, colorize and grayscale", () => {
    const up = R.grid(4, 3, { yUp: true });
    expect(list(up.y)).toEqual([[3.5, 3.5, 3.5], [2.5, 2.5, 2.5], [1.5, 1.5, 1.5], [0.5, 0.5, 0.5]]);
    let img = R.canvas(4, 3, [10, 20, 30]);
    img = R.paint(img, R.rect(up, 0, 0, 1, 1), [255, 0, 0]); // bottom-left pixel
    expect(img.dtype).toBe("uint8");
    expect((list(img) as number[][][])[3]![0]).toEqual([255, 0, 0]);
    expect((list(img) as number[][][])[0]![0]).toEqual([10, 20, 30]);
    const idx = np.array([[0, 1], [2, 1]], "int32");
    const col = R.colorize(idx, [[0, 0, 0], [255, 255, 255], [255, 0, 0]]);
    expect(list(col)).toEqual([[[0, 0, 0], [255, 255, 255]], [[255, 0, 0], [255, 255, 255]]]);
    const big = R.upscale(col, 2);
    expect(big.shape).toEqual([4, 4, 3]);
    expect((list(big) as number[][][])[3]![1]).toEqual([255, 0, 0]);
    expect(list(R.grayscale(col))).toEqual([[0, 255], [76, 255]]);
    expect(() => R.canvas(0, 3)).toThrow(/positive integers/);
    expect(() => R.paint(np.zeros([2, 2, 3], "float32"), np.ones([2, 2], "bool"), R.BLACK)).toThrow(/uint8/);
  });

  it("shapes at traced positions vmap", () => {
    const g = R.grid(20, 20);
    const f = jit((xs: Value) => vmap((x: Value) => R.paint(R.canvas(20, 20), R.circle(g, x, 10, 3), R.BLACK))(xs));
    const imgs = f(np.array([5, 10, 15], "float32"));
    expect(imgs.shape).toEqual([3, 20, 20, 3]);
    const dark = (i: number) => nums(imgs.get(i, np.s(), np.s(), 0)).filter((v) => v === 0).length;
    expect(dark(0)).toBe(dark(1));
    expect(nums(imgs.get(0))).not.toEqual(nums(imgs.get(1)));
  });
});

describe("frames are the same eagerly, under jit and vmapped", () => {
  for (const backend of backends())
    it(`CartPole (${backend})`, () => {
      useBackend(backend);
      const env = envs.make("CartPole-v1", { renderScale: 0.3 });
      const states = vmap((k: Value) => env.reset(k).state)(random.split(random.key(1), 2));
      const batched = jit((s: unknown) => vmap((x: unknown) => env.render(x))(s))(states);
      const s1 = tree.map((x: Value) => x.get(1), states);
      expect(nums(jit((s: unknown) => env.render(s))(s1))).toEqual(nums(batched.get(1)));
      expect(nums(env.render(s1))).toEqual(nums(batched.get(1)));
      expect(nums(batched.get(0))).not.toEqual(nums(batched.get(1)));
    });
});

/** Pixels that differ from the frame's most common colour (its background). */
function foreground(frame: number[], size: number): number {
  const key = (i: number) => (frame[i]! << 16) | (frame[i + 1]! << 8) | frame[i + 2]!;
  const counts = new Map<number, number>();
  for (let i = 0; i < size * 3; i += 3) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  const bg = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  let n = 0;
  for (let i = 0; i < size * 3; i += 3) if (key(i) !== bg) n++;
  return n;
}

for (const backend of backends()) {
  describe(`every environment renders (${backend})`, () => {
    beforeAll(() => useBackend(backend));
    for (const id of envs.registeredIds().filter((i) => !i.startsWith("Test"))) {
      it(`${id}: non-blank uint8 frames that change with the state, under jit and vmap`, () => {
        useBackend(backend);
        const n = 3;
        const env = vectorize(new AutoReset(envs.make(id, id.endsWith("-v0") || id.endsWith("-v1") ? { renderScale: 0.4 } : {})), n);
        const T = 6;
        const acts = hostActions(env.actionSpace(), T, 4);
        // States by a scan, then one (doubly vmapped) render of all of them: a single render to compile.
        const frames = jit((key: Value, actions: Value) => {
          const r = env.reset(key);
          const [, states] = lax.scan(
            (s: unknown, x: { k: Value; a: Value }) => {
              const next = env.step(x.k, s, x.a).state;
              return [next, next];
            },
            r.state,
            { k: random.split(key, T), a: actions },
          );
          const all = tree.map((a: Value, b: Value) => np.concatenate([np.expandDims(a, 0), b]), r.state, states);
          return vmap((s: unknown) => env.render(s))(all);
        })(random.key(5), acts);
        const [, N, H, W, C] = frames.shape;
        expect(N).toBe(n);
        expect(C).toBe(3);
        expect(frames.dtype).toBe("uint8");
        const flat = nums(frames);
        const size = H! * W!;
        const frame = (t: number, i: number) => flat.slice((t * n + i) * size * 3, (t * n + i + 1) * size * 3);
        for (let t = 0; t <= T; t++)
          for (let i = 0; i < n; i++) expect(foreground(frame(t, i), size), `${id} frame ${t} copy ${i}`).toBeGreaterThan(0);
        // Different states give different pictures: copies differ, or time moves the picture.
        const distinct = new Set<string>();
        for (let t = 0; t <= T; t++) for (let i = 0; i < n; i++) distinct.add(frame(t, i).join(","));
        expect(distinct.size, `${id}: distinct frames`).toBeGreaterThan(2);
      });
    }
  });
}
