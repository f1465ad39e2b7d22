// Shared helpers for the numpy tests: fixture decoding, comparison, backend selection.
import { expect } from "vitest";
import { Array as ConcreteArray, setBackend, type Value } from "../../src/core/index.js";
import { fromNumbers, toNumbers } from "../../src/core/host.js";
import { hasRuntime } from "../../src/xla/index.js";
import { scalar } from "../../src/numpy/creation.js";
import { ShapedArray } from "../../src/core/aval.js";
import type { DType } from "../../src/xla/dtype.js";

export interface EncArray {
  shape: number[];
  dtype: string;
  data: (number | string | boolean)[];
  weak?: boolean;
}
export interface EncScalar {
  scalar: number | string | boolean;
  pytype: "int" | "float" | "bool";
}

/** Backends to run on: ref always, xla when the addon and a plugin are installed (unless XLA_TS_BACKEND=ref). */
export function backends(): ("ref" | "xla")[] {
  if (process.env.XLA_TS_BACKEND === "ref") return ["ref"];
  return hasRuntime() ? ["ref", "xla"] : ["ref"];
}
export function useBackend(b: "ref" | "xla"): void {
  setBackend(b);
}

export function num(v: number | string | boolean): number {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  if (typeof v === "boolean") return v ? 1 : 0;
  return Number(v);
}

export function isEncArray(x: unknown): x is EncArray {
  return !!x && typeof x === "object" && "shape" in x && "dtype" in x && "data" in x;
}
export function isEncScalar(x: unknown): x is EncScalar {
  return !!x && typeof x === "object" && "scalar" in x && "pytype" in x;
}

export function decodeArray(e: EncArray): ConcreteArray {
  const dtype = e.dtype as DType;
  if (dtype === "int64") {
    const data = BigInt64Array.from(e.data, (v) => BigInt(Math.trunc(num(v))));
    return new ConcreteArray(new ShapedArray(e.shape, dtype, !!e.weak), { host: data });
  }
  const h = fromNumbers(e.data.map(num), e.shape, dtype, !!e.weak);
  return new ConcreteArray(h.aval, { host: h.data });
}

/** How a Python float argument is passed: a JS number, or (when integral, where JS cannot say
 * "float") a weak 0-d array of the given float dtype (float64 for JAX's x64 mode). */
export type FloatAs = "float32" | "float64" | "number";

/** A Python scalar argument: ints and bools become JS values, floats per `floatAs`. */
export function decodeScalar(e: EncScalar, floatAs: FloatAs = "float32"): number | boolean | Value {
  if (e.pytype === "bool") return e.scalar === true;
  const v = num(e.scalar);
  if (e.pytype === "int" || floatAs === "number" || !Number.isInteger(v)) return v;
  return scalar(v, floatAs, true);
}

/** Decodes args recursively: arrays, scalars, {dtype}, lists of them; other JSON passes through. */
export function decode(x: unknown, floatAs: FloatAs = "float32"): any {
  if (isEncArray(x)) return decodeArray(x);
  if (isEncScalar(x)) return decodeScalar(x, floatAs);
  if (Array.isArray(x)) return x.map((e) => decode(e, floatAs));
  if (x && typeof x === "object" && Object.keys(x).length === 1 && "dtype" in x) return (x as { dtype: string }).dtype;
  return x;
}

function tol(dtype: string): { rtol: number; atol: number } {
  switch (dtype) {
    case "float64":
      return { rtol: 1e-12, atol: 1e-300 };
    case "float32":
      return { rtol: 2e-6, atol: 1e-6 };
    case "float16":
    case "bfloat16":
      return { rtol: 1e-2, atol: 1e-3 };
    default:
      return { rtol: 0, atol: 0 };
  }
}

/** Asserts a result equals a fixture array: shape, dtype, weak flag and values (floats within tolerance). */
export function expectMatches(got: Value, want: EncArray, label: string, opts: { checkWeak?: boolean; rtol?: number } = {}): void {
  expect(got.shape, `${label}: shape`).toEqual(want.shape);
  expect(got.dtype, `${label}: dtype`).toBe(want.dtype);
  // A weak bool (JAX's comparisons of weak operands) promotes as a strong one: not compared.
  if ((opts.checkWeak ?? true) && want.dtype !== "bool") expect(got.weakType, `${label}: weak type`).toBe(!!want.weak);
  if (!(got instanceof ConcreteArray)) throw new Error(`${label}: result is not concrete`);
  const g = toNumbers({ aval: got.aval, data: got.dataSync() });
  const w = want.data.map(num);
  const { rtol, atol } = tol(want.dtype);
  const rt = opts.rtol ?? rtol;
  const bad: string[] = [];
  w.forEach((wv, i) => {
    const gv = g[i]!;
    const ok = Number.isNaN(wv) ? Number.isNaN(gv) : wv === gv || (Number.isFinite(wv) && Math.abs(gv - wv) <= atol + rt * Math.abs(wv));
    if (!ok && bad.length < 5) bad.push(`[${i}] got ${gv} want ${wv}`);
  });
  expect(bad, `${label}: values`).toEqual([]);
}

/** Plain values of a concrete array (numbers; bools as 0/1). */
export function values(x: Value): number[] {
  if (!(x instanceof ConcreteArray)) throw new Error("values: not a concrete array");
  return Array.from(toNumbers({ aval: x.aval, data: x.dataSync() }));
}
