// Transformations checked over every primitive sample of the registry, on the ref backend:
// (1) reverse mode: the adjoint identity <v, J·u> = <Jᵀ·v, u> with J·u from central finite
//     differences in float64 (float32 inputs of a sample are promoted to float64);
// (2) vmap: a batch of three input sets (one operand left unbatched) equals a loop of calls.
// A sample is checked only when every primitive it uses has the rule in question.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Array, ShapedArray, getPrimitive, primitives, setBackend, backendName, vjp, vmap, type Value } from "../../src/core/index.js";
import { fromNumbers, toNumbers } from "../../src/core/host.js";
import { allSamples } from "./samples/index.js";
import { makeInputs } from "./samples/gen.js";
import type { Sample } from "./samples/types.js";

const initial = backendName();
beforeAll(() => setBackend("ref"));
afterAll(() => setBackend(initial));

const asList = (v: Value | Value[]): Value[] => (globalThis.Array.isArray(v) ? v : [v]);
const nums = (v: Value) => toNumbers({ aval: v.aval, data: (v as Array).hostSync() });
const mk = (vals: ArrayLike<number>, shape: readonly number[], dtype: Value["dtype"]) =>
  new Array(new ShapedArray(shape, dtype), { host: fromNumbers(vals, shape, dtype).data });

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

function stack(xs: Array[]): Array {
  const parts = xs.map(nums);
  const all = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return mk(all, [xs.length, ...xs[0]!.shape], xs[0]!.dtype);
}

describe("vmap equals a loop of calls (ref)", () => {
  for (const s of samples) {
    if (!has(s, "batch") || s.inputs.length === 0) continue;
    it(s.name, () => {
      const sets = [1, 2, 3].map((seed) => makeInputs(s, seed));
      // The last operand stays unbatched (inAxes null) when there are several.
      const unbatched = s.inputs.length > 1 ? s.inputs.length - 1 : -1;
      const args = s.inputs.map((_, i) => (i === unbatched ? sets[0]![i]! : stack(sets.map((st) => st[i]!))));
      const inAxes = s.inputs.map((_, i) => (i === unbatched ? null : 0));
      const batched = asList(vmap((...a: Value[]) => asList(s.fn(...a)), { inAxes })(...args) as Value[]);
      const loops = sets.map((st) => asList(s.fn(...st.map((x, i) => (i === unbatched ? sets[0]![i]! : x)))));
      batched.forEach((b, k) => {
        const want = stack(loops.map((l) => l[k] as Array));
        expect(String(b.aval.shape)).toBe(String(want.shape));
        const bv = nums(b);
        const wv = nums(want);
        for (let i = 0; i < wv.length; i++) {
          const ok = bv[i] === wv[i] || (Number.isNaN(wv[i]!) ? Number.isNaN(bv[i]!) : Math.abs(bv[i]! - wv[i]!) <= 1e-5 * Math.max(1, Math.abs(wv[i]!)));
          if (!ok) expect.fail(`output ${k} element ${i}: vmap ${bv[i]} vs loop ${wv[i]}`);
        }
      });
    });
  }
});

describe("rule coverage", () => {
  it("lists primitives still without rules", () => {
    const noVjp = primitives().filter((p) => !p.vjp).map((p) => p.name);
    const noBatch = primitives().filter((p) => !p.batch).map((p) => p.name);
    // Recorded, not asserted, while the families gain their rules (issue 4).
    console.log(`without vjp: ${noVjp.join(" ") || "none"}\nwithout batch: ${noBatch.join(" ") || "none"}`);
    expect(primitives().length).toBeGreaterThan(60);
  });
});
