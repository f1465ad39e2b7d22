// Input generation for the primitive samples (deterministic, seeded).
import { Array, ShapedArray } from "../../../src/core/index.js";
import { fromNumbers } from "../../../src/core/host.js";
import type { Sample, InputSpec } from "./types.js";

export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function genValues(spec: InputSpec, r: () => number): number[] {
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

export function makeInputs(s: Sample, seed: number): Array[] {
  const r = rng(seed);
  return s.inputs.map((spec) => {
    const h = fromNumbers(genValues(spec, r), spec.shape, spec.dtype);
    return new Array(new ShapedArray(spec.shape, spec.dtype), { host: h.data });
  });
}

