// pmeanGradients: a data-parallel optimizer step (gradients averaged across devices inside
// pmap, then clipped and Adam-scaled) equals the single-device step on the global batch, over
// several steps, on the ref backend's emulated devices and the CPU plugin's devices.
import { afterEach, describe, expect, it } from "vitest";
import { backendName, grad, pmap, setBackend, xlaRuntime, type Value } from "../../src/core/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { optim } from "../../src/optim/index.js";
import { lax } from "../../src/lax/index.js";
import { hasRuntime } from "../../src/xla/index.js";
import { expectClose, mk, nums } from "../lax/samples/check.js";

const initial = backendName();
afterEach(() => setBackend(initial));
const BACKENDS = hasRuntime() && process.env.XLA_TS_BACKEND !== "ref" ? (["ref", "xla"] as const) : (["ref"] as const);
const xlaDevices = BACKENDS.length > 1 ? xlaRuntime().devices.length : 0;
const noise = (n: number, seed: number) => [...Array(n).keys()].map((i) => Math.sin(seed * 1000 + i * 12.9898));

type Params = { w: Value; b: Value };
const loss = (p: Params, x: Value, y: Value) => np.mean(np.square(np.subtract(np.tanh(np.add(np.matmul(x, p.w), p.b)), y)));
const makeOpt = (axis?: string) => {
  const core = [optim.clipByGlobalNorm(0.5), optim.adam({ learningRate: 0.05 })];
  return axis ? optim.chain(optim.pmeanGradients(axis), ...core) : optim.chain(...core);
};

describe.each(BACKENDS)("pmeanGradients on %s", (backend) => {
  describe.each([2, 4].filter((n) => backend === "ref" || n <= xlaDevices))("%i devices", (n) => {
    it("three data-parallel Adam steps equal three single-device steps on the global batch", () => {
      setBackend(backend);
      const B = 8;
      const x = mk(noise(B * 3, 1), [B, 3]);
      const y = mk(noise(B * 2, 2).map((v) => v * 0.5), [B, 2]);
      let p1: Params = { w: mk(noise(6, 3), [3, 2]), b: mk(noise(2, 4), [2]) };
      let p2 = p1;
      const single = makeOpt();
      const multi = makeOpt("dev");
      let s1 = single.init(p1);
      let s2 = multi.init(p2);
      const step = pmap(
        (p: Params, s: ReturnType<typeof multi.init>, xb: Value, yb: Value) => {
          const [u, ns] = multi.update(grad(loss)(p, xb, yb), s, p);
          return { p: optim.applyUpdates(p, u) as Params, s: ns, same: lax.pmax(np.abs(np.subtract(p.w, lax.pmean(p.w, "dev"))), "dev") };
        },
        { axisName: "dev", inAxes: [null, null, 0, 0], outAxes: null },
      );
      for (let i = 0; i < 3; i++) {
        const [u, ns] = single.update(grad(loss)(p1, x, y), s1, p1);
        p1 = optim.applyUpdates(p1, u) as Params;
        s1 = ns;
        const out = step(p2, s2, np.reshape(x, [n, B / n, 3]), np.reshape(y, [n, B / n, 2])) as { p: Params; s: typeof s2; same: Value };
        p2 = out.p;
        s2 = out.s;
        // The replicas stayed identical: every device's w equals their mean.
        expect(Math.max(...nums(out.same))).toBe(0);
      }
      expectClose(p2.w, p1.w, "w after three steps", 1e-5);
      expectClose(p2.b, p1.b, "b after three steps", 1e-5);
    });
  });
});
