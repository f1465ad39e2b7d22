// Reads the fixture files of tools/fixtures_optim.py and tools/fixtures_nn.py (JAX / optax
// outputs) into xla-ts arrays and compares trees of arrays with a tolerance.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { Array, ShapedArray, Value } from "../../src/core/index.js";
import type { DType } from "../../src/xla/dtype.js";
import { flatten } from "../../src/pytree/index.js";

export interface FxArray {
  shape: number[];
  dtype: string;
  data: (number | string | boolean)[];
}

export function loadFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")) as T;
}

const decode = (v: number | string | boolean) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v));
const CTORS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint32: Uint32Array, uint8: Uint8Array, bool: Uint8Array } as const;

export const isFx = (x: unknown): x is FxArray => typeof x === "object" && x !== null && "data" in x && "shape" in x && "dtype" in x;

export function fxArray(a: FxArray): Array {
  const ctor = CTORS[a.dtype as keyof typeof CTORS];
  if (ctor === undefined) throw new Error(`fixture dtype ${a.dtype} not supported`);
  return new Array(new ShapedArray(a.shape, a.dtype as DType), { host: ctor.from(a.data.map(decode)) });
}

/** A fixture tree (records / lists of encoded arrays) as a tree of Arrays. */
export function fxTree(t: unknown): any {
  if (isFx(t)) return fxArray(t);
  if (globalThis.Array.isArray(t)) return t.map(fxTree);
  if (typeof t === "object" && t !== null) return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, fxTree(v)]));
  return t;
}

export const values = (x: Value): number[] => globalThis.Array.from((x as Array).dataSync() as ArrayLike<number>, Number);

/**
 * Largest |a − b| / (atol + rtol·max(|b|, 0.1·max|leaf|)) over all leaves; ≤ 1 means close.
 * The floor at a tenth of the leaf's largest magnitude covers entries that are small through
 * cancellation, whose rounding error is relative to the terms, not to the result.
 */
export function treeErr(actual: unknown, expected: unknown, rtol: number, atol: number): number {
  const [la, ta] = flatten(actual);
  const [le, te] = flatten(expected);
  expect(ta.toString()).toBe(te.toString());
  let worst = 0;
  la.forEach((a, i) => {
    const e = le[i] as Value;
    expect((a as Value).shape).toEqual(e.shape);
    const av = values(a as Value);
    const ev = values(e);
    const floor = 0.1 * Math.max(0, ...ev.map(Math.abs));
    av.forEach((x, j) => {
      const d = Math.abs(x - ev[j]!);
      const err = d === 0 ? 0 : d / (atol + rtol * Math.max(Math.abs(ev[j]!), floor));
      if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : Math.max(worst, err);
    });
  });
  return worst;
}

export function expectTreeClose(actual: unknown, expected: unknown, rtol = 1e-5, atol = 1e-6, what = ""): void {
  const err = treeErr(actual, expected, rtol, atol);
  if (err > 1) throw new Error(`${what}: trees differ (worst error ${err.toFixed(2)}× the tolerance rtol=${rtol}, atol=${atol})`);
}
