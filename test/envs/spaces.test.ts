// Spaces: contains(sample) for every key (fast-check), what contains rejects, batching, and
// sampling under jit / vmap.
import { describe, expect, it, beforeAll } from "vitest";
import fc from "fast-check";
import { jit, numpy as np, random, vmap, type Value } from "../../src/index.js";
import { Box, Discrete, DictSpace, MultiDiscrete, TupleSpace, batchSpace, flatDim, type Space, type SpaceValue } from "../../src/envs/spaces.js";
import { list, num, nums, useBackend, yieldEachTest } from "./helpers.js";

yieldEachTest();

beforeAll(() => useBackend("ref"));

const SPACES: Record<string, Space> = {
  discrete: new Discrete(5),
  discreteStart: new Discrete(3, -1),
  boxBounded: new Box(-2, 3, [2, 3]),
  boxPerEntry: new Box([-1, 0, 10], [1, 0.5, 20]),
  boxUnbounded: new Box([-Infinity, 0, -Infinity, 1], [Infinity, Infinity, 2, 1]),
  boxFloat64: new Box(-1, 1, [3], "float64"),
  boxInt: new Box(0, 255, [4, 4], "uint8"),
  boxInt32: new Box(-3, 3, [5], "int32"),
  multiDiscrete: new MultiDiscrete([2, 3, 7]),
  multiDiscrete2d: new MultiDiscrete([[2, 3], [4, 5]], [[0, 1], [-2, 0]]),
  dict: new DictSpace({ pos: new Box(-1, 1, [2]), door: new Discrete(4), grid: new MultiDiscrete([3, 3]) }),
  tuple: new TupleSpace([new Discrete(2), new Box(0, 1, [1]), new TupleSpace([new Discrete(3)])]),
};

const keyArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe("spaces", () => {
  for (const [name, space] of Object.entries(SPACES)) {
    it(`${name}: contains(sample(key)) for every key`, () => {
      fc.assert(
        fc.property(keyArb, (seed) => {
          const x = space.sample(random.key(seed));
          return num(space.contains(x)) === 1;
        }),
        { numRuns: 25 },
      );
    });
  }

  it("samples have the space's shape and dtype, and cover the range", () => {
    const b = SPACES.boxBounded as Box;
    const x = b.sample(random.key(0)) as Value;
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe("float32");
    const d = new Discrete(4, 2);
    const many = vmap((k: Value) => d.sample(k) as Value)(random.split(random.key(1), 200));
    expect(many.dtype).toBe("int32");
    expect([...new Set(nums(many))].sort()).toEqual([2, 3, 4, 5]);
    const u8 = SPACES.boxInt!.sample(random.key(2)) as Value;
    expect(u8.dtype).toBe("uint8");
    const md = vmap((k: Value) => SPACES.multiDiscrete!.sample(k) as Value)(random.split(random.key(3), 300));
    const rows = list(md) as number[][];
    expect(new Set(rows.map((r) => r[2])).size).toBe(7);
  });

  it("unbounded Box sides sample from shifted exponentials / normals (gymnasium's rule)", () => {
    const b = SPACES.boxUnbounded as Box;
    const xs = list(vmap((k: Value) => b.sample(k) as Value)(random.split(random.key(4), 400))) as number[][];
    expect(xs.every((r) => r[1]! >= 0 && r[2]! <= 2 && r[3] === 1)).toBe(true);
    expect(xs.some((r) => r[0]! < -1) && xs.some((r) => r[0]! > 1)).toBe(true); // normal, both signs
    expect(xs.some((r) => r[1]! > 1)).toBe(true); // exponential from 0
  });

  it("contains rejects out-of-range values, wrong shapes, wrong dtypes and wrong structure", () => {
    const c = (s: Space, x: unknown) => num(s.contains(x));
    const d = new Discrete(3);
    expect(c(d, 0)).toBe(1);
    expect(c(d, 2)).toBe(1);
    expect(c(d, 3)).toBe(0);
    expect(c(d, -1)).toBe(0);
    expect(c(d, np.array(1.0, "float32"))).toBe(0); // gymnasium: floats are not elements
    expect(c(d, np.array([1], "int32"))).toBe(0);
    const b = new Box(-1, 1, [2]);
    expect(c(b, [0.5, -1])).toBe(1);
    expect(c(b, [0.5, 1.01])).toBe(0);
    expect(c(b, [0.5])).toBe(0);
    expect(c(b, np.array([NaN, 0], "float32"))).toBe(0);
    expect(c(b, np.array([0, 0], "float64"))).toBe(0); // float64 does not cast safely to float32
    expect(c(b, np.array([0, 0], "int32"))).toBe(0); // nor does int32 (numpy's can_cast)
    expect(c(new Box(-1, 1, [2], "float64"), np.array([0, 0], "float32"))).toBe(1);
    expect(c(SPACES.boxInt32!, np.array([-3, 0, 1, 2, 3], "int32"))).toBe(1);
    expect(c(SPACES.boxInt32!, np.array([-3, 0, 1, 2, 4], "int32"))).toBe(0);
    const md = SPACES.multiDiscrete2d!;
    expect(c(md, np.array([[0, 1], [-2, 0]], "int32"))).toBe(1);
    expect(c(md, np.array([[2, 1], [-2, 0]], "int32"))).toBe(0);
    expect(c(md, np.array([[0, 0], [-2, 0]], "int32"))).toBe(0); // below start
    const dict = SPACES.dict!;
    const good = { pos: np.array([0, 0], "float32"), door: 1, grid: np.array([0, 2], "int32") };
    expect(c(dict, good)).toBe(1);
    expect(c(dict, { ...good, door: 9 })).toBe(0);
    expect(c(dict, { pos: good.pos, door: 1 })).toBe(0);
    expect(c(dict, [good])).toBe(0);
    expect(c(SPACES.tuple!, [1, np.array([0.5], "float32"), [2]])).toBe(1);
    expect(c(SPACES.tuple!, [1, np.array([0.5], "float32")])).toBe(0);
  });

  it("sample and contains trace: under jit and vmap", () => {
    const space = SPACES.dict as DictSpace;
    const f = jit((keys: Value) => vmap((k: Value) => {
      const x = space.sample(k) as Record<string, Value>;
      return { x, ok: space.contains(x) };
    })(keys));
    const out = f(random.split(random.key(9), 16)) as { x: Record<string, Value>; ok: Value };
    expect(out.x.pos!.shape).toEqual([16, 2]);
    expect(nums(out.ok).every((v) => v === 1)).toBe(true);
    // Same draws as eager sampling of each key.
    const keys = random.split(random.key(9), 16);
    const eager = space.sample(keys.get(3)) as Record<string, Value>;
    expect(nums(out.x.door!)[3]).toBe(num(eager.door!));
  });

  it("batchSpace and flatDim follow gymnasium", () => {
    expect(String(batchSpace(new Discrete(3), 4))).toBe("MultiDiscrete([3, 3, 3, 3])");
    const bb = batchSpace(new Box([-1, 0], [1, 2]), 3) as Box;
    expect(bb.shape).toEqual([3, 2]);
    expect(bb.lowValues).toEqual([-1, 0, -1, 0, -1, 0]);
    expect(batchSpace(SPACES.multiDiscrete2d!, 2).shape).toEqual([2, 2, 2]);
    const bd = batchSpace(SPACES.dict!, 5) as DictSpace;
    expect(bd.spaces.pos!.shape).toEqual([5, 2]);
    const xs = bd.sample(random.key(0)) as Record<string, SpaceValue>;
    expect(num(bd.contains(xs))).toBe(1);
    expect(flatDim(new Discrete(4))).toBe(4);
    expect(flatDim(new Box(0, 1, [2, 3]))).toBe(6);
    expect(flatDim(SPACES.dict!)).toBe(2 + 4 + 6);
  });

  it("bad definitions are clear errors", () => {
    expect(() => new Discrete(0)).toThrow(/positive integer/);
    expect(() => new Box(1, 0, [2])).toThrow(/low \(1\) exceeds high \(0\)/);
    expect(() => new Box([0, 0], [1, 1, 1])).toThrow(/shape/);
    expect(() => new Box(-Infinity, 0, [2], "int32")).toThrow(/finite bounds/);
    expect(() => new MultiDiscrete([2, 0])).toThrow(/positive/);
  });
});
