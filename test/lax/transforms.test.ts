// Transformations checked over every primitive sample of the registry, on the ref backend:
// (1) reverse mode: the adjoint identity <v, J·u> = <Jᵀ·v, u> with J·u from central finite
//     differences in float64 (float32 inputs of a sample are promoted to float64);
// (2) vmap: a batch of three input sets (one operand left unbatched) equals a loop of calls.
// A sample is checked only when every primitive it uses has the rule in question.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Array, getPrimitive, primitives, setBackend, backendName, vjp, vmap, type Value } from "../../src/core/index.js";
import { allSamples } from "./samples/index.js";
import { makeInputs } from "./samples/gen.js";
import { asList, expectClose, mk, nums, stackAt } from "./samples/check.js";
import type { Sample } from "./samples/types.js";

const initial = backendName();
beforeAll(() => setBackend("ref"));
afterAll(() => setBackend(initial));


function toF64(x: Array): Array {
  return x.dtype === "float32" ? mk(nums(x), x.shape, "float64") : x;
}

function rngFloat(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

const samples = allSamples();
const has = (s: Sample, rule: "vjp" | "batch") => s.prims.every((p) => !!getPrimitive(p)[rule]);

describe("reverse mode vs finite differences (float64, ref)", () => {
  for (const s of samples) {
    if (!has(s, "vjp") || s.notDifferentiable) continue;
    it(s.name, () => {
      const xs = makeInputs(s, 7).map(toF64);
      let outs: Value[];
      try {
        outs = asList(s.fn(...xs));
      } catch (e) {
        // A case specific to float32 (e.g. a bitcast) says so; anything else must run in float64.
        if (s.float32Only) return;
        throw new Error(`${s.name}: fails with float64 inputs (mark the sample float32Only if that is by design): ${(e as Error).message}`);
      }
      if (outs.some((o) => o.dtype !== "float64" && o.dtype.startsWith("float"))) return;
      if (outs.some((o) => nums(o).some((v) => !Number.isFinite(v)))) return;
      const r = rngFloat(3);
      const fl = xs.map((x) => x.dtype === "float64");
      const us = xs.map((x) => (x.dtype === "float64" ? Float64Array.from({ length: x.size }, r) : null));
      const vs = outs.map((o) => (o.dtype === "float64" ? Float64Array.from({ length: o.size }, r) : null));
      const [, back] = vjp((...a: Value[]) => asList(s.fn(...a)), ...xs);
      const cts = outs.map((o, i) => (vs[i] ? mk(vs[i]!, o.shape, o.dtype) : mk(new Float64Array(o.size), o.shape, o.dtype)));
      const gs = back(cts) as Value[];
      let rhs = 0;
      gs.forEach((g, i) => {
        if (!fl[i]) return;
        const gv = nums(g);
        us[i]!.forEach((u, k) => (rhs += u * gv[k]!));
      });
      const eps = 1e-6;
      const shifted = (sign: number) =>
        asList(s.fn(...xs.map((x, i) => (fl[i] ? mk(nums(x).map((v, k) => v + sign * eps * us[i]![k]!), x.shape, "float64") : x)))).map(nums);
      const plus = shifted(1);
      const minus = shifted(-1);
      let lhs = 0;
      vs.forEach((v, i) => {
        if (!v) return;
        v.forEach((c, k) => (lhs += (c * (plus[i]![k]! - minus[i]![k]!)) / (2 * eps)));
      });
      const scale = Math.max(1, Math.abs(lhs), Math.abs(rhs));
      expect(Math.abs(lhs - rhs) / scale, `<v, J u> = ${lhs} but <J^T v, u> = ${rhs}`).toBeLessThan(1e-5);
    });
  }
});

describe("vmap equals a loop of calls (ref)", () => {
  for (const s of samples) {
    if (!has(s, "batch") || s.inputs.length === 0) continue;
    it(s.name, () => {
      const sets = [1, 2, 3].map((seed) => makeInputs(s, seed));
      const n = s.inputs.length;
      // Batch axes per operand (null: unbatched, taken from the first set): the last operand
      // unbatched; every operand batched on its last axis; the first unbatched and the others
      // on axis 1; only the first batched. Together they reach every branch of the rules.
      const configs: (number | null)[][] = [
        s.inputs.map((_, i) => (n > 1 && i === n - 1 ? null : 0)),
        s.inputs.map((sp) => sp.shape.length),
        s.inputs.map((sp, i) => (i === 0 && n > 1 ? null : Math.min(1, sp.shape.length))),
        s.inputs.map((_, i) => (i === 0 ? 0 : null)),
      ];
      for (const axes of configs) {
        const args = axes.map((a, i) => (a === null ? sets[0]![i]! : stackAt(sets.map((st) => st[i]!), a)));
        const got = asList(vmap((...xs: Value[]) => asList(s.fn(...xs)), { inAxes: axes })(...args));
        const loops = sets.map((st) => asList(s.fn(...st.map((x, i) => (axes[i] === null ? sets[0]![i]! : x)))));
        got.forEach((g, k) => expectClose(g, stackAt(loops.map((l) => l[k] as Array), 0), `inAxes ${JSON.stringify(axes)}, output ${k}`));
      }
    });
  }
});

describe("rule coverage", () => {
  it("every primitive has a batching rule, and a VJP rule or a reason it has none", () => {
    expect(primitives().length).toBeGreaterThan(60);
    const noVjp = primitives().filter((p) => p.vjp === undefined && p.notDifferentiable === undefined).map((p) => p.name);
    const both = primitives().filter((p) => p.vjp !== undefined && p.notDifferentiable !== undefined).map((p) => p.name);
    const noBatch = primitives().filter((p) => p.batch === undefined).map((p) => p.name);
    expect({ noVjp, both, noBatch }).toEqual({ noVjp: [], both: [], noBatch: [] });
  });
});
