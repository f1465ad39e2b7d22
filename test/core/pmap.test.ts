// pmap and the collectives on the CPU plugin's devices (2 and 4 replicas) and on the ref
// backend's emulated devices: values against closed forms, pmap = vmap for collective-free
// functions, collectives under vmap and grad inside pmap, a data-parallel gradient step equal to
// the single-device step on the global batch, and the errors for bad use.
import { afterEach, describe, expect, it } from "vitest";
import { backendName, grad, pmap, setBackend, vmap, xlaRuntime, type Value } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { hasRuntime } from "../../src/xla/index.js";
import { expectClose, mk, nums } from "../lax/samples/check.js";

const initial = backendName();
afterEach(() => setBackend(initial));
const BACKENDS = hasRuntime() && process.env.XLA_TS_BACKEND !== "ref" ? (["ref", "xla"] as const) : (["ref"] as const);
// The CPU plugin opens 4 devices by default; a single GPU runs only the ref emulation.
const xlaDevices = BACKENDS.length > 1 ? xlaRuntime().devices.length : 0;
const range = (n: number) => [...Array(n).keys()];
/** Deterministic pseudo-random values in [-1, 1). */
const noise = (n: number, seed: number) => range(n).map((i) => Math.sin(seed * 1000 + i * 12.9898) * 0.999);

describe.each(BACKENDS)("pmap on %s", (backend) => {
  describe.each([2, 4].filter((n) => backend === "ref" || n <= xlaDevices))("%i devices", (n) => {
    it("psum, pmean, pmax, pmin, allGather and axisIndex match their closed forms", () => {
      setBackend(backend);
      const xs = noise(n * 3, n);
      const x = mk(xs, [n, 3]);
      const out = pmap(
        (v: Value) => ({
          sum: lax.psum(v, "i"),
          mean: lax.pmean(v, "i"),
          max: lax.pmax(v, "i"),
          min: lax.pmin(v, "i"),
          g0: lax.allGather(v, "i"),
          g1: lax.allGather(v, "i", 1),
          idx: lax.axisIndex("i"),
        }),
        { axisName: "i" },
      )(x) as Record<string, Value>;
      const col = (j: number) => range(n).map((d) => xs[d * 3 + j]!);
      const per = (f: (c: number[]) => number) => range(n).flatMap(() => range(3).map((j) => f(col(j))));
      const sum = (c: number[]) => c.reduce((a, b) => a + b, 0);
      expectClose(out.sum!, mk(per(sum), [n, 3]), "psum");
      expectClose(out.mean!, mk(per((c) => sum(c) / n), [n, 3]), "pmean");
      expectClose(out.max!, mk(per((c) => Math.max(...c)), [n, 3]), "pmax");
      expectClose(out.min!, mk(per((c) => Math.min(...c)), [n, 3]), "pmin");
      // Every device holds the whole x (allGather along 0), or its transpose (along 1).
      expectClose(out.g0!, mk(range(n).flatMap(() => xs), [n, n, 3]), "allGather axis 0");
      const xt = range(3).flatMap((j) => col(j));
      expectClose(out.g1!, mk(range(n).flatMap(() => xt), [n, 3, n]), "allGather axis 1");
      expect(out.idx!.dtype).toBe("int32");
      expect([...nums(out.idx!)]).toEqual(range(n));
    });

    it("integer psum and a replicated argument (inAxes null, outAxes null)", () => {
      setBackend(backend);
      const x = mk(range(n * 2), [n, 2], "int32");
      const w = mk([10, 20], [2], "int32");
      const [s, r] = pmap((v: Value, u: Value) => [lax.psum(lax.mul(v, u), "i"), u], { axisName: "i", inAxes: [0, null], outAxes: [1, null] })(x, w) as Value[];
      const tot = [0, 1].map((j) => range(n).reduce((a, d) => a + (d * 2 + j) * [10, 20][j]!, 0));
      expect(s!.shape).toEqual([2, n]);
      expect([...nums(s!)]).toEqual([0, 1].flatMap((j) => range(n).map(() => tot[j]!)));
      expect([...nums(r!)]).toEqual([10, 20]);
    });

    it("equals vmap for a function without collectives", () => {
      setBackend(backend);
      const f = (x: Value, w: Value) => np.tanh(np.add(np.matmul(x, w), 0.5));
      const x = mk(noise(n * 5 * 3, 7), [n, 5, 3]);
      const w = mk(noise(3 * 2, 8), [3, 2]);
      const opts = { inAxes: [0, null] };
      expectClose(pmap(f, { axisName: "i", ...opts })(x, w), vmap(f, opts)(x, w), "pmap vs vmap");
    });

    it("runs collectives under vmap inside pmap (batching rules)", () => {
      setBackend(backend);
      const xs = noise(n * 4 * 3, 3);
      const x = mk(xs, [n, 4, 3]);
      const f = pmap((v: Value) => vmap((r: Value) => [lax.psum(r, "i"), lax.allGather(r, "i")], { inAxes: 1, outAxes: 1 })(v), { axisName: "i" });
      const [s, g] = f(np.transpose(x, [0, 2, 1])) as Value[];
      // s[d, :, b] = Σ_d' x[d', b, :].
      const want = range(n).flatMap(() => range(3).flatMap((j) => range(4).map((b) => range(n).reduce((a, d) => a + xs[(d * 4 + b) * 3 + j]!, 0))));
      expectClose(s!, mk(want, [n, 3, 4]), "psum under vmap");
      // g[·, d, b, :] = x[d, b, :] (the gathered axis first, the vmapped one at 1).
      const wantG = range(n).flatMap(() => range(n).flatMap((d) => range(4).flatMap((b) => range(3).map((j) => xs[(d * 4 + b) * 3 + j]!))));
      expectClose(g!, mk(wantG, [n, n, 4, 3]), "allGather under vmap");
    });

    it("differentiates through psum, pmean, pmax and allGather (gradient of the loss summed over devices)", () => {
      setBackend(backend);
      const xs = noise(n * 3, 11);
      const ws = noise(n * 3, 12);
      const x = mk(xs, [n, 3]);
      const w = mk(ws, [n, 3]);
      const [gs, gm, gx, gg] = pmap(
        (v: Value, u: Value) => [
          grad((a: Value) => np.sum(np.square(lax.psum(a, "i"))))(v),
          grad((a: Value) => np.sum(np.square(lax.pmean(a, "i"))))(v),
          grad((a: Value) => np.sum(lax.pmax(a, "i")))(v),
          grad((a: Value) => np.sum(np.multiply(lax.allGather(a, "i"), u)))(v),
        ],
        { axisName: "i", inAxes: [0, null] },
      )(x, w) as Value[];
      const S = range(3).map((j) => range(n).reduce((a, d) => a + xs[d * 3 + j]!, 0));
      // Σ_d L_d with L_d = |S|² on every device: ∂/∂x_d = 2nS; with the mean M = S/n: 2M.
      expectClose(gs!, mk(range(n).flatMap(() => S.map((s) => 2 * n * s)), [n, 3]), "grad psum", 1e-4);
      expectClose(gm!, mk(range(n).flatMap(() => S.map((s) => (2 * s) / n)), [n, 3]), "grad pmean", 1e-4);
      // Σ_d max_d' x_d'[j] = n·max: the device holding the max gets n.
      const arg = range(3).map((j) => range(n).reduce((b, d) => (xs[d * 3 + j]! > xs[b * 3 + j]! ? d : b), 0));
      expectClose(gx!, mk(range(n).flatMap((d) => range(3).map((j) => (arg[j] === d ? n : 0))), [n, 3]), "grad pmax");
      // Σ_d Σ_d' x_d'·u[d'] (u replicated [n, 3]) = n Σ_d' x_d'·u[d']: ∂/∂x_d = n·u[d].
      expectClose(gg!, mk(ws.map((v) => n * v), [n, 3]), "grad allGather", 1e-5);
    });

    it("a data-parallel gradient step (pmean of per-device gradients) equals the single-device step on the global batch", () => {
      setBackend(backend);
      const B = 8;
      const params = { w: mk(noise(3 * 2, 21), [3, 2]), b: mk(noise(2, 22), [2]) };
      const xb = mk(noise(B * 3, 23), [B, 3]);
      const yb = mk(noise(B * 2, 24), [B, 2]);
      const loss = (p: { w: Value; b: Value }, x: Value, y: Value) => np.mean(np.square(np.subtract(np.tanh(np.add(np.matmul(x, p.w), p.b)), y)));
      const lr = 0.1;
      const sgd = (p: { w: Value; b: Value }, g: { w: Value; b: Value }) => ({ w: np.subtract(p.w, np.multiply(lr, g.w)), b: np.subtract(p.b, np.multiply(lr, g.b)) });
      const single = sgd(params, grad(loss)(params, xb, yb) as { w: Value; b: Value });
      const step = pmap(
        (p: { w: Value; b: Value }, x: Value, y: Value) => {
          const g = grad(loss)(p, x, y) as { w: Value; b: Value };
          return sgd(p, { w: lax.pmean(g.w, "i"), b: lax.pmean(g.b, "i") });
        },
        { axisName: "i", inAxes: [null, 0, 0], outAxes: null },
      );
      const split = (a: Value, k: number) => np.reshape(a, [n, B / n, k]);
      const multi = step(params, split(xb, 3), split(yb, 2)) as { w: Value; b: Value };
      expectClose(multi.w, single.w, "w after one step", 1e-6);
      expectClose(multi.b, single.b, "b after one step", 1e-6);
    });
  });
});

describe("pmap errors", () => {
  it("names the unbound axis of a collective used outside pmap", () => {
    expect(() => lax.psum(mk([1], [1]), "i")).toThrow(/psum: unbound axis name "i"/);
    expect(() => pmap((v: Value) => lax.psum(v, "j"), { axisName: "i" })(mk([1, 2], [2]))).toThrow(/psum: unbound axis name "j".*bound here: "i"/);
  });
  it("rejects mismatched mapped sizes, device counts and use inside a trace", () => {
    const f = pmap((a: Value, b: Value) => np.add(a, b), { axisName: "i" });
    expect(() => f(mk([1, 2], [2]), mk([1, 2, 3], [3]))).toThrow(/different sizes along their mapped axes \(2 and 3/);
    expect(() => pmap((a: Value) => a, { axisName: "i", devices: 3 })(mk([1, 2], [2]))).toThrow(/size 2 but 3 devices/);
    expect(() => grad((a: Value) => np.sum(pmap((v: Value) => v, { axisName: "i" })(a) as Value))(mk([1, 2], [2]))).toThrow(/pmap must be called at the top level/);
  });
  it.skipIf(BACKENDS.length === 1)("says how many devices the runtime has", () => {
    setBackend("xla");
    expect(() => pmap((v: Value) => v, { axisName: "i" })(mk(range(64), [64]))).toThrow(/size 64 but the runtime has \d+ devices \(the CPU plugin's cpu_device_count/);
  });
});
