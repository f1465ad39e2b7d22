// Shared helpers for primitive definitions: checks with clear errors, and ref-kernel loops.
import { ShapedArray, shapeEq, shapeStr, isFloatDtype, isIntDtype, isUnsignedDtype, stridesOf, type Shape } from "../core/aval.js";
import { primError } from "../core/primitive.js";
import { allocTyped, type HostArray } from "../core/host.js";
import type { DType, TypedArray } from "../xla/dtype.js";

export { primError };

export type DtypeClass = "float" | "int" | "num" | "intOrBool" | "any";

export function dtypeIn(d: DType, cls: DtypeClass): boolean {
  switch (cls) {
    case "float":
      return isFloatDtype(d);
    case "int":
      return isIntDtype(d);
    case "num":
      return d !== "bool";
    case "intOrBool":
      return isIntDtype(d) || d === "bool";
    case "any":
      return true;
  }
}

const CLASS_WORDS: Record<DtypeClass, string> = {
  float: "a floating-point dtype",
  int: "an integer dtype",
  num: "a numeric (non-bool) dtype",
  intOrBool: "an integer or bool dtype",
  any: "any dtype",
};

export function checkDtype(prim: string, arg: string, a: ShapedArray, cls: DtypeClass): void {
  if (!dtypeIn(a.dtype, cls)) throw primError(prim, `${arg} must have ${CLASS_WORDS[cls]}, got ${a}`);
}

export function checkSameShapes(prim: string, avals: readonly ShapedArray[]): void {
  for (let i = 1; i < avals.length; i++)
    if (!shapeEq(avals[0]!.shape, avals[i]!.shape))
      throw primError(
        prim,
        `operands must have equal shapes (primitives do not broadcast; numpy does), got ${avals.map((a) => shapeStr(a.shape)).join(" and ")}`,
      );
}

export function checkSameDtypes(prim: string, avals: readonly ShapedArray[]): void {
  for (let i = 1; i < avals.length; i++)
    if (avals[0]!.dtype !== avals[i]!.dtype)
      throw primError(
        prim,
        `operands must have equal dtypes (primitives do not promote; numpy does), got ${avals.map((a) => a.dtype).join(" and ")}`,
      );
}

export function checkArity(prim: string, avals: readonly unknown[], n: number): void {
  if (avals.length !== n) throw primError(prim, `expects ${n} operand(s), got ${avals.length}`);
}

export function checkAxis(prim: string, axis: number, ndim: number, what = "axis"): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= ndim)
    throw primError(prim, `${what} ${axis} is out of range for an operand of rank ${ndim}`);
}

export function allWeak(avals: readonly ShapedArray[]): boolean {
  return avals.length > 0 && avals.every((a) => a.weakType);
}

export function out(shape: Shape, dtype: DType, weak = false): ShapedArray {
  return new ShapedArray(shape, dtype, weak);
}

export function newHost(aval: ShapedArray): HostArray {
  return { aval, data: allocTyped(aval.dtype, aval.size) };
}

/** Multi-index iteration helper: calls f(flatIndex, index) for every element of `shape`. */
export function forEachIndex(shape: Shape, f: (flat: number, idx: number[]) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n === 0) return;
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    f(flat, idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

export function flatIndex(idx: readonly number[], strides: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < idx.length; i++) s += idx[i]! * strides[i]!;
  return s;
}

export { stridesOf, isFloatDtype, isIntDtype, isUnsignedDtype };

/** Integer bit width of a dtype (for shifts and bitcasts). */
export function bitWidth(d: DType): number {
  switch (d) {
    case "int8":
    case "uint8":
    case "bool":
      return 8;
    case "float16":
    case "bfloat16":
      return 16;
    case "int32":
    case "uint32":
    case "float32":
      return 32;
    default:
      return 64;
  }
}

export function copyTyped(a: TypedArray): TypedArray {
  return a.slice() as TypedArray;
}

/** MLIR dense array attribute of i64s, e.g. `array<i64: 0, 1>`. */
export function i64Array(xs: readonly number[]): string {
  return xs.length ? `array<i64: ${xs.join(", ")}>` : `array<i64>`;
}

/** Two's-complement wrap of an integer value into an integer dtype (XLA's integer overflow). */
export function wrapInt(v: number, d: DType): number {
  switch (d) {
    case "int8":
      return (v << 24) >> 24;
    case "uint8":
      return v & 0xff;
    case "int32":
      return v | 0;
    case "uint32":
      return v >>> 0;
    default:
      return v;
  }
}
