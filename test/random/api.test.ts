// The random API's contract beyond the fixtures: seeds, key handling, jit, and clear errors.
import { describe, expect, it } from "vitest";
import { Array, ShapedArray, jit, makeJaxpr, setBackend, type Value } from "../../src/core/index.js";
import { vmap } from "../../src/core/batching.js";
import { random } from "../../src/random/index.js";
import { erf, erfInv, nextafter } from "../../src/random/special.js";
import { lax } from "../../src/lax/index.js";
import { toNumbers } from "../../src/core/host.js";

setBackend("ref");
const data = (x: Value) => globalThis.Array.from((x as Array).dataSync() as ArrayLike<number>);
const row = (keys: Value, i: number) => lax.reshape(lax.slice(keys, [i, 0], [i + 1, 2]), [2]);

describe("keys", () => {
  it("are raw uint32[2] arrays and keyData is the identity", () => {
    const k = random.key(42);
    expect(k.dtype).toBe("uint32");
    expect(k.shape).toEqual([2]);
    expect(random.keyData(k)).toBe(k);
    expect(data(random.PRNGKey(42))).toEqual([0, 42]);
  });

  it("take number seeds modulo 2^32 (x64 off) and bigint seeds as 64 bits (x64 on)", () => {
    expect(data(random.key(-7))).toEqual([0, 4294967289]);
    expect(data(random.key(2 ** 32 + 5))).toEqual([0, 5]);
    expect(data(random.key(4294967301n))).toEqual([1, 5]);
    expect(data(random.key(-7n))).toEqual([4294967295, 4294967289]);
  });

  it("accept traced integer seeds", () => {
    const f = jit((s: Value) => random.uniform(random.key(s), [3]));
    const seed = new Array(new ShapedArray([], "int32"), { host: Int32Array.of(-7) });
    expect(data(f(seed))).toEqual(data(random.uniform(random.key(-7), [3])));
  });

  it("split gives distinct keys, different from the parent, deterministically", () => {
    const k = random.key(0);
    const ks = random.split(k, 8);
    expect(ks.shape).toEqual([8, 2]);
    const rows = new Set<string>();
    for (let i = 0; i < 8; i++) rows.add(data(row(ks, i)).join(","));
    rows.add(data(k).join(","));
    expect(rows.size).toBe(9);
    expect(data(random.split(k, 8))).toEqual(data(ks));
    expect(random.split(k, [2, 3]).shape).toEqual([2, 3, 2]);
  });

  it("foldIn differs per data and from split", () => {
    const k = random.key(1);
    const a = data(random.foldIn(k, 1));
    expect(a).not.toEqual(data(random.foldIn(k, 2)));
    expect(data(random.foldIn(k, -1))).toEqual(data(random.foldIn(k, 2 ** 32 - 1)));
    const traced = jit((kk: Value, d: Value) => random.foldIn(kk, d));
    expect(data(traced(k, new Array(new ShapedArray([], "int32"), { host: Int32Array.of(1) })))).toEqual(a);
  });
});

describe("jit and tracing", () => {
  it("samplers trace into lax ops only and jit gives the eager result", () => {
    const k = random.key(3);
    const f = (kk: Value) => random.normal(kk, [4]);
    const j = makeJaxpr(f)(k).toString();
    expect(j).toContain("shift_right_logical");
    expect(j).not.toMatch(/threefry/);
    expect(data(jit(f)(k))).toEqual(data(f(k)));
  });

  it("bounds may be arrays that broadcast", () => {
    const k = random.key(5);
    const lo = new Array(new ShapedArray([3, 1], "float32"), { host: Float32Array.of(0, 10, 20) });
    const u = random.uniform(k, [3, 4], "float32", lo, 30);
    const v = data(u);
    for (let i = 0; i < 12; i++) expect(v[i]!).toBeGreaterThanOrEqual([0, 10, 20][Math.floor(i / 4)]!);
    const r = random.randint(k, [3, 4], lax.convertElementType(lo, "int32"), 25);
    for (const x of data(r)) expect(x).toBeLessThan(25);
  });

  it("dtypes: float64 / float16 / bfloat16 uniforms, uint8 bits, narrow randint", () => {
    const k = random.key(9);
    for (const dt of ["float64", "float16", "bfloat16"] as const) {
      const u = random.uniform(k, [100], dt);
      expect(u.dtype).toBe(dt);
      const v = (u as Array).tolistSync() as number[];
      const f = dt === "float64" ? v : globalThis.Array.from(toNumbers({ aval: u.aval, data: (u as Array).dataSync() }));
      expect(Math.min(...f)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...f)).toBeLessThan(1);
      expect(new Set(f).size).toBeGreaterThan(50);
      expect(Math.abs(f.reduce((a, b) => a + b, 0) / 100 - 0.5)).toBeLessThan(0.15);
    }
    expect(random.bits(k, [5], "uint8").dtype).toBe("uint8");
    const r = data(random.randint(k, [200], -3, 300, "uint8"));
    for (const x of r) expect(x >= 0 && x <= 255).toBe(true);
    const i8 = data(random.randint(k, [200], -200, 200, "int8"));
    for (const x of i8) expect(x >= -128 && x <= 127).toBe(true);
  });
});

describe("vmap over keys equals a loop over keys (ref)", () => {
  const ks = random.split(random.key(0), 3);
  const f32 = (xs: number[]) => new Array(new ShapedArray([xs.length], "float32"), { host: Float32Array.from(xs) });
  const logits = f32([0.5, -1, 2, 0]);
  const p = f32([0.1, 0.2, 0.3, 0.4]);
  const cases: [string, (k: Value) => Value][] = [
    ["split", (k) => random.split(k, 2)],
    ["foldIn", (k) => random.foldIn(k, 3)],
    ["bits", (k) => random.bits(k, [3])],
    ["uniform", (k) => random.uniform(k, [3], "float32", -2, 3)],
    ["normal", (k) => random.normal(k, [3])],
    ["randint", (k) => random.randint(k, [3], 0, 10)],
    ["bernoulli", (k) => random.bernoulli(k, 0.5, [3])],
    ["gumbel", (k) => random.gumbel(k, [3])],
    ["exponential", (k) => random.exponential(k, [3])],
    ["truncatedNormal", (k) => random.truncatedNormal(k, -1, 1, [3])],
    ["choice from an array", (k) => random.choice(k, p, [3])],
    ["categorical", (k) => random.categorical(k, logits, -1, [3])],
    ["permutation", (k) => random.permutation(k, 5)],
    ["choice without replacement", (k) => random.choice(k, 4, [2], false)],
    ["choice with p", (k) => random.choice(k, 4, [3], true, p)],
    ["choice with p, without replacement", (k) => random.choice(k, 4, [2], false, p)],
  ];
  for (const [name, f] of cases)
    it(name, (ctx) => {
      setBackend("ref");
      let batched: Value;
      try {
        batched = vmap(f)(ks);
      } catch (e) {
        // Samplers built on sort / argmax / reductions wait for those primitives' batching rules.
        if (/has no batching rule/.test((e as Error).message)) return ctx.skip();
        throw e;
      }
      const loop = [0, 1, 2].map((i) => data(f(row(ks, i))));
      expect(data(batched)).toEqual(loop.flat());
    });
});

describe("lax-built special functions", () => {
  const arr = (dtype: "float32" | "float64", xs: number[]) =>
    new Array(new ShapedArray([xs.length], dtype), { host: dtype === "float32" ? Float32Array.from(xs) : Float64Array.from(xs) });
  it("erf(erfInv(x)) = x, erfInv(±1) = ±inf, known erf values", () => {
    const xs = [-0.999, -0.9, -0.5, -0.1, 0, 0.1, 0.5, 0.9, 0.999];
    for (const [dt, tol] of [["float64", 1e-12], ["float32", 2e-6]] as const) {
      const back = data(erf(erfInv(arr(dt, xs))));
      xs.forEach((x, i) => expect(Math.abs(back[i]! - x), `${dt} ${x}`).toBeLessThan(tol * 10));
      expect(data(erfInv(arr(dt, [1, -1])))).toEqual([Infinity, -Infinity]);
      const e = data(erf(arr(dt, [0.5, 1, 2, -3])));
      [0.5204998778130465, 0.8427007929497149, 0.9953222650189527, -0.9999779095030014].forEach((v, i) => expect(Math.abs(e[i]! - v)).toBeLessThan(tol));
    }
  });
  it("nextafter steps one ulp toward the target", () => {
    const f32 = (v: number) => Math.fround(v);
    const x = arr("float32", [1, 1, -1, 0, 0, 2]);
    const y = arr("float32", [2, 0, -2, 1, -1, 2]);
    expect(data(nextafter(x, y))).toEqual([f32(1 + 2 ** -23), f32(1 - 2 ** -24), f32(-1 - 2 ** -23), 2 ** -149, -(2 ** -149), 2]);
    const x64 = arr("float64", [1, -0.5]);
    expect(data(nextafter(x64, arr("float64", [Infinity, Infinity])))).toEqual([1 + 2 ** -52, -0.5 + 2 ** -54]);
  });
});

describe("errors name the function and the problem", () => {
  const k = random.key(0);
  it("bad keys", () => {
    expect(() => random.uniform(lax.convertElementType(k, "int32"), [2])).toThrow(/random.uniform: key must be a single uint32\[2\] key/);
    expect(() => random.normal(random.split(k, 3), [2])).toThrow(/u32\[3,2\].*vmap/);
  });
  it("bad shapes, dtypes and arguments", () => {
    expect(() => random.uniform(k, [2.5])).toThrow(/random.uniform: shape must be an array of non-negative integers/);
    expect(() => random.uniform(k, [2], "int32")).toThrow(/random.uniform: dtype must be one of float32/);
    expect(() => random.bits(k, [2], "uint16" as any)).toThrow(/random.bits: dtype must be one of uint32, uint8/);
    expect(() => random.randint(k, [2], 0, 2 ** 40)).toThrow(/does not fit in int32/);
    expect(() => random.key(1.5)).toThrow(/seed must be an integer/);
    expect(() => random.choice(k, 3, [5], false)).toThrow(/cannot take a larger sample/);
    expect(() => random.uniform(k, [2], "float32", lax.iota("float32", 3))).toThrow(/does not broadcast/);
    expect(() => random.categorical(k, lax.iota("int32", 3))).toThrow(/logits must be a floating-point array/);
  });
});
