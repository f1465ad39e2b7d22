// Abstract values: what tracing knows about an array (shape, dtype, weak type).
import type { DType } from "../xla/dtype.js";

export type Shape = readonly number[];

export class ShapedArray {
  constructor(
    readonly shape: Shape,
    readonly dtype: DType,
    /** A weakly typed value (from a JS number) adopts the dtype of what it meets. */
    readonly weakType = false,
  ) {}

  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return sizeOf(this.shape);
  }
  /** Stable string, e.g. "f32[3,4]" or "~f32[]" for weak types; keys caches. */
  toString(): string {
    return `${this.weakType ? "~" : ""}${DTYPE_SHORT[this.dtype]}[${this.shape.join(",")}]`;
  }
  equals(o: ShapedArray): boolean {
    return this.dtype === o.dtype && this.weakType === o.weakType && shapeEq(this.shape, o.shape);
  }
  strongEquals(o: ShapedArray): boolean {
    return this.dtype === o.dtype && shapeEq(this.shape, o.shape);
  }
  withWeak(weak: boolean): ShapedArray {
    return weak === this.weakType ? this : new ShapedArray(this.shape, this.dtype, weak);
  }
}

export const DTYPE_SHORT: Record<DType, string> = {
  float32: "f32",
  float64: "f64",
  float16: "f16",
  bfloat16: "bf16",
  int8: "i8",
  int32: "i32",
  int64: "i64",
  uint8: "u8",
  uint32: "u32",
  bool: "bool",
};

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeEq(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function shapeStr(s: Shape): string {
  return `[${s.join(", ")}]`;
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= shape[i]!;
  }
  return st;
}

export function isFloatDtype(d: DType): boolean {
  return d === "float32" || d === "float64" || d === "float16" || d === "bfloat16";
}
export function isIntDtype(d: DType): boolean {
  return d === "int8" || d === "int32" || d === "int64" || d === "uint8" || d === "uint32";
}
export function isUnsignedDtype(d: DType): boolean {
  return d === "uint8" || d === "uint32";
}
