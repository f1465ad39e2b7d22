// Shared checks of the transformation suites: host views of arrays, stacking along an axis,
// elementwise comparison with NaN handling.
import { expect } from "vitest";
import { Array, ShapedArray, type Value } from "../../../src/core/index.js";
import { fromNumbers, toNumbers } from "../../../src/core/host.js";
import type { DType } from "../../../src/xla/dtype.js";

export const asList = (v: unknown): Value[] => (globalThis.Array.isArray(v) ? (v as Value[]) : [v as Value]);
export const nums = (v: Value) => toNumbers({ aval: v.aval, data: (v as Array).hostSync() });
export const mk = (xs: ArrayLike<number>, shape: readonly number[], dtype: DType = "float32") =>
  new Array(new ShapedArray(shape, dtype), { host: fromNumbers(xs, shape, dtype).data });

/** Stacks same-shaped arrays along a new axis `axis`. */
export function stackAt(xs: Array[], axis: number): Array {
  const s = xs[0]!.shape;
  const inner = s.slice(axis).reduce((a, b) => a * b, 1);
  const outer = s.slice(0, axis).reduce((a, b) => a * b, 1);
  const parts = xs.map(nums);
  const n = xs.length;
  const out = new Float64Array(n * outer * inner);
  for (let o = 0; o < outer; o++) for (let b = 0; b < n; b++) for (let k = 0; k < inner; k++) out[(o * n + b) * inner + k] = parts[b]![o * inner + k]!;
  return mk(out, [...s.slice(0, axis), n, ...s.slice(axis)], xs[0]!.dtype);
}

export function expectClose(got: Value, want: Value, what: string, tol = 1e-5): void {
  expect(String(got.shape), `${what}: shape`).toBe(String(want.shape));
  expect(got.dtype, `${what}: dtype`).toBe(want.dtype);
  const g = nums(got);
  const w = nums(want);
  for (let i = 0; i < w.length; i++) {
    const ok = g[i] === w[i] || (Number.isNaN(w[i]!) ? Number.isNaN(g[i]!) : Math.abs(g[i]! - w[i]!) <= tol * Math.max(1, Math.abs(w[i]!)));
    if (!ok) expect.fail(`${what}: element ${i} is ${g[i]}, want ${w[i]}`);
  }
}

