import { afterEach, describe, expect, it, vi } from "vitest";
import { jit, makeJaxpr, setBackend, backendName, type Value } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import { arr, vals } from "./helpers.js";

const backends = process.env.XLA_TS_BACKEND === "ref" ? (["ref"] as const) : (["ref", "xla"] as const);
const initial = backendName();
afterEach(() => setBackend(initial));

describe("makeJaxpr", () => {
  it("prints the equations of a traced function", () => {
    const f = (x: Value, y: Value) => lax.mul(lax.add(x, y), x);
    const j = makeJaxpr(f)(arr([1, 2]), arr([3, 4]));
    expect(j.toString()).toBe(
      ["{ lambda ; a:f32[2] b:f32[2]. let", "    c:f32[2] = add a b", "    d:f32[2] = mul c a", "  in (d) }"].join("\n"),
    );
  });

  it("drops dead code and inlines scalar constants as literals", () => {
    const two = arr([2], []);
    const f = (x: Value) => {
      lax.exp(x); // unused: removed
      return lax.add(x, two);
    };
    const j = makeJaxpr(f)(arr([1], []));
    expect(j.eqns.map((e) => e.prim.name)).toEqual(["add"]);
    expect(j.toString()).toContain("add a 2:f32[]");
  });
});

describe.each(backends)("jit on %s", (backend) => {
  it("traces once per shape and reuses the program", () => {
    setBackend(backend);
    let traces = 0;
    const f = jit((x: Value) => {
      traces++;
      return lax.add(lax.mul(x, x), x);
    });
    expect(vals(f(arr([1, 2, 3])))).toEqual([2, 6, 12]);
    expect(vals(f(arr([4, 5, 6])))).toEqual([20, 30, 42]);
    expect(traces).toBe(1);
    expect(vals(f(arr([1, 2])))).toEqual([2, 6]);
    expect(traces).toBe(2);
    expect(f.cacheSize).toBe(2);
  });

  it("takes and returns pytrees, with JS numbers as weak scalars", () => {
    setBackend(backend);
    const f = jit((p: { w: Value; b: Value }, x: Value, s: number) => ({
      y: lax.add(lax.mul(p.w, x), p.b),
      s2: s,
      pair: [x, p.b],
    }));
    const out = f({ w: arr([2, 3]), b: arr([1, 1]) }, arr([10, 20]), 5) as any;
    expect(vals(out.y)).toEqual([21, 61]);
    expect(vals(out.s2)).toEqual([5]);
    expect(out.s2.weakType).toBe(true);
    expect(vals(out.pair[1])).toEqual([1, 1]);
  });

  it("holds static arguments in the cache key", () => {
    setBackend(backend);
    let traces = 0;
    const f = jit(
      (x: Value, n: number) => {
        traces++;
        let y = x;
        for (let i = 0; i < n; i++) y = lax.add(y, x);
        return y;
      },
      { static: [1] },
    );
    expect(vals(f(arr([1]), 3))).toEqual([4]);
    expect(vals(f(arr([1]), 3))).toEqual([4]);
    expect(vals(f(arr([1]), 1))).toEqual([2]);
    expect(traces).toBe(2);
  });

  it("captures concrete arrays closed over as constants", () => {
    setBackend(backend);
    const c = arr([10, 20, 30]);
    const f = jit((x: Value) => lax.add(x, c));
    expect(vals(f(arr([1, 2, 3])))).toEqual([11, 22, 33]);
    expect(makeJaxpr((x: Value) => lax.add(x, c))(arr([1, 2, 3])).constvars.length).toBe(1);
  });

  it("inlines a jitted function called inside another", () => {
    setBackend(backend);
    const inner = jit((x: Value) => lax.mul(x, x));
    const outer = jit((x: Value) => lax.add(inner(x), inner(lax.neg(x))));
    expect(vals(outer(arr([1, 2])))).toEqual([2, 8]);
    expect(makeJaxpr((x: Value) => outer(x))(arr([1])).eqns.map((e) => e.prim.name)).toEqual(["mul", "neg", "mul", "add"]);
  });

  it("warns when one function is retraced many times for the same shapes", () => {
    setBackend(backend);
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const f = jit((x: Value, _k: number) => lax.mul(x, x), { static: [1] });
    for (let k = 0; k < 9; k++) f(arr([1]), k);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/traced 8 times for the same argument shapes/);
    warn.mockRestore();
  });
});

describe("tracing errors", () => {
  it("a tracer used as a JS number names lax.cond and np.where", () => {
    const f = jit((x: Value) => (Number(x) > 0 ? x : lax.neg(x)));
    expect(() => f(arr([1], []))).toThrow(/lax\.cond.*np\.where/s);
  });

  it("a tracer escaping its trace is a clear error", () => {
    let leaked: Value | undefined;
    const f = jit((x: Value) => {
      leaked = lax.exp(x);
      return x;
    });
    f(arr([1]));
    expect(() => lax.add(leaked!, leaked!)).toThrow(/finished jit\(.*\).*escaped|was used outside it/s);
  });

  it("bad operands name the primitive and the shapes", () => {
    expect(() => lax.add(arr([1, 2]), arr([1, 2, 3]))).toThrow(/add: operands must have equal shapes.*\[2\] and \[3\]/);
    expect(() => lax.add(arr([1]), arr([1], [1], "int32"))).toThrow(/add: operands must have equal dtypes.*float32 and int32/);
    expect(() => lax.exp(arr([1], [1], "int32"))).toThrow(/exp: operand must have a floating-point dtype/);
  });
});

describe("donation (xla)", () => {
  it.runIf(backends.includes("xla" as never))("a donated argument cannot be used again", () => {
    setBackend("xla");
    const step = jit((s: Value) => lax.add(s, s), { donate: [0] });
    const s0 = arr([1, 2, 3]);
    const s1 = step(s0);
    expect(vals(s1)).toEqual([2, 4, 6]);
    expect(() => vals(s0)).toThrow(/donated/);
    expect(step.lower(arr([1, 2, 3])).asText()).toContain("tf.aliasing_output = 0");
  });
});

describe("jit(f).compileAsync", () => {
  it("compiles on the worker thread so that the first call does not compile, donation included", async () => {
    const { compileStats } = await import("../../src/core/backend.js");
    const { numpy: np } = await import("../../src/numpy/index.js");
    const f = jit((x: Value, y: Value) => np.add(np.multiply(x, 3.25), y), { donate: [0] });
    const x = np.arange(7, undefined, undefined, "float32");
    const y = np.ones([7]);
    await f.compileAsync(x, y);
    await f.compileAsync(x, y); // a second time: already compiled
    const before = compileStats.compiles;
    const out = f(x, y) as Value;
    expect(compileStats.compiles).toBe(before);
    expect(await (out as any).tolist()).toEqual([1, 4.25, 7.5, 10.75, 14, 17.25, 20.5]);
  });
});
