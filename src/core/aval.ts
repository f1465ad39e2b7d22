// Abstract values: what tracing knows about an array (shape, dtype, weak type).
import type { DType } from "../xla/dtype.js";

export type Shape = readonly number[];

export class ShapedArray {
  constructor(
    readonly shape: Shape,
    readonly dtype: DType,
    /** A weakly typed value (from a JS number) adopts the dtype of what it meets. */
    readonly weakType = false,
  ) {
    checkShape(shape);
  }

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

/**
 * Largest element count of an array: 2^53 - 1, so that sizes, offsets and byte counts (times
 * at most 8 bytes) stay exact in JS numbers and in XLA's int64 arithmetic. Larger shapes are
 * refused before anything reaches the plugin (which aborts on an int64 overflow).
 */
export const MAX_ELEMENTS = Number.MAX_SAFE_INTEGER;

/** Thrown for a shape no array can have; `bind` prefixes the operation's name. */
export class ShapeError extends RangeError {
  override name = "ShapeError";
  constructor(
    message: string,
    readonly shape: unknown,
    /** The operation that produced the shape, once known. */
    readonly op?: string,
  ) {
    super(op ? `${op}: ${message}` : message);
  }
}

function showShape(shape: unknown): string {
  if (!globalThis.Array.isArray(shape)) return String(shape);
  return `[${shape.map(showDim).join(", ")}]`;
}
function showDim(d: unknown): string {
  return typeof d === "number" && Number.isInteger(d) && Math.abs(d) >= 2 ** 31 ? pow2Str(d) : String(d);
}
function pow2Str(d: number): string {
  const e = Math.log2(Math.abs(d));
  return Number.isInteger(e) ? `${d < 0 ? "-" : ""}2**${e}` : String(d);
}

/**
 * Throws a ShapeError unless every dimension is a non-negative safe integer and the element
 * count (the product of the non-zero dimensions, so that [2**53, 0] is refused too: XLA
 * multiplies the extents in int64) is at most MAX_ELEMENTS.
 */
export function checkShape(shape: Shape): void {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isSafeInteger(d) || d < 0)
      throw new ShapeError(`shape ${showShape(shape)}: dimension ${i} is ${showDim(d)}; dimensions must be non-negative integers below 2**53`, shape);
    if (d !== 0) n *= d;
  }
  if (n > MAX_ELEMENTS)
    throw new ShapeError(
      `shape ${showShape(shape)} has ${n > 2 ** 60 ? "about 2**" + Math.round(Math.log2(n)) : n} elements, more than the 2**53 - 1 an array can hold`,
      shape,
    );
}

/** `e`, or for a ShapeError raised while computing `op`'s output shapes, one naming `op`. */
export function withOp(op: string, e: unknown): unknown {
  return e instanceof ShapeError && e.op === undefined ? new ShapeError(e.message, e.shape, op) : e;
}

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
