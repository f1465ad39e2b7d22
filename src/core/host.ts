// Host arrays: the data the `ref` backend computes on (row-major typed arrays).
import { ShapedArray, sizeOf, type Shape } from "./aval.js";
import { DTYPES, type DType, type TypedArray } from "../xla/dtype.js";

export interface HostArray {
  readonly aval: ShapedArray;
  readonly data: TypedArray;
}

export function hostArray(aval: ShapedArray, data?: TypedArray): HostArray {
  return { aval, data: data ?? allocTyped(aval.dtype, aval.size) };
}

export function allocTyped(dtype: DType, n: number): TypedArray {
  const C = DTYPES[dtype].array as new (n: number) => TypedArray;
  return new C(n);
}

/** Reads element i as a JS number (int64 through Number; fine for the ref oracle's range). */
export function getNum(a: TypedArray, i: number): number {
  return Number(a[i]!);
}

/** Writes a number into a typed array with XLA's conversion semantics for the dtype. */
export function setNum(a: TypedArray, i: number, v: number, dtype: DType): void {
  switch (dtype) {
    case "int64":
      (a as BigInt64Array)[i] = BigInt(Math.trunc(Number.isFinite(v) ? v : 0));
      return;
    case "bool":
      (a as Uint8Array)[i] = v ? 1 : 0;
      return;
    case "float16":
    case "bfloat16":
      (a as Uint16Array)[i] = dtype === "float16" ? f32ToF16Bits(v) : f32ToBf16Bits(v);
      return;
    default:
      (a as Float32Array)[i] = v;
  }
}

/** Values of a host array as plain numbers (decoding f16/bf16 raw bits). */
export function toNumbers(h: HostArray): Float64Array {
  const n = h.aval.size;
  const out = new Float64Array(n);
  const d = h.data;
  if (h.aval.dtype === "float16") for (let i = 0; i < n; i++) out[i] = f16BitsToF32(d[i] as number);
  else if (h.aval.dtype === "bfloat16") for (let i = 0; i < n; i++) out[i] = bf16BitsToF32(d[i] as number);
  else for (let i = 0; i < n; i++) out[i] = Number(d[i]!);
  return out;
}

/** A host array of `dtype` holding `values` (converted as XLA converts). */
export function fromNumbers(values: ArrayLike<number>, shape: Shape, dtype: DType, weak = false): HostArray {
  const aval = new ShapedArray(shape, dtype, weak);
  const out = allocTyped(dtype, sizeOf(shape));
  for (let i = 0; i < values.length; i++) setNum(out, i, values[i]!, dtype);
  return { aval, data: out };
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

export function f32ToBf16Bits(v: number): number {
  f32buf[0] = v;
  const x = u32buf[0]!;
  if (Number.isNaN(v)) return 0x7fc0;
  // round to nearest even
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}
export function bf16BitsToF32(b: number): number {
  u32buf[0] = b << 16;
  return f32buf[0]!;
}
export function f32ToF16Bits(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Infinity) return sign | 0x7c00;
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -24 / 2) return sign;
  let e = Math.floor(Math.log2(a));
  if (e < -14) {
    // subnormal: round to nearest even multiple of 2^-24
    const m = a / 2 ** -24;
    return sign | roundEven(m);
  }
  const m = a / 2 ** e - 1;
  let mi = roundEven(m * 1024);
  if (mi === 1024) {
    mi = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | mi;
}
export function f16BitsToF32(b: number): number {
  const s = b & 0x8000 ? -1 : 1;
  const e = (b >> 10) & 0x1f;
  const m = b & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
function roundEven(x: number): number {
  const f = Math.floor(x);
  const r = x - f;
  if (r > 0.5) return f + 1;
  if (r < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
