// test/fixtures/grad.json (JAX's gradients, made by tools/fixtures_grad.py): loading, comparing,
// and the TypeScript ports of its programs, line by line from each program's Python `source`.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { Array as ConcreteArray, jit, setBackend, type Value } from "../../src/core/index.js";
import { toNumbers } from "../../src/core/host.js";
import { numpy as np } from "../../src/numpy/index.js";
import { lax } from "../../src/lax/index.js";
import { backends, decodeArray, isEncArray, num, type EncArray } from "../numpy/helpers.js";

export type Enc = EncArray | { [k: string]: Enc } | Enc[];
export interface Run {
  dtype: "float32" | "float64";
  inputs: Record<string, Enc>;
  outputs: Record<string, Enc>;
}
export interface Program {
  name: string;
  description: string;
  source: string;
  runs: Run[];
}

const fx: { meta: Record<string, unknown>; programs: Program[] } = JSON.parse(
  readFileSync(new URL("../fixtures/grad.json", import.meta.url), "utf8"),
);

export function program(name: string): Program {
  const p = fx.programs.find((q) => q.name === name);
  if (!p) throw new Error(`grad.json has no program ${name}`);
  return p;
}
export const programNames = () => fx.programs.map((p) => p.name);

/** Decodes a tree of encoded arrays into concrete arrays (Python scalars stay numbers). */
export function decodeTree(e: unknown): any {
  if (isEncArray(e)) return decodeArray(e);
  if (e && typeof e === "object" && "scalar" in e) return num((e as { scalar: number }).scalar);
  if (Array.isArray(e)) return e.map(decodeTree);
  if (e && typeof e === "object") return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, decodeTree(v)]));
  return e;
}

/** Decoded inputs of a run, by name. */
export const inputs = (r: Run): Record<string, any> => decodeTree(r.inputs);

/**
 * Asserts a result tree equals the fixture tree: same keys, shapes and dtypes; values within
 * rtol plus an absolute slack scaled by the array's largest magnitude (sums of gradients cancel).
 */
export function expectTree(got: unknown, want: unknown, label: string, rtol?: number): void {
  if (isEncArray(want)) {
    const g = got as Value;
    expect(g instanceof ConcreteArray, `${label}: a concrete array`).toBe(true);
    expect(g.shape, `${label}: shape`).toEqual(want.shape);
    expect(g.dtype, `${label}: dtype`).toBe(want.dtype);
    const gv = toNumbers({ aval: g.aval, data: (g as ConcreteArray).dataSync() });
    const wv = want.data.map(num);
    const isF32 = want.dtype === "float32";
    const rt = rtol ?? (isF32 ? 2e-5 : want.dtype === "float64" ? 1e-10 : 0);
    const scale = Math.max(0, ...wv.filter(Number.isFinite).map(Math.abs));
    const atol = rt * scale;
    const bad: string[] = [];
    wv.forEach((w, i) => {
      const v = gv[i]!;
      const ok = Number.isNaN(w) ? Number.isNaN(v) : v === w || (Number.isFinite(w) && Math.abs(v - w) <= atol + rt * Math.abs(w));
      if (!ok && bad.length < 4) bad.push(`[${i}] got ${v} want ${w}`);
    });
    expect(bad, `${label}: values`).toEqual([]);
    return;
  }
  if (Array.isArray(want)) {
    expect(Array.isArray(got), `${label}: a list`).toBe(true);
    expect((got as unknown[]).length, `${label}: length`).toBe(want.length);
    want.forEach((w, i) => expectTree((got as unknown[])[i], w, `${label}[${i}]`, rtol));
    return;
  }
  const g = got as Record<string, unknown>;
  expect(Object.keys(g).sort(), `${label}: keys`).toEqual(Object.keys(want as object).sort());
  for (const [k, w] of Object.entries(want as object)) expectTree(g[k], w, `${label}.${k}`, rtol);
}

// --- where to run -------------------------------------------------------------------------------

export const BACKENDS = backends();
export type Mode = "eager" | "jit";
export const MODES: Mode[] = ["eager", "jit"];
/** The function itself (eager) or jit of it. */
export const wrap = <F extends (...a: any[]) => any>(mode: Mode, f: F): F => (mode === "jit" ? (jit(f) as unknown as F) : f);
export const use = (b: "ref" | "xla") => setBackend(b);

// --- the programs, ported from their Python source ----------------------------------------------

export interface MlpParams {
  w1: Value;
  b1: Value;
  w2: Value;
  b2: Value;
}

export function mlpLoss(params: MlpParams, x: Value, labels: Value): Value {
  const h = np.maximum(np.add(np.matmul(x, params.w1), params.b1), 0.0);
  const logits = np.add(np.matmul(h, params.w2), params.b2);
  const m = np.max(logits, 1, true);
  const logp = np.subtract(np.subtract(logits, m), np.log(np.sum(np.exp(np.subtract(logits, m)), 1, true)));
  const onehot = np.astype(np.equal(np.expandDims(labels, 1), np.arange(logits.shape[1]!)), logits.dtype);
  return np.negative(np.mean(np.sum(np.multiply(onehot, logp), 1)));
}

export function logsumexp(x: Value): Value {
  const m = lax.stopGradient(np.max(x, -1, true));
  return np.add(np.log(np.sum(np.exp(np.subtract(x, m)), -1)), np.squeeze(m, -1));
}

export const lseLoss = (x: Value, w: Value): Value => np.sum(np.multiply(logsumexp(x), w));

export function discountedReturn(rewards: Value, dones: Value, gamma: Value, bootstrap: Value): Value {
  const step = (gNext: Value, [r, d]: [Value, Value]): [Value, Value] => {
    const g = np.add(r, np.multiply(np.multiply(gamma, np.subtract(1.0, d)), gNext));
    return [g, g];
  };
  const [, returns] = lax.scan(step, bootstrap, [rewards, dones] as [Value, Value], { reverse: true });
  return returns;
}

export const returnLoss = (rewards: Value, dones: Value, gamma: Value, bootstrap: Value): Value =>
  np.multiply(0.5, np.sum(np.power(discountedReturn(rewards, dones, gamma, bootstrap), 2)));

export const piecewise = (x: Value): Value =>
  lax.cond(
    np.greater(x, 0),
    (x: Value) => np.power(x, 3),
    (x: Value) => np.sin(x),
    x,
  );

export const hessFn = (x: Value): Value => np.add(np.sum(np.multiply(np.sin(x), np.power(x, 2))), np.power(np.dot(x, x), 2));

export const jacFn = (w: Value, x: Value): Value => np.tanh(np.matmul(w, x));

export const jvpFn = (x: Value, y: Value) => ({ a: np.multiply(np.sin(x), y), b: np.sum(np.multiply(np.exp(np.divide(x, 4.0)), y)) });

export function newtonSqrt(a: Value): Value {
  const body = ([i, x]: [Value, Value]): [Value, Value] => [np.add(i, 1), np.multiply(0.5, np.add(x, np.divide(a, x)))];
  const [, x] = lax.whileLoop((c: [Value, Value]) => np.less(c[0], 8), body, [np.asArray(0), a] as [Value, Value]);
  return x;
}

export function perExampleLoss(w: Value, b: Value, x: Value, y: Value): Value {
  const pred = np.tanh(np.add(np.dot(x, w), b));
  return np.multiply(0.5, np.power(np.subtract(pred, y), 2));
}
