// One suite over the whole primitive registry: for every case of every family,
// (1) the ref backend, (2) XLA eagerly and (3) XLA under jit agree within dtype tolerance,
// and (4) abstract evaluation predicts the real outputs' shapes and dtypes.
import { describe, expect, it } from "vitest";
import { Array, ShapedArray, jit, makeJaxpr, pmap, primitives, setBackend, type Value } from "../../src/core/index.js";
import { toNumbers } from "../../src/core/host.js";
import { allSamples } from "./samples/index.js";
import { collectiveSamples } from "./samples/collective.js";
import { makeInputs } from "./samples/gen.js";

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
    const covered = new Set([...samples, ...collectiveSamples].flatMap((s) => s.prims));
    const missing = primitives()
      .map((p) => p.name)
      .filter((n) => !covered.has(n));
    expect(missing).toEqual([]);
  });

  for (const s of samples) {
    it(`${s.name}`, async () => {
      // Yield to the event loop between cases: a long synchronous file starves vitest's worker RPC.
      await new Promise((r) => setImmediate(r));
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

  // Collectives: the body pmapped over the inputs' leading axis, emulated devices (ref) vs
  // the CPU plugin's replicas (xla).
  for (const s of collectiveSamples) {
    it(`${s.name}`, async () => {
      await new Promise((r) => setImmediate(r));
      const run = () => asList(pmap((...xs: Value[]) => s.fn(...xs), { axisName: "i" })(...makeInputs(s, 1)) as Value | Value[]).map(hostOf);
      setBackend("ref");
      const refOuts = run();
      if (onlyRef) return;
      setBackend("xla");
      try {
        const got = run();
        refOuts.forEach((r, i) => {
          expect(String(got[i]!.aval), `output ${i} aval`).toBe(String(r.aval));
          expectClose(got[i]!.vals, r.vals, r.aval.dtype, s.tol, `${s.name}: xla output ${i} vs ref`);
        });
      } finally {
        setBackend("ref");
      }
    });
  }
});
