// Control flow (scan, whileLoop, forLoop, cond, switch) on both backends, eagerly and under
// jit: against host loops (fast-check), JAX fixtures, nesting, captures and error messages.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { Array, ShapedArray, backendName, compileStats, jit, makeJaxpr, setBackend, valueAndGrad, vmap, type Value } from "../../src/core/index.js";
import { fromNumbers, toNumbers } from "../../src/core/host.js";
import { lax as ew } from "../../src/lax/elementwise.js";
import { convertLax } from "../../src/lax/convert.js";
import { controlLax } from "../../src/lax/control/index.js";
import { shapeLax } from "../../src/lax/shape.js";
import type { DType } from "../../src/xla/dtype.js";
import "../../src/lax/index.js"; // every family's VJP and batching rules, for vmap_cond / grad_discounted_return

const { scan, whileLoop, forLoop, cond, switch: switch_ } = controlLax;

const backends = process.env.XLA_TS_BACKEND === "ref" ? (["ref"] as const) : (["ref", "xla"] as const);
const initial = backendName();
afterEach(() => setBackend(initial));

function arr(values: readonly number[], shape: readonly number[] = [values.length], dtype: DType = "float32"): Array {
  return new Array(new ShapedArray(shape, dtype), { host: fromNumbers(values, shape, dtype).data });
}
const f32 = (v: number) => arr([v], [], "float32");
const i32 = (v: number) => arr([v], [], "int32");
const full = (v: number, shape: number[], dtype: DType = "float32") => arr(new globalThis.Array(shape.reduce((a, b) => a * b, 1)).fill(v), shape, dtype);
function vals(x: unknown): number[] {
  const a = x as Array;
  return globalThis.Array.from(toNumbers({ aval: a.aval, data: a.hostSync() }));
}

/** Runs `f` eagerly and under jit; returns both results. */
function both<A extends unknown[], R>(f: (...args: A) => R, ...args: A): [string, R][] {
  return [
    ["eager", f(...args)],
    ["jit", jit(f)(...args) as R],
  ];
}

/** The host float32 result of `a op b`. */
const fr = Math.fround;

describe.each(backends)("control flow on %s", (backend) => {
  const use = () => setBackend(backend);

  describe("scan", () => {
    it("equals a host loop (property over lengths and values)", () => {
      use();
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 6 }), fc.array(fc.integer({ min: -16, max: 16 }), { minLength: 14, maxLength: 14 }), (len, raw) => {
          const xsv = raw.slice(0, 2 * len).map((v) => v / 4);
          const init = [raw[12]! / 4, raw[13]! / 4];
          // Host loop: c = c * 0.5 + x; y = c_old * x.
          let c = init.slice();
          const ys: number[] = [];
          for (let t = 0; t < len; t++) {
            const x = xsv.slice(2 * t, 2 * t + 2);
            ys.push(...c.map((ci, k) => fr(ci * x[k]!)));
            c = c.map((ci, k) => fr(fr(ci * 0.5) + x[k]!));
          }
          const half = full(0.5, [2]);
          const f = (c0: Value, xs: Value) => scan((c: Value, x: Value) => [ew.add(ew.mul(c, half), x), ew.mul(c, x)], c0, xs);
          for (const [mode, [cOut, ysOut]] of both(f, arr(init, [2]), arr(xsv, [len, 2]))) {
            expect(vals(cOut), mode).toEqual(c);
            expect(vals(ysOut), mode).toEqual(ys);
            expect((ysOut as Value).shape, mode).toEqual([len, 2]);
          }
        }),
        { numRuns: backend === "xla" ? 12 : 40 },
      );
    });

    it("reverse scans from the last row, keeping ys in place; unroll does not change results", () => {
      use();
      const xs = [1, 2, 3, 4, 5, 6, 7];
      // Reverse running sum: y_t = sum_{s >= t} x_s.
      const want = xs.map((_, t) => xs.slice(t).reduce((a, b) => a + b, 0));
      for (const unroll of [1, 2, 3, true] as const) {
        const f = (x: Value) => scan((c: Value, r: Value) => [ew.add(c, r), ew.add(c, r)], f32(0), x, { reverse: true, unroll });
        for (const [mode, [c, ys]] of both(f, arr(xs))) {
          expect(vals(c), `${mode} unroll ${unroll}`).toEqual([28]);
          expect(vals(ys), `${mode} unroll ${unroll}`).toEqual(want);
        }
      }
    });

    it("carries a pytree with null xs and an explicit length; ys may be any pytree or null", () => {
      use();
      const f = (a: Value, n: Value) =>
        scan(
          (c: { a: Value; n: Value[] }) => [{ a: ew.mul(c.a, full(2, [2])), n: [ew.add(c.n[0]!, i32(1))] }, { double: c.a, count: c.n[0]! }],
          { a, n: [n] },
          null,
          { length: 3 },
        );
      for (const [mode, [c, ys]] of both(f, arr([1, -1]), i32(10))) {
        expect(vals(c.a), mode).toEqual([8, -8]);
        expect(vals(c.n[0]), mode).toEqual([13]);
        expect(c.n[0]!.dtype).toBe("int32");
        expect(vals(ys.double), mode).toEqual([1, -1, 2, -2, 4, -4]);
        expect(vals(ys.count), mode).toEqual([10, 11, 12]);
      }
      const [c, ys] = scan((c: Value) => [ew.neg(c), null], f32(3), undefined, { length: 5 });
      expect(vals(c)).toEqual([-3]);
      expect(ys).toBeNull();
    });

    it("handles length 0 (the init comes back, ys are empty)", () => {
      use();
      const f = (c0: Value, xs: Value) => scan((c: Value, x: Value) => [ew.add(c, x), ew.mul(c, x)], c0, xs);
      for (const [mode, [c, ys]] of both(f, arr([1, 2]), arr([], [0, 2]))) {
        expect(vals(c), mode).toEqual([1, 2]);
        expect((ys as Value).shape, mode).toEqual([0, 2]);
      }
    });

    it("gives a JS-number init the body's type (weak promotion, as JAX)", () => {
      use();
      const f = (xs: Value) => scan((c: Value, x: Value) => [x, c], 0 as unknown as Value, xs);
      for (const [mode, [c, ys]] of both(f, arr([1.5, 2.5, 3.5]))) {
        expect(vals(c), mode).toEqual([3.5]);
        expect((c as Value).aval.toString(), mode).toBe("f32[]");
        expect(vals(ys), mode).toEqual([0, 1.5, 2.5]);
        expect((ys as Value).dtype, mode).toBe("float32");
      }
    });

    it("traces the body once into a single scan equation", () => {
      use();
      let calls = 0;
      const body = (c: Value, x: Value): [Value, Value] => {
        calls++;
        return [ew.add(c, x), c];
      };
      const j = makeJaxpr((xs: Value) => scan(body, f32(0), xs))(arr([1, 2, 3, 4]));
      expect(calls).toBe(1);
      expect(j.eqns.map((e) => e.prim.name)).toEqual(["scan"]);
      expect(j.toString()).toContain("length=4");
    });
  });

  describe("whileLoop and forLoop", () => {
    it("runs a while loop (JAX's while_sum)", () => {
      use();
      const f = (n: Value) =>
        whileLoop(
          ([i]: [Value, Value]) => ew.lt(i, n),
          ([i, s]: [Value, Value]) => [ew.add(i, i32(1)), ew.add(s, ew.mul(i, i))] as [Value, Value],
          [i32(0), i32(0)] as [Value, Value],
        );
      for (const n of [0, 1, 10]) {
        for (const [mode, [i, s]] of both(f, i32(n))) {
          expect(vals(i), mode).toEqual([n]);
          expect(vals(s), mode).toEqual([(n * (n - 1) * (2 * n - 1)) / 6]);
        }
      }
    });

    it("accepts JS numbers in the carry (weak scalars) and a JS boolean condition", () => {
      use();
      const [i, s] = whileLoop(([i]: [Value, Value]) => ew.lt(i, i32(4)), ([i, s]: [Value, Value]) => [ew.add(i, i32(1)), ew.add(s, i)], [0, 0] as unknown as [Value, Value]);
      expect(vals(i)).toEqual([4]);
      expect(vals(s)).toEqual([6]);
      expect(i.aval.toString()).toBe("i32[]");
      const never = whileLoop(() => false, (x: Value) => ew.neg(x), f32(2));
      expect(vals(never)).toEqual([2]);
    });

    it("forLoop with static bounds (a scan) and traced bounds (a while loop)", () => {
      use();
      // JAX fori_loop(0, 10, lambda i, x: x * 1.1 + i, x0)
      const body = (i: Value, x: Value) => ew.add(ew.mul(x, f32(1.1)), convertLax.convertElementType(i, "float32"));
      const host = (x0: number, lo: number, hi: number) => {
        let x = x0;
        for (let i = lo; i < hi; i++) x = fr(fr(x * fr(1.1)) + i);
        return x;
      };
      for (const [mode, out] of both((x0: Value) => forLoop(0, 10, body, x0), f32(1))) expect(vals(out), mode).toEqual([host(1, 0, 10)]);
      expect(makeJaxpr((x0: Value) => forLoop(0, 10, body, x0))(f32(1)).eqns.map((e) => e.prim.name)).toEqual(["scan"]);
      const traced = (lo: Value, hi: Value, x0: Value) => forLoop(lo, hi, body, x0);
      for (const [mode, out] of both(traced, i32(3), i32(7), f32(-2))) expect(vals(out), mode).toEqual([host(-2, 3, 7)]);
      expect(makeJaxpr(traced)(i32(3), i32(7), f32(-2)).eqns.map((e) => e.prim.name)).toEqual(["while"]);
      // Empty ranges run no iterations.
      expect(vals(forLoop(5, 2, body, f32(7)))).toEqual([7]);
      expect(vals(forLoop(i32(5), 2, body, f32(7)))).toEqual([7]);
    });
  });

  describe("cond and switch", () => {
    it("picks the branch the predicate names (property)", () => {
      use();
      const f = (p: Value, x: Value, y: Value) => cond(p, (a: Value, b: Value) => [ew.mul(a, b), a], (a: Value, b: Value) => [ew.sub(a, b), b], x, y);
      const jf = jit(f);
      fc.assert(
        fc.property(fc.boolean(), fc.integer({ min: -64, max: 64 }), fc.integer({ min: -64, max: 64 }), (p, a, b) => {
          const x = a / 8;
          const y = b / 8;
          const want = p ? [fr(x * y), x] : [fr(x - y), y];
          for (const out of [f(arr([p ? 1 : 0], [], "bool"), f32(x), f32(y)), jf(arr([p ? 1 : 0], [], "bool"), f32(x), f32(y))])
            expect([...vals(out[0]), ...vals(out[1])]).toEqual(want);
        }),
        { numRuns: 30 },
      );
    });

    it("accepts numeric predicates (nonzero is true) and JS booleans", () => {
      use();
      const t = (x: Value) => ew.neg(x);
      const e = (x: Value) => x;
      expect(vals(cond(f32(0.5), t, e, f32(2)))).toEqual([-2]);
      expect(vals(cond(i32(0), t, e, f32(2)))).toEqual([2]);
      expect(vals(cond(true, t, e, f32(2)))).toEqual([-2]);
    });

    it("switch clamps out-of-range indices, as lax.switch", () => {
      use();
      const branches = [(x: Value) => ew.add(x, f32(1)), (x: Value) => ew.mul(x, f32(2)), (x: Value) => ew.neg(x)];
      const f = (i: Value, x: Value) => switch_(i, branches, x);
      const want: Record<number, number> = { [-5]: 6, [-1]: 6, 0: 6, 1: 10, 2: -5, 3: -5, 100: -5 };
      for (const [i, w] of Object.entries(want)) for (const [mode, out] of both(f, i32(Number(i)), f32(5))) expect(vals(out), `${mode} index ${i}`).toEqual([w]);
      expect(vals(switch_(7, branches, f32(5)))).toEqual([-5]);
      expect(vals(switch_(arr([1], [], "uint8"), branches, f32(5)))).toEqual([10]);
    });

    it("lets branches capture different values (the union is passed to every branch)", () => {
      use();
      const a = arr([1, 2, 3]);
      const b = arr([10, 20, 30]);
      const f = (p: Value, x: Value) => cond(p, (u: Value) => ew.add(u, a), (u: Value) => ew.mul(u, b), x);
      for (const [mode, out] of both(f, arr([1], [], "bool"), arr([1, 1, 1]))) expect(vals(out), mode).toEqual([2, 3, 4]);
      for (const [mode, out] of both(f, arr([0], [], "bool"), arr([1, 1, 1]))) expect(vals(out), mode).toEqual([10, 20, 30]);
      const j = makeJaxpr(f)(arr([1], [], "bool"), arr([1, 1, 1]));
      const eqn = j.eqns.find((e) => e.prim.name === "cond")!;
      expect(eqn.inputs.length).toBe(4); // index, a, b, x
    });

    it("joins weak types: an output is weak only when weak in every branch", () => {
      use();
      const out = cond<unknown>(arr([1], [], "bool"), () => 1.5, () => f32(2));
      expect((out as Value).aval.toString()).toBe("f32[]");
      expect(vals(out)).toEqual([1.5]);
      const weak = cond<unknown>(arr([0], [], "bool"), () => 1.5, () => 2.5);
      expect((weak as Value).aval.toString()).toBe("~f32[]");
      expect(vals(weak)).toEqual([2.5]);
    });
  });

  describe("nesting and captures", () => {
    it("runs a scan inside a cond inside a while loop", () => {
      use();
      // 3 rounds: even rounds replace v by its cumulative sum, odd rounds negate it.
      const f = (v0: Value) =>
        whileLoop(
          ([i]: [Value, Value]) => ew.lt(i, i32(3)),
          ([i, v]: [Value, Value]) => [
            ew.add(i, i32(1)),
            cond(
              ew.eq(ew.rem(i, i32(2)), i32(0)),
              (u: Value) => scan((c: Value, r: Value) => [ew.add(c, r), ew.add(c, r)], f32(0), u)[1] as Value,
              (u: Value) => ew.neg(u),
              v,
            ),
          ] as [Value, Value],
          [i32(0), v0] as [Value, Value],
        )[1];
      // [1,2,3] -> cumsum [1,3,6] -> [-1,-3,-6] -> cumsum [-1,-4,-10]
      for (const [mode, out] of both(f, arr([1, 2, 3]))) expect(vals(out), mode).toEqual([-1, -4, -10]);
    });

    it("captures concrete arrays and tracers of an enclosing jit", () => {
      use();
      const w = arr([1, 2]);
      const body = (c: Value, x: Value): [Value, Value] => [ew.add(c, ew.mul(x, w)), c];
      const [c] = scan(body, arr([0, 0]), arr([1, 1, 2, 2], [2, 2]));
      expect(vals(c)).toEqual([3, 6]);
      const g = jit((wt: Value, xs: Value) => scan((c: Value, x: Value) => [ew.add(c, ew.mul(x, wt)), c], arr([0, 0]), xs)[0]);
      expect(vals(g(arr([3, -1]), arr([1, 1, 2, 2], [2, 2])))).toEqual([9, -3]);
      const j = makeJaxpr((wt: Value, xs: Value) => scan((c: Value, x: Value) => [ew.add(c, ew.mul(x, wt)), c], arr([0, 0]), xs)[0])(arr([3, -1]), arr([1, 1, 2, 2], [2, 2]));
      expect(j.eqns[0]!.params.numConsts).toBe(1);
      // A while loop whose condition and body read the enclosing jit's arguments.
      const h = jit((limit: Value, step: Value) => whileLoop((x: Value) => ew.lt(x, limit), (x: Value) => ew.add(x, step), f32(0)));
      expect(vals(h(f32(10), f32(3)))).toEqual([12]);
    });

    it("a cond inside a scan body reads the scan's x (JAX's scan_cond_nested)", () => {
      use();
      const f = (xs: Value) =>
        scan(
          (c: Value, x: Value) => {
            const n = cond(ew.lt(x, f32(0)), (cc: Value) => ew.sub(cc, cc), (cc: Value) => ew.add(cc, x), c);
            return [n, n];
          },
          f32(0),
          xs,
        );
      for (const [mode, [c, ys]] of both(f, arr([1, 2, -1, 3, 0.5, -2, 4]))) {
        expect(vals(c), mode).toEqual([4]);
        expect(vals(ys), mode).toEqual([1, 3, 0, 3, 3.5, 0, 4]);
      }
    });
  });

  it("eager control flow reuses compiled programs when called again", () => {
    use();
    const run = () => scan((c: Value, x: Value) => [ew.add(c, x), c], f32(0), arr([1, 2, 3]))[0];
    expect(vals(run())).toEqual([6]);
    const before = compileStats.compiles;
    expect(vals(run())).toEqual([6]);
    expect(compileStats.compiles).toBe(before);
  });
});

describe("control-flow errors", () => {
  const x3 = arr([1, 2, 3]);
  it("scan: a carry whose shape or dtype changes names scan and the leaf", () => {
    expect(() => scan((c: Value, x: Value) => [x, c], arr([0, 0]), arr([1, 2, 3, 4, 5, 6], [2, 3]))).toThrow(
      /scan: .*carry is f32\[2\] on input but f32\[3\] on output \(the shapes differ\)/,
    );
    expect(() =>
      scan((c: { a: Value; b: Value }) => [{ a: c.a, b: convertLax.convertElementType(c.b, "float32") }, null], { a: x3, b: i32(0) }, null, { length: 2 }),
    ).toThrow(/scan: .*carry\.b is i32\[\] on input but f32\[\] on output \(the dtypes differ\)/);
  });

  it("scan: carry tree structure, xs and length mistakes", () => {
    expect(() => scan((c: Value) => [[c, c] as never, null], x3, null, { length: 2 })).toThrow(/scan: .*same tree structure/);
    expect(() => scan((c: Value) => [c, null], x3, null)).toThrow(/scan: .*length/);
    expect(() => scan((c: Value) => [c, null], x3, [arr([1, 2]), arr([1, 2, 3])])).toThrow(/scan: .*different leading axis sizes/);
    expect(() => scan((c: Value) => [c, null], x3, arr([1, 2]), { length: 3 })).toThrow(/scan: the length option \(3\) disagrees/);
    expect(() => scan((c: Value) => [c, null], x3, f32(1))).toThrow(/scan: xs is a scalar/);
    expect(() => scan((c: Value) => c as never, x3, arr([1, 2]))).toThrow(/scan: the body function must return a pair/);
  });

  it("whileLoop: carry mismatch and a non-bool condition", () => {
    expect(() => whileLoop(() => true, (c: Value) => convertLax.convertElementType(c, "int32"), x3)).toThrow(
      /whileLoop: .*carry is f32\[3\] on input but i32\[3\] on output/,
    );
    expect(() => whileLoop((c: Value) => c, (c: Value) => c, f32(1))).toThrow(/whileLoop: the cond function must return a bool scalar, got f32\[\]/);
  });

  it("cond / switch: branch outputs must agree in structure, shape and dtype", () => {
    const p = arr([1], [], "bool");
    expect(() => cond(p, (x: Value) => x, () => arr([1, 2]), x3)).toThrow(/cond: .*out is f32\[2\] in falseFn and f32\[3\] in trueFn \(the shapes differ\)/);
    expect(() => cond(p, (x: Value) => ({ y: x }), (x: Value) => ({ y: convertLax.convertElementType(x, "int32") }), x3)).toThrow(/cond: .*out\.y .*the dtypes differ/);
    expect(() => cond<unknown>(p, (x: Value) => [x, x], (x: Value) => x, x3)).toThrow(/cond: falseFn and trueFn must return the same tree structure/);
    expect(() => switch_(i32(0), [(x: Value) => x, (x: Value) => x, () => f32(0)], x3)).toThrow(/switch: .*branch 0 and f32\[\] in branch 2/);
    expect(() => cond(arr([1, 0], [2], "bool"), (x: Value) => x, (x: Value) => x, x3)).toThrow(/cond: the predicate must be a scalar/);
    expect(() => switch_(f32(0), [(x: Value) => x], x3)).toThrow(/switch: the index must have an integer dtype/);
  });

  it("using a tracer as a JS boolean inside a body names lax.cond / np.where", () => {
    const msg = /lax\.cond.*np\.where/;
    expect(() => scan((c: Value, x: Value) => [(x as unknown as number) > 0 ? c : x, c], f32(0), x3)).toThrow(msg);
    expect(() => whileLoop((c: Value) => ((c as unknown as number) < 3 ? arr([1], [], "bool") : arr([0], [], "bool")), (c: Value) => c, f32(0))).toThrow(msg);
    expect(() => cond(arr([1], [], "bool"), (x: Value) => (Number(x) ? x : x), (x: Value) => x, f32(0))).toThrow(msg);
  });
});

// --- JAX fixtures (tools/fixtures_control.py; each program run under jax.jit) --------------

interface Enc {
  shape: number[];
  dtype: DType;
  data: (number | string | boolean)[];
}
interface Program {
  name: string;
  runs: { inputs: Record<string, unknown>; outputs: Record<string, Enc> }[];
}
const fixtures = JSON.parse(readFileSync(new URL("../fixtures/control.json", import.meta.url), "utf8")) as { programs: Program[] };

const num = (v: number | string | boolean) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : typeof v === "boolean" ? (v ? 1 : 0) : Number(v));
const decode = (e: Enc): Array => arr(e.data.map(num), e.shape, e.dtype);
function decodeTree(x: unknown): unknown {
  if (x && typeof x === "object" && "dtype" in x) return decode(x as Enc);
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, decodeTree(v)]));
  return x;
}

/** Scalar `v` broadcast like `like` (the lax face does not broadcast; numpy would). */
const fill = (v: number, like: Value) => full(v, [...like.shape], like.dtype);

const programs: Record<string, (inp: Record<string, any>) => Record<string, Value>> = {
  discounted_return: ({ rewards, dones, gamma, bootstrap }) => {
    const [g0, returns] = scan(
      (gNext: Value, [r, d]: [Value, Value]) => {
        const gam = shapeLax.broadcastInDim(gamma, r.shape, []);
        const g = ew.add(r, ew.mul(ew.mul(gam, ew.sub(fill(1, d), d)), gNext));
        return [g, g];
      },
      bootstrap as Value,
      [rewards, dones],
      { reverse: true },
    );
    return { returns: returns as Value, g0 };
  },
  cumsum_scan: ({ init, xs }) => {
    const [final, ys] = scan((c: Value, x: Value) => [ew.add(c, x), ew.mul(c, x)], init as Value, xs);
    return { final, ys: ys as Value };
  },
  while_sum: ({ n }) => {
    const [i, s] = whileLoop(([i]: [Value, Value]) => ew.lt(i, n), ([i, s]: [Value, Value]) => [ew.add(i, i32(1)), ew.add(s, ew.mul(i, i))], [i32(0), i32(0)] as [Value, Value]);
    return { i, s };
  },
  fori_loop: ({ x0 }) => ({ x: forLoop(0, 10, (i, x: Value) => ew.add(ew.mul(x, f32(1.1)), convertLax.convertElementType(i, "float32")), x0 as Value) }),
  cond_piecewise: ({ x }) => ({ y: cond(ew.gt(x, f32(0)), (u: Value) => ew.mul(u, u), (u: Value) => ew.mul(ew.neg(u), f32(3)), x) as Value }),
  switch: ({ i, x }) => ({ y: switch_(i, [(u: Value) => ew.add(u, f32(1)), (u: Value) => ew.mul(u, f32(2)), (u: Value) => ew.neg(u)], x) as Value }),
  scan_multiple: ({ carry, xs }) => {
    const [final, [ysSum, ysScaled]] = scan(
      (c: { a: Value; b: Value }, x: Value) => {
        const a = ew.add(ew.mul(c.a, fill(0.5, c.a)), x);
        const b = ew.add(c.b, i32(1));
        // jnp.sum(a) for a of shape [2], and a * b with b promoted and broadcast.
        const sum = scan((s: Value, v: Value) => [ew.add(s, v), null], f32(0), a)[0];
        const bf = convertLax.convertElementType(b, "float32");
        const bb = scan((_: null, v: Value) => [null, ew.mul(v, bf)], null, a)[1] as Value;
        return [{ a, b }, [sum, bb]];
      },
      carry as { a: Value; b: Value },
      xs as Value,
    );
    return { final_a: final.a, final_b: final.b, ys_sum: ysSum as Value, ys_scaled: ysScaled as Value };
  },
  scan_no_xs: ({ x0 }) => {
    const [final, ys] = scan((c: Value) => [ew.add(ew.mul(c, f32(2)), f32(1)), c], x0 as Value, null, { length: 5 });
    return { final, ys: ys as Value };
  },
  while_newton_sqrt: ({ a }) => {
    const [k, x] = whileLoop(
      ([k, x]: [Value, Value]) => ew.bitwiseAnd(ew.lt(k, i32(50)), ew.ge(ew.abs(ew.sub(ew.mul(x, x), a)), ew.mul(f32(1e-6), a))),
      ([k, x]: [Value, Value]) => [ew.add(k, i32(1)), ew.mul(f32(0.5), ew.add(x, ew.div(a, x)))],
      [i32(0), a] as [Value, Value],
    );
    return { iterations: k, x };
  },
  scan_cond_nested: ({ xs }) => {
    const [final, ys] = scan(
      (c: Value, x: Value) => {
        const n = cond(ew.lt(x, f32(0)), (cc: Value) => fill(0, cc), (cc: Value) => ew.add(cc, x), c);
        return [n, n];
      },
      f32(0),
      xs as Value,
    );
    return { final, ys: ys as Value };
  },
};
programs.vmap_cond = ({ xs }) => ({
  y: vmap((x: Value) => cond(ew.gt(x, f32(0)), (u: Value) => ew.mul(u, u), (u: Value) => ew.mul(ew.neg(u), f32(3)), x))(xs) as Value,
});
programs.grad_discounted_return = ({ rewards, dones, gamma }) => {
  // jnp.sum as a scan (a sequential sum), so the gradient goes through scan rules only.
  const sum = (v: Value) => scan((s: Value, x: Value) => [ew.add(s, x), null], f32(0), v)[0];
  const loss = (r: Value) => sum(programs.discounted_return!({ rewards: r, dones, gamma, bootstrap: f32(0) }).returns!);
  const [value, g] = valueAndGrad(loss)(rewards);
  return { value: value as Value, grad_rewards: g as Value };
};

function expectMatches(got: Value, want: Enc, what: string) {
  expect(got.shape, `${what} shape`).toEqual(want.shape);
  expect(got.dtype, `${what} dtype`).toBe(want.dtype);
  const g = vals(got);
  const w = want.data.map(num);
  g.forEach((v, i) => {
    const e = w[i]!;
    if (Number.isNaN(e)) expect(Number.isNaN(v), `${what}[${i}]`).toBe(true);
    else if (!(Math.abs(v - e) <= 2e-6 * Math.max(1, Math.abs(e)))) expect.fail(`${what}[${i}]: got ${v}, want ${e}`);
    else if (e === 0) expect(Object.is(v, -0), `${what}[${i}] sign of zero`).toBe(Object.is(e, -0));
  });
}

describe.each(backends)("JAX control-flow fixtures on %s", (backend) => {
  for (const p of fixtures.programs) {
    it(p.name, () => {
      setBackend(backend);
      const prog = programs[p.name];
      expect(prog, `a program for fixture ${p.name}`).toBeDefined();
      p.runs.forEach((run, r) => {
        const inputs = decodeTree(run.inputs) as Record<string, any>;
        const names = Object.keys(inputs);
        const f = (...xs: unknown[]) => prog!(Object.fromEntries(names.map((n, i) => [n, xs[i]])));
        for (const [mode, out] of both(f, ...names.map((n) => inputs[n]))) {
          expect(Object.keys(out).sort(), `${p.name} run ${r} outputs`).toEqual(Object.keys(run.outputs).sort());
          for (const [k, want] of Object.entries(run.outputs)) expectMatches(out[k]!, want, `${p.name} run ${r} ${mode} ${k}`);
        }
      });
    });
  }
});
