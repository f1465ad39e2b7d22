// Shared helpers of the distribution tests: fixture decoding and close-enough comparison.
import { expect } from "vitest";
import { Array as ConcreteArray, type Value } from "../../src/core/index.js";
import { toNumbers } from "../../src/core/host.js";
import { decodeArray, type EncArray } from "../numpy/helpers.js";
import { Bernoulli, Categorical, Deterministic, Normal, TanhNormal, type Distribution } from "../../src/distributions/index.js";

export { decodeArray, type EncArray };

export interface DistCase {
  id: string;
  dist: "Categorical" | "Normal" | "TanhNormal" | "Bernoulli" | "Deterministic";
  dtype: "float32" | "float64";
  params: Record<string, EncArray>;
  eventNdims: number;
  x: EncArray;
  preTanh?: EncArray;
  logProb: EncArray;
  entropy: EncArray;
  mode: EncArray;
  kl?: { other: Record<string, EncArray>; value: EncArray };
  gradLogProb?: Record<string, EncArray>;
  sample?: { seed: number; sampleShape: number[]; value: EncArray; logProb: EncArray };
}

export function makeDist(kind: DistCase["dist"], p: Record<string, EncArray>, eventNdims: number): Distribution {
  const a = (k: string) => decodeArray(p[k]!);
  switch (kind) {
    case "Categorical":
      return new Categorical(a("logits"));
    case "Normal":
      return new Normal(a("loc"), a("scale"), { eventNdims });
    case "TanhNormal":
      return new TanhNormal(a("loc"), a("scale"), { eventNdims });
    case "Bernoulli":
      return new Bernoulli(a("logits"), { eventNdims });
    case "Deterministic":
      return new Deterministic(a("loc"), { eventNdims });
  }
}

export function nums(x: Value): number[] {
  if (!(x instanceof ConcreteArray)) throw new Error("nums: not a concrete array");
  return Array.from(toNumbers({ aval: x.aval, data: x.dataSync() }));
}

/** Shape and values within atol + rtol·|want| (infinities and NaN must match exactly). */
export function expectClose(got: Value, want: EncArray | { shape: readonly number[]; data: number[] }, label: string, rtol = 1e-5, atol = 1e-6): void {
  expect(got.shape, `${label}: shape`).toEqual(want.shape);
  const g = nums(got);
  const w = (want.data as (number | string | boolean)[]).map((v) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v)));
  const bad: string[] = [];
  w.forEach((wv, i) => {
    const gv = g[i]!;
    const ok = Number.isNaN(wv) ? Number.isNaN(gv) : gv === wv || (Number.isFinite(wv) && Math.abs(gv - wv) <= atol + rtol * Math.abs(wv));
    if (!ok && bad.length < 5) bad.push(`[${i}] got ${gv} want ${wv}`);
  });
  expect(bad, `${label}: values`).toEqual([]);
}
