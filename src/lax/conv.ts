// conv_general_dilated: N-d convolution with strides, padding, lhs/rhs dilation, feature and
// batch groups, and arbitrary layouts (dimension numbers), with XLA's semantics.
import { ShapedArray, shapeStr, stridesOf, isFloatDtype } from "../core/aval.js";
import { definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import type { Value } from "../core/values.js";
import { fromNumbers, toNumbers, type HostArray } from "../core/host.js";
import { tensorType } from "../core/lowering.js";
import type { DType } from "../xla/dtype.js";
import { checkArity, i64Array, out, primError } from "./util.js";
import { dotOutDtype, mixedPrecisionOperands, type Precision } from "./dot.js";

/**
 * Layout of each operand as JAX's ConvDimensionNumbers: lhs and out are
 * (batch dim, feature dim, spatial dims...), rhs is (out-feature dim, in-feature dim, spatial dims...).
 */
export interface ConvDims {
  lhs: number[];
  rhs: number[];
  out: number[];
}

export interface ConvParams {
  windowStrides: number[];
  padding: [number, number][];
  lhsDilation: number[];
  rhsDilation: number[];
  dimensionNumbers: ConvDims;
  featureGroupCount: number;
  batchGroupCount: number;
  preferredElementType?: DType;
  precision?: Precision;
}

const P = "conv_general_dilated";

function isPerm(xs: readonly number[], n: number): boolean {
  return Array.isArray(xs) && xs.length === n && xs.every((x) => Number.isInteger(x) && x >= 0 && x < n) && new Set(xs).size === n;
}

function checkVec(name: string, v: readonly number[], s: number, min: number): void {
  if (!Array.isArray(v) || v.length !== s || !v.every((x) => Number.isInteger(x) && x >= min))
    throw primError(P, `${name} must be ${s} integer(s) >= ${min} (one per spatial dimension), got [${String(v)}]`);
}

/** Output spatial size of a dilated, padded, strided window sweep (0 if the window does not fit). */
function outSize(n: number, k: number, stride: number, [lo, hi]: [number, number], ld: number, rd: number): number {
  const inD = n === 0 ? 0 : (n - 1) * ld + 1;
  const kD = k === 0 ? 0 : (k - 1) * rd + 1;
  const padded = inD + lo + hi;
  return padded < kD ? 0 : Math.floor((padded - kD) / stride) + 1;
}

export const convP = definePrimitive<ConvParams>({
  name: P,
  abstractEval(avals, p) {
    checkArity(P, avals, 2);
    const [l, r] = avals as [ShapedArray, ShapedArray];
    if (l.dtype !== r.dtype) throw primError(P, `lhs and rhs must have equal dtypes (primitives do not promote; numpy does), got ${l} and ${r}`);
    if (l.dtype === "bool") throw primError(P, `operands must be numeric, got ${l}`);
    if (l.ndim !== r.ndim || l.ndim < 2)
      throw primError(P, `lhs and rhs must have equal rank >= 2, got shapes ${shapeStr(l.shape)} and ${shapeStr(r.shape)}`);
    const nd = l.ndim;
    const s = nd - 2;
    const dn = p.dimensionNumbers;
    for (const k of ["lhs", "rhs", "out"] as const)
      if (dn === undefined || !isPerm(dn[k], nd)) throw primError(P, `dimensionNumbers.${k} must be a permutation of 0..${nd - 1}, got [${String(dn?.[k])}]`);
    checkVec("windowStrides", p.windowStrides, s, 1);
    checkVec("lhsDilation", p.lhsDilation, s, 1);
    checkVec("rhsDilation", p.rhsDilation, s, 1);
    if (!Array.isArray(p.padding) || p.padding.length !== s || !p.padding.every((q) => Array.isArray(q) && q.length === 2 && q.every(Number.isInteger)))
      throw primError(P, `padding must be ${s} [low, high] integer pair(s), got ${JSON.stringify(p.padding)}`);
    const G = p.featureGroupCount;
    const B = p.batchGroupCount;
    if (!Number.isInteger(G) || G < 1 || !Number.isInteger(B) || B < 1 || (G > 1 && B > 1))
      throw primError(P, `featureGroupCount (${G}) and batchGroupCount (${B}) must be positive integers, at most one of them > 1`);
    const N = l.shape[dn.lhs[0]!]!;
    const C = l.shape[dn.lhs[1]!]!;
    const O = r.shape[dn.rhs[0]!]!;
    const I = r.shape[dn.rhs[1]!]!;
    const shapes = `lhs ${shapeStr(l.shape)}, rhs ${shapeStr(r.shape)}`;
    if (C !== I * G)
      throw primError(P, `lhs feature size (${C}) must equal rhs input-feature size (${I}) times featureGroupCount (${G}); ${shapes}`);
    if (O % G !== 0) throw primError(P, `rhs output-feature size (${O}) must be a multiple of featureGroupCount (${G}); ${shapes}`);
    if (N % B !== 0 || O % B !== 0)
      throw primError(P, `lhs batch size (${N}) and rhs output-feature size (${O}) must be multiples of batchGroupCount (${B}); ${shapes}`);
    const shape = new Array<number>(nd);
    shape[dn.out[0]!] = N / B;
    shape[dn.out[1]!] = O;
    for (let j = 0; j < s; j++)
      shape[dn.out[2 + j]!] = outSize(l.shape[dn.lhs[2 + j]!]!, r.shape[dn.rhs[2 + j]!]!, p.windowStrides[j]!, p.padding[j]!, p.lhsDilation[j]!, p.rhsDilation[j]!);
    const od = dotOutDtype(P, l, p.preferredElementType);
    return [out(shape, od)];
  },
  lower(ctx, [x, y], [l, r], [o], p) {
    const { ins, inAvals } = mixedPrecisionOperands(ctx, [x!, y!], [l!, r!], o!.dtype);
    const s = l!.ndim - 2;
    const dn = p.dimensionNumbers;
    const labels = (spec: number[], b: string, f: string) => {
      const xs = new Array<string>(spec.length);
      xs[spec[0]!] = b;
      xs[spec[1]!] = f;
      for (let j = 0; j < s; j++) xs[spec[2 + j]!] = String(j);
      return `[${xs.join(", ")}]`;
    };
    const attrs = [
      `batch_group_count = ${p.batchGroupCount} : i64`,
      `dimension_numbers = #stablehlo.conv<${labels(dn.lhs, "b", "f")}x${labels(dn.rhs, "o", "i")}->${labels(dn.out, "b", "f")}>`,
      `feature_group_count = ${p.featureGroupCount} : i64`,
    ];
    if (s > 0)
      attrs.push(
        `lhs_dilation = ${i64Array(p.lhsDilation)}`,
        `padding = dense<[${p.padding.map(([a, b]) => `[${a}, ${b}]`).join(", ")}]> : tensor<${s}x2xi64>`,
        `rhs_dilation = ${i64Array(p.rhsDilation)}`,
        `window_strides = ${i64Array(p.windowStrides)}`,
      );
    if (p.precision) attrs.push(`precision_config = [#stablehlo<precision ${p.precision}>, #stablehlo<precision ${p.precision}>]`);
    return [ctx.op("stablehlo.convolution", ins, inAvals.map(tensorType), [tensorType(o!)], { attrs: attrs.join(", ") })[0]!];
  },
  ref([x, y], p, [o]) {
    return [convRef(x!, y!, p, o!)];
  },
});

/** Straightforward loops; floats accumulate in float64, integers wrap to their low 32 bits. */
function convRef(x: HostArray, y: HostArray, p: ConvParams, o: ShapedArray): HostArray {
  const dn = p.dimensionNumbers;
  const ls = x.aval.shape;
  const rs = y.aval.shape;
  const s = ls.length - 2;
  const lst = stridesOf(ls);
  const rst = stridesOf(rs);
  const ost = stridesOf(o.shape);
  const a = toNumbers(x);
  const b = toNumbers(y);
  const res = new Float64Array(o.size);
  const intAcc = !isFloatDtype(o.dtype);
  const G = p.featureGroupCount;
  const B = p.batchGroupCount;
  const O = rs[dn.rhs[0]!]!;
  const I = rs[dn.rhs[1]!]!;
  const nOut = o.shape[dn.out[0]!]!;
  const inSp = dn.lhs.slice(2).map((d) => ls[d]!);
  const kSp = dn.rhs.slice(2).map((d) => rs[d]!);
  const oSp = dn.out.slice(2).map((d) => o.shape[d]!);
  const spIter = (sizes: number[]): number[][] => {
    let all: number[][] = [[]];
    for (const n of sizes) all = all.flatMap((pre) => Array.from({ length: n }, (_, i) => [...pre, i]));
    return all;
  };
  const kPos = spIter(kSp);
  const oPos = spIter(oSp);
  for (let n = 0; n < nOut; n++)
    for (let oc = 0; oc < O; oc++) {
      const lb = B > 1 ? Math.floor(oc / (O / B)) * nOut + n : n;
      const cBase = G > 1 ? Math.floor(oc / (O / G)) * I : 0;
      for (const op of oPos) {
        let acc = 0;
        for (const kp of kPos) {
          let lOff = lb * lst[dn.lhs[0]!]!;
          let rOff = oc * rst[dn.rhs[0]!]!;
          let ok = true;
          for (let j = 0; j < s && ok; j++) {
            const pos = op[j]! * p.windowStrides[j]! + kp[j]! * p.rhsDilation[j]! - p.padding[j]![0];
            const ld = p.lhsDilation[j]!;
            if (pos < 0 || pos % ld !== 0 || pos / ld >= inSp[j]!) ok = false;
            else {
              lOff += (pos / ld) * lst[dn.lhs[2 + j]!]!;
              rOff += kp[j]! * rst[dn.rhs[2 + j]!]!;
            }
          }
          if (!ok) continue;
          for (let i = 0; i < I; i++) {
            const u = a[lOff + (cBase + i) * lst[dn.lhs[1]!]!]!;
            const v = b[rOff + i * rst[dn.rhs[1]!]!]!;
            acc = intAcc ? (acc + Math.imul(u, v)) | 0 : acc + u * v;
          }
        }
        let at = n * ost[dn.out[0]!]! + oc * ost[dn.out[1]!]!;
        for (let j = 0; j < s; j++) at += op[j]! * ost[dn.out[2 + j]!]!;
        res[at] = acc;
      }
    }
  return fromNumbers(res, o.shape, o.dtype, o.weakType);
}

// --- padding and layout helpers -----------------------------------------------------------

export type PaddingSpec = "SAME" | "SAME_LOWER" | "VALID" | readonly (readonly [number, number])[];

/** lax.padtype_to_pads: explicit (low, high) pads for a padding type. */
export function padtypeToPads(inShape: readonly number[], windowShape: readonly number[], strides: readonly number[], padding: PaddingSpec): [number, number][] {
  if (typeof padding !== "string") return padding.map(([lo, hi]) => [lo, hi]);
  if (padding === "VALID") return inShape.map(() => [0, 0]);
  if (padding !== "SAME" && padding !== "SAME_LOWER") throw primError(P, `unknown padding "${String(padding)}" (use "SAME", "SAME_LOWER", "VALID" or [low, high] pairs)`);
  return inShape.map((n, j) => {
    const outN = Math.ceil(n / strides[j]!);
    const total = Math.max((outN - 1) * strides[j]! + windowShape[j]! - n, 0);
    const half = Math.floor(total / 2);
    return padding === "SAME" ? [half, total - half] : [total - half, half];
  });
}

/** A layout string like "NHWC" / "HWIO" / "NCHW", or a numeric ConvDimensionNumbers. */
export type ConvDimSpec = ConvDims | readonly [string, string, string] | { lhs: string; rhs: string; out: string };

/** JAX's conv_general_permutations: spatial dims of lhs/out are matched to rhs by letter. */
export function convDimensionNumbers(ndim: number, spec?: ConvDimSpec): ConvDims {
  if (spec === undefined) {
    const id = Array.from({ length: ndim }, (_, i) => i);
    return { lhs: id, rhs: id, out: id };
  }
  const [l, r, o] = Array.isArray(spec) ? spec : [(spec as ConvDims).lhs, (spec as ConvDims).rhs, (spec as ConvDims).out];
  if (typeof l !== "string") return { lhs: [...(l as number[])], rhs: [...(r as number[])], out: [...(o as number[])] };
  const [ls, rs, os] = [l, r as string, o as string];
  for (const [str, pair] of [[ls, "NC"], [rs, "OI"], [os, "NC"]] as const)
    if (str.length !== ndim || !str.includes(pair[0]) || !str.includes(pair[1]) || new Set(str).size !== ndim)
      throw primError(P, `dimension spec "${str}" must name ${ndim} distinct dims including ${pair[0]} and ${pair[1]}`);
  const rSp = [...rs].filter((c) => c !== "O" && c !== "I");
  const perm = (str: string, pair: string, sp: string[]) => {
    const idx = sp.map((c) => str.indexOf(c));
    if (idx.some((i) => i < 0)) throw primError(P, `spatial dims of "${str}" must match those of the rhs spec "${rs}"`);
    return [str.indexOf(pair[0]!), str.indexOf(pair[1]!), ...idx];
  };
  return { lhs: perm(ls, "NC", rSp), rhs: perm(rs, "OI", rSp), out: perm(os, "NC", rSp) };
}

// --- the lax face -------------------------------------------------------------------------

function convGeneralDilated(
  lhs: Value,
  rhs: Value,
  windowStrides: readonly number[],
  padding: PaddingSpec,
  lhsDilation?: readonly number[] | null,
  rhsDilation?: readonly number[] | null,
  dimensionNumbers?: ConvDimSpec | null,
  featureGroupCount = 1,
  batchGroupCount = 1,
  preferredElementType?: DType,
  precision?: Precision,
): Value {
  const dn = convDimensionNumbers(lhs.ndim, dimensionNumbers ?? undefined);
  const s = lhs.ndim - 2;
  if (windowStrides.length !== s) throw primError(P, `windowStrides must have ${s} entries (one per spatial dimension of lhs ${shapeStr(lhs.shape)}), got [${windowStrides.join(", ")}]`);
  const ld = lhsDilation ? [...lhsDilation] : new Array<number>(s).fill(1);
  const rd = rhsDilation ? [...rhsDilation] : new Array<number>(s).fill(1);
  let pads: [number, number][];
  if (typeof padding === "string") {
    if (ld.some((d) => d !== 1)) throw primError(P, `string padding ("${padding}") is not supported with lhsDilation; give explicit [low, high] pairs`);
    const inSp = dn.lhs.slice(2).map((d) => lhs.shape[d]!);
    const kSp = dn.rhs.slice(2).map((d, j) => (rhs.shape[d]! - 1) * (rd[j] ?? 1) + 1);
    pads = padtypeToPads(inSp, kSp, windowStrides, padding);
  } else pads = padding.map(([a, b]) => [a, b]);
  const params: ConvParams = {
    windowStrides: [...windowStrides],
    padding: pads,
    lhsDilation: ld,
    rhsDilation: rd,
    dimensionNumbers: dn,
    featureGroupCount,
    batchGroupCount,
  };
  if (preferredElementType !== undefined) params.preferredElementType = preferredElementType;
  if (precision !== undefined) params.precision = precision;
  return bind1(convP, [lhs, rhs], params);
}

export const convLax = {
  convGeneralDilated,
  /** lax.conv: NCHW input, OIHW kernel, no dilation. */
  conv: (lhs: Value, rhs: Value, windowStrides: readonly number[], padding: PaddingSpec) => convGeneralDilated(lhs, rhs, windowStrides, padding),
  /** lax.conv_with_general_padding: NCHW / OIHW with dilations. */
  convWithPadding: (
    lhs: Value,
    rhs: Value,
    windowStrides: readonly number[],
    padding: PaddingSpec,
    lhsDilation?: readonly number[] | null,
    rhsDilation?: readonly number[] | null,
  ) => convGeneralDilated(lhs, rhs, windowStrides, padding, lhsDilation, rhsDilation),
  padtypeToPads,
  convDimensionNumbers,
};
