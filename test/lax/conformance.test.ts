// One suite over the whole primitive registry: for every case of every family,
// (1) the ref backend, (2) XLA eagerly and (3) XLA under jit agree within dtype tolerance,
// and (4) abstract evaluation predicts the real outputs' shapes and dtypes.
import { describe, expect, it } from "vitest";
import { Array, ShapedArray, jit, makeJaxpr, primitives, setBackend, type Value } from "../../src/core/index.js";
import { fromNumbers } from "../../src/core/host.js";
import { toNumbers } from "../../src/core/host.js";
import type { Sample, InputSpec } from "./samples/types.js";
import { allSamples } from "./samples/index.js";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function genValues(spec: InputSpec, r: () => number): number[] {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.values) return spec.values;
  const gen = spec.gen ?? (spec.dtype.startsWith("float") ? "normal" : spec.dtype === "bool" ? "bool" : "int");
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    switch (gen) {
      case "normal":
        out.push(Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * r()));
        break;
      case "positive":
        out.push(0.1 + 3 * u);
        break;
      case "unit":
        out.push(2 * u - 1);
        break;
      case "int":
        out.push(Math.floor(u * 200) - 100);
        break;
      case "smallint":
        out.push(Math.floor(u * 5) - 2);
        break;
      case "nonneg":
        out.push(Math.floor(u * 10));
        break;
      case "index":
        out.push(Math.floor(u * 4));
        break;
      case "bool":
        out.push(u < 0.5 ? 1 : 0);
        break;
      case "bits":
        out.push(Math.floor(u * 4294967296));
        break;
    }
  }
  return out;
}

function makeInputs(s: Sample, seed: number): Array[] {
  const r = rng(seed);
  return s.inputs.map((spec) => {
    const h = fromNumbers(genValues(spec, r), spec.shape, spec.dtype);
    return new Array(new ShapedArray(spec.shape, spec.dtype), { host: h.data });
  });
}

const asList = (v: Value | Value[]): Value[] => (globalThis.Array.isArray(v) ? v : [v]);

function hostOf(v: Value): { aval: ShapedArray; vals: Float64Array } {
  const a = v as Array;
  return { aval: a.aval, vals: toNumbers({ aval: a.aval, data: a.hostSync() }) };
}

function expectClose(got: Float64Array, want: Float64Array, dtype: string, tol: number | undefined, what: string) {
  expect(got.length, `${what}: length`).toBe(want.length);
  const isFloat = dtype.startsWith("float") || dtype === "bfloat16";
  const rtol = tol ?? (dtype === "float64" ? 1e-12 : dtype === "float32" ? 2e-5 : 1e-2);
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (!isFloat) {
      if (g !== w) expect.fail(`${what}: element ${i}: got ${g}, want ${w}`);
      continue;
    }
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    if (!(Math.abs(g - w) <= rtol * Math.max(1, Math.abs(w)))) expect.fail(`${what}: element ${i}: got ${g}, want ${w} (rtol ${rtol})`);
  }
}

const samples = allSamples();
const onlyRef = process.env.XLA_TS_BACKEND === "ref";

describe("primitive registry conformance", () => {
  it("every registered primitive has at least one case", () => {
    const covered = new Set(samples.flatMap((s) => s.prims));
    const missing = primitives()
      .map((p) => p.name)
      .filter((n) => !covered.has(n));
    expect(missing).toEqual([]);
  });

  for (const s of samples) {
    it(`${s.name}`, () => {
      setBackend("ref");
      const refOuts = asList(s.fn(...makeInputs(s, 1))).map(hostOf);
      const abstractOuts = makeJaxpr((...xs: Value[]) => s.fn(...xs))(...makeInputs(s, 1)).outAvals;
      expect(abstractOuts.map(String)).toEqual(refOuts.map((o) => String(o.aval)));
      if (onlyRef || s.refOnly) return;
      setBackend("xla");
      try {
        const eager = asList(s.fn(...makeInputs(s, 1))).map(hostOf);
        const jitted = asList(jit((...xs: Value[]) => s.fn(...xs))(...makeInputs(s, 1))).map(hostOf);
        refOuts.forEach((r, i) => {
          expect(String(eager[i]!.aval), `eager output ${i} aval`).toBe(String(r.aval));
          expect(String(jitted[i]!.aval), `jit output ${i} aval`).toBe(String(r.aval));
          expectClose(eager[i]!.vals, r.vals, r.aval.dtype, s.tol, `${s.name}: xla eager output ${i} vs ref`);
          expectClose(jitted[i]!.vals, r.vals, r.aval.dtype, s.tol, `${s.name}: xla jit output ${i} vs ref`);
        });
      } finally {
        setBackend("ref");
      }
    });
  }
});
