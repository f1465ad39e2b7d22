// Printing array values as numpy does: elements right-aligned to one width, one row per line,
// and long axes summarised with "..." (numpy's threshold 1000 and edge items 3).
import type { DType, TypedArray } from "../xla/dtype.js";
import type { Shape } from "./aval.js";

const THRESHOLD = 1000;
const EDGE = 3;

// Float32 data read as doubles shows float noise (0.1 -> 0.10000000149011612): print the
// digits the dtype holds.
const DIGITS: Partial<Record<DType, number>> = { float16: 4, bfloat16: 3, float32: 8, float64: 17 };

function element(v: number | bigint, dtype: DType): string {
  if (dtype === "bool") return v === 0 || v === 0n ? "false" : "true";
  if (typeof v === "bigint") return v.toString();
  const digits = DIGITS[dtype];
  if (digits === undefined || !Number.isFinite(v)) return String(v);
  const s = String(Number(v.toPrecision(digits)));
  return Number.isInteger(v) && !s.includes("e") ? `${s}.` : s;
}

/** The values of `data` (host numbers, float16 already decoded) laid out as nested lists. */
export function formatValues(data: ArrayLike<number | bigint>, shape: Shape, dtype: DType): string {
  const size = shape.reduce((a, b) => a * b, 1);
  const summarise = size > THRESHOLD;
  // Which indices of an axis of length n are shown (-1: the "..." marker).
  const shown = (n: number): number[] => {
    if (!summarise || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
    return [...Array.from({ length: EDGE }, (_, i) => i), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
  };
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  // First pass: the width of the widest shown element.
  let width = 0;
  const visit = (off: number, dim: number, f: (off: number) => void): void => {
    if (dim === shape.length) return f(off);
    for (const i of shown(shape[dim]!)) if (i >= 0) visit(off + i * strides[dim]!, dim + 1, f);
  };
  visit(0, 0, (off) => (width = Math.max(width, element(data[off]!, dtype).length)));
  const rec = (off: number, dim: number, indent: string): string => {
    if (dim === shape.length) return element(data[off]!, dtype).padStart(width);
    const parts = shown(shape[dim]!).map((i) => (i < 0 ? "..." : rec(off + i * strides[dim]!, dim + 1, `${indent} `)));
    if (dim === shape.length - 1) return `[${parts.join(", ")}]`;
    const sep = `,${"\n".repeat(shape.length - dim - 1)}${indent} `;
    return `[${parts.join(sep)}]`;
  };
  return rec(0, 0, "");
}

/** `Array([[1., 2.], [3., 4.]], dtype=float32)`, continuation lines aligned under the data. */
export function formatArray(data: TypedArray | ArrayLike<number | bigint>, shape: Shape, dtype: DType, weak: boolean): string {
  const prefix = "Array(";
  const body = formatValues(data, shape, dtype).replace(/\n(?=.)/g, `\n${" ".repeat(prefix.length)}`);
  return `${prefix}${body}, dtype=${dtype}${weak ? ", weakType=true" : ""})`;
}
