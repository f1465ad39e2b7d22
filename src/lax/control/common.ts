// Shared pieces of the control-flow wrappers: leaves to values, weak-type reconciliation of
// loop carries and branch outputs, readable leaf paths, and interning of traced bodies.
import { ShapedArray, shapeEq, isFloatDtype, isIntDtype } from "../../core/aval.js";
import { Jaxpr, Literal } from "../../core/ir.js";
import { describe, literalValue, numberLiteral } from "../../core/trace.js";
import { Value } from "../../core/values.js";
import { convertLax } from "../convert.js";
import type { KeyPath, TreeDef } from "../../pytree/index.js";
import type { DType } from "../../xla/dtype.js";

/** A pytree leaf as a Value: JS numbers become weakly typed scalars (as in JAX). */
export function leafValue(l: unknown, fn: string, what: string): Value {
  if (l instanceof Value) return l;
  if (typeof l === "number") return literalValue(numberLiteral(l));
  throw new TypeError(`${fn}: ${what} is ${describe(l)}; leaves must be arrays or numbers`);
}

/** `carry[0].w` style names for leaves, for error messages. */
export function leafName(root: string, tree: TreeDef, i: number): string {
  const path: KeyPath = tree.leafPaths()[i] ?? [];
  return root + path.map((k) => (typeof k === "number" ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join("");
}

function kind(d: DType): number {
  return d === "bool" ? 0 : isIntDtype(d) ? 1 : isFloatDtype(d) ? 2 : 3;
}

/**
 * JAX's rule for a weakly typed carry input whose body output differs: the input takes the
 * output's dtype when a weak value may adopt it (weak ints become any numeric dtype, weak
 * floats any float dtype), and loses its weak flag when the output is strong. Returns the
 * new input aval, or undefined when nothing can be done (the caller reports the mismatch).
 */
export function promoteWeakCarry(inA: ShapedArray, outA: ShapedArray): ShapedArray | undefined {
  if (!inA.weakType || !shapeEq(inA.shape, outA.shape)) return undefined;
  if (inA.dtype === outA.dtype) return outA.weakType ? undefined : inA.withWeak(false);
  const ki = kind(inA.dtype);
  const ko = kind(outA.dtype);
  if (ko >= 1 && ko <= 2 && ko >= ki) return new ShapedArray(inA.shape, outA.dtype, outA.weakType);
  return undefined;
}

/**
 * Drops the weak flag of traced outputs whose target (a strong carry, or a strong output of
 * another branch) is otherwise equal; other mismatches are left for the checks.
 */
export function matchWeak(outs: readonly (Value | number)[], targets: readonly ShapedArray[], fn: string, what: (i: number) => string): Value[] {
  return outs.map((o, i) => {
    const v = leafValue(o, fn, what(i));
    const t = targets[i];
    if (t !== undefined && v.weakType && !t.weakType && v.aval.strongEquals(t)) return convertLax.convertElementType(v, t.dtype, false);
    return v;
  });
}

/** Explains how two avals differ, e.g. "f32[3] vs f32[2] (the shapes differ)". */
export function avalDiff(a: ShapedArray, b: ShapedArray): string {
  const why = [a.dtype !== b.dtype ? "the dtypes differ" : "", !shapeEq(a.shape, b.shape) ? "the shapes differ" : ""].filter(Boolean).join(" and ");
  return why ? ` (${why})` : "";
}

// Interning: bodies traced again with the same structure become the same Jaxpr object, so
// eager control flow hits the one-primitive executable cache (keyed by jaxpr identity).
const interned = new Map<string, Jaxpr>();
const MAX_INTERNED = 4096;

export function intern(j: Jaxpr): Jaxpr {
  if (!plainParams(j)) return j;
  const key = j.toString();
  const hit = interned.get(key);
  if (hit) return hit;
  if (interned.size >= MAX_INTERNED) interned.clear();
  interned.set(key, j);
  return j;
}

/** Whether the printed text identifies the program: plain params, no -0 literals ("0"). */
function plainParams(j: Jaxpr): boolean {
  const okAtom = (a: unknown) => !(a instanceof Literal && Object.is(a.value, -0));
  return j.outvars.every(okAtom) && j.eqns.every((e) => e.inputs.every(okAtom) && Object.values(e.params).every(plainValue));
}

function plainValue(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  switch (typeof v) {
    case "number":
    case "string":
    case "boolean":
    case "bigint":
      return true;
    case "object":
      if (v instanceof Jaxpr) return plainParams(v);
      if (v instanceof ShapedArray) return true;
      if (Array.isArray(v)) return v.every(plainValue);
      if (Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(plainValue);
      return false;
    default:
      return false;
  }
}
