// Shared by the agents' JAX-fixture tests: decoding a fixture's nested arrays, and comparing
// an array with JAX's within rtol / atol, naming the first element that differs.
import { expect } from "vitest";
import type { Value } from "../../src/core/values.js";
import type { Array as ConcreteArray } from "../../src/core/values.js";
import { decodeArray, isEncArray } from "../numpy/helpers.js";

/** A fixture's value with every encoded array decoded (any: fixtures are untyped JSON). */
export function decode(e: unknown): any {
  if (isEncArray(e)) return decodeArray(e);
  if (Array.isArray(e)) return e.map(decode);
  if (e !== null && typeof e === "object") return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, decode(v)]));
  return e;
}

export const host = (v: Value) => [...(v as ConcreteArray).dataSync()].map(Number);

export function expectClose(got: Value, want: Value, rtol: number, atol: number, what: string): void {
  const g = host(got);
  const w = host(want);
  expect(g.length, what).toBe(w.length);
  g.forEach((x, i) => {
    if (Math.abs(x - w[i]!) > atol + rtol * Math.abs(w[i]!)) expect.fail(`${what}[${i}]: got ${x}, JAX ${w[i]}`);
  });
}
