// fast-check properties of the numpy layer (ref backend: exact, fast): broadcasting laws,
// reshape / transpose round trips, reductions, the promotion lattice, jit equals eager.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { jit, setBackend, type Value } from "../../src/core/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import type { DType } from "../../src/xla/dtype.js";
import { values } from "./helpers.js";

beforeAll(() => setBackend("ref"));

const RUNS = { numRuns: 60 };

const dim = fc.integer({ min: 1, max: 4 });
const shapeArb = fc.array(dim, { minLength: 0, maxLength: 4 });

/** A pair of shapes that broadcast: each axis of the second is the first's, or 1, or dropped. */
const broadcastPair = shapeArb.chain((s) =>
  fc
    .tuple(
      fc.array(fc.constantFrom("same", "one"), { minLength: s.length, maxLength: s.length }),
      fc.integer({ min: 0, max: s.length }),
    )
    .map(([modes, drop]) => [s, s.map((d, i) => (modes[i] === "one" ? 1 : d)).slice(drop)] as const),
);

const size = (s: readonly number[]) => s.reduce((p, q) => p * q, 1);
function ints(shape: readonly number[], seed: number): number[] {
  return Array.from({ length: size(shape) }, (_, i) => ((i * 7919 + seed * 104729) % 201) - 100);
}
function arr(shape: readonly number[], seed: number, dtype: DType = "int32"): Value {
  return np.reshape(np.array(ints(shape, seed), dtype), shape);
}

/** numpy's rule written independently: align right, sizes equal or 1. */
function refBroadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    return x === 1 ? y : x;
  });
}

/** Element of x (shape s) at a broadcast position of shape out. */
function at(data: number[], s: readonly number[], out: readonly number[], flat: number): number {
  let idx = 0;
  let rem = flat;
  const coords = out.map((_, i) => {
    const st = size(out.slice(i + 1));
    const c = Math.floor(rem / st);
    rem -= c * st;
    return c;
  });
  const off = out.length - s.length;
  s.forEach((d, i) => (idx = idx * d + (d === 1 ? 0 : coords[off + i]!)));
  return data[idx]!;
}

describe("broadcasting laws", () => {
  it("the broadcast shape follows numpy's rule and is symmetric", () => {
    fc.assert(
      fc.property(broadcastPair, fc.boolean(), ([a, b], swap) => {
        const [p, q] = swap ? [b, a] : [a, b];
        expect(np.broadcastShapes([...p], [...q])).toEqual(refBroadcast(p, q));
        expect(np.broadcastShapes([...q], [...p])).toEqual(refBroadcast(p, q));
      }),
      RUNS,
    );
  });

  it("add broadcasts like a host loop and commutes", () => {
    fc.assert(
      fc.property(broadcastPair, fc.nat(50), ([a, b], seed) => {
        const x = arr(a, seed);
        const y = arr(b, seed + 1);
        const out = refBroadcast(a, b);
        const xy = np.add(x, y);
        expect(xy.shape).toEqual(out);
        expect(values(xy)).toEqual(values(np.add(y, x)));
        const dx = ints(a, seed);
        const dy = ints(b, seed + 1);
        expect(values(xy)).toEqual(Array.from({ length: size(out) }, (_, f) => at(dx, a, out, f) + at(dy, b, out, f)));
      }),
      RUNS,
    );
  });

  it("incompatible shapes are an error naming the function and both shapes", () => {
    expect(() => np.add(np.zeros([2, 3]), np.zeros([4]))).toThrow(/add: .*\[2, 3\] and \[4\]/);
    expect(() => np.where(true, np.zeros([2]), np.zeros([3]))).toThrow(/where:/);
  });
});

describe("reshape and transpose", () => {
  const permArb = shapeArb.chain((s) => fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }).map((p) => [s, p] as const));

  it("transpose by p then by p's inverse is the identity", () => {
    fc.assert(
      fc.property(permArb, fc.nat(50), ([s, p], seed) => {
        const x = arr(s, seed);
        const inv = p.map((_, i) => p.indexOf(i));
        const t = np.transpose(x, p);
        expect(t.shape).toEqual(p.map((i) => s[i]!));
        const back = np.transpose(t, inv);
        expect(back.shape).toEqual(s);
        expect(values(back)).toEqual(values(x));
      }),
      RUNS,
    );
  });

  it("reshape to flat and back is the identity; -1 is inferred", () => {
    fc.assert(
      fc.property(shapeArb, fc.nat(50), (s, seed) => {
        const x = arr(s, seed);
        const flat = np.reshape(x, -1);
        expect(flat.shape).toEqual([size(s)]);
        expect(values(np.reshape(flat, s))).toEqual(values(x));
        if (s.length) expect(np.reshape(x, [s[0]!, -1]).shape).toEqual([s[0]!, size(s) / s[0]!]);
      }),
      RUNS,
    );
  });

  it("moveaxis and swapaxes agree with transpose", () => {
    fc.assert(
      fc.property(permArb, fc.nat(3), fc.nat(3), ([s], i, j) => {
        if (s.length < 1) return;
        const a = i % s.length;
        const b = j % s.length;
        const x = arr(s, 3);
        const p = s.map((_, k) => k);
        [p[a], p[b]] = [p[b]!, p[a]!];
        expect(values(np.swapaxes(x, a, b))).toEqual(values(np.transpose(x, p)));
        const m = np.moveaxis(x, a, b);
        const q = s.map((_, k) => k).filter((k) => k !== a);
        q.splice(b, 0, a);
        expect(values(m)).toEqual(values(np.transpose(x, q)));
      }),
      RUNS,
    );
  });
});

describe("reductions", () => {
  it("the sum over all axes equals summing one axis at a time, in any order", () => {
    fc.assert(
      fc.property(shapeArb.filter((s) => s.length > 0), fc.nat(50), (s, seed) => {
        const x = arr(s, seed);
        const total = values(np.sum(x))[0]!;
        expect(total).toBe(ints(s, seed).reduce((p, q) => p + q, 0));
        let r = x;
        for (let k = s.length - 1; k >= 0; k--) r = np.sum(r, Math.floor(k / 2));
        expect(values(r)).toEqual([total]);
        expect(values(np.sum(x, null, true))).toEqual([total]);
        expect(np.sum(x, null, true).shape).toEqual(s.map(() => 1));
      }),
      RUNS,
    );
  });

  it("max / argmax agree: the value at argmax is the max", () => {
    fc.assert(
      fc.property(shapeArb.filter((s) => s.length > 0), fc.nat(50), (s, seed) => {
        const x = arr(s, seed);
        const ax = s.length - 1;
        const m = np.max(x, ax, true);
        const i = np.argmax(x, ax, true);
        expect(values(np.takeAlongAxis(x, i, ax))).toEqual(values(m));
      }),
      RUNS,
    );
  });

  it("mean times count is the sum; var is the mean squared deviation", () => {
    fc.assert(
      fc.property(shapeArb.filter((s) => s.length > 0), fc.nat(50), (s, seed) => {
        const x = arr(s, seed, "float32");
        const d = ints(s, seed);
        const mu = d.reduce((p, q) => p + q, 0) / d.length;
        expect(values(np.mean(x))[0]).toBeCloseTo(mu, 3);
        const v = d.reduce((p, q) => p + (q - mu) ** 2, 0) / d.length;
        expect(values(np.var(x))[0]! / Math.max(v, 1)).toBeCloseTo(v / Math.max(v, 1), 4);
      }),
      RUNS,
    );
  });
});

const DTYPES: DType[] = ["bool", "uint8", "uint32", "int8", "int32", "int64", "bfloat16", "float16", "float32", "float64"];
const typed = fc.record({ dtype: fc.constantFrom(...DTYPES), weak: fc.boolean() }).map((d) => ({ ...d, weak: d.weak && d.dtype !== "bool" }));

describe("dtype promotion", () => {
  it("is symmetric (weak types included)", () => {
    fc.assert(
      fc.property(typed, typed, (a, b) => {
        expect(np.resultType(a, b)).toBe(np.resultType(b, a));
      }),
      { numRuns: 300 },
    );
  });

  it("is associative for strong dtypes and idempotent", () => {
    for (const a of DTYPES) {
      expect(np.resultType(a, a)).toBe(a);
      for (const b of DTYPES)
        for (const c of DTYPES) expect(np.resultType(np.resultType(a, b), c), `${a} ${b} ${c}`).toBe(np.resultType(a, np.resultType(b, c)));
    }
  });

  it("matches jax.numpy's table (x64 off)", () => {
    const T: [unknown, unknown, string][] = [
      ["int32", "float32", "float32"],
      ["uint32", "int32", "int32"], // int64 in JAX, canonicalised to 32 bits without x64
      ["uint8", "int8", "int32"], // int16 in JAX; this library has no int16
      ["bfloat16", "float16", "float32"],
      ["bool", "uint8", "uint8"],
      ["int64", "float32", "float32"],
      ["float32", "float64", "float64"],
      ["int8", 2, "int8"],
      ["uint8", 300, "uint8"],
      ["float16", 2.5, "float16"],
      ["int32", 2.5, "float32"],
      ["bool", 1, "int32"],
      ["uint32", 0xffffffff, "uint32"],
      [1, 2.5, "float32"],
    ];
    for (const [a, b, want] of T) expect(np.resultType(a, b), `${String(a)} + ${String(b)}`).toBe(want);
    const w = (x: Value) => x.weakType;
    expect(w(np.add(np.array([1, 2], "int32"), 2.5))).toBe(true); // int32 array + JS float: weak float32
    expect(w(np.add(np.array([1.5]), 2))).toBe(false);
    expect(w(np.add(2, 3))).toBe(true);
  });
});

describe("jit equals eager", () => {
  it("for a composite numpy function, values and weak types", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 6, maxLength: 6 }), (d) => {
        const x = np.reshape(np.array(d, "float32"), [2, 3]);
        const f = (a: Value) => np.logSoftmax(np.add(np.matmul(a, np.transpose(a)), 0.5), -1).sum(0).mul(2).get(np.s(null, null, -1));
        const e = f(x);
        const j = jit(f)(x);
        expect(j.weakType).toBe(e.weakType);
        const ev = values(e);
        values(j).forEach((v, i) => expect(v).toBeCloseTo(ev[i]!, 5));
      }),
      { numRuns: 20 },
    );
  });
});
