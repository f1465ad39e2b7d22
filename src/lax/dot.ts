// dot_general: contraction over paired dimensions with optional batch dimensions. The output
// is laid out as (batch dims, lhs free dims, rhs free dims), as in JAX and XLA.
import { ShapedArray, shapeStr, stridesOf, isFloatDtype } from "../core/aval.js";
import { definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import type { Value } from "../core/values.js";
import { fromNumbers, toNumbers, type HostArray } from "../core/host.js";
import { tensorType, type LowerCtx } from "../core/lowering.js";
import { DTYPES, type DType } from "../xla/dtype.js";
import { checkArity, out, primError } from "./util.js";

export type Precision = "DEFAULT" | "HIGH" | "HIGHEST";

export interface DotParams {
  /** [lhs dims, rhs dims] contracted pairwise. */
  contracting: [number[], number[]];
  /** [lhs dims, rhs dims] of batch dimensions (same sizes; they lead the output). */
  batch: [number[], number[]];
  /** Output dtype (e.g. int8 x int8 -> int32, bf16 -> f32 accumulation); default the operands'. */
  preferredElementType?: DType;
  precision?: Precision;
}

function checkDims(what: string, dims: readonly number[], a: ShapedArray, side: string): void {
  if (!Array.isArray(dims)) throw primError("dot_general", `${side} ${what} dimensions must be an array, got ${String(dims)}`);
  for (const d of dims)
    if (!Number.isInteger(d) || d < 0 || d >= a.ndim)
      throw primError("dot_general", `${side} ${what} dimension ${d} is out of range for ${side} of shape ${shapeStr(a.shape)}`);
}

function freeDims(ndim: number, used: readonly number[]): number[] {
  return Array.from({ length: ndim }, (_, d) => d).filter((d) => !used.includes(d));
}

/** The output dtype of a dot or conv with an optional preferredElementType (checked). */
export function dotOutDtype(p: string, a: ShapedArray, pref: DType | undefined): DType {
  if (pref === undefined) return a.dtype;
  if (!(pref in DTYPES) || pref === "bool") throw primError(p, `preferredElementType must be a numeric dtype, got ${String(pref)}`);
  if (isFloatDtype(a.dtype) && !isFloatDtype(pref))
    throw primError(p, `preferredElementType ${pref} is an integer dtype but the operands are ${a.dtype}`);
  return pref;
}

/**
 * Operands of a dot or conv lowering for output dtype `od`: mixed-precision widening of the
 * same kind (bf16 -> f32, i8 -> i32) goes to XLA as it is; other conversions (int -> float,
 * narrowing) convert the operands first.
 */
export function mixedPrecisionOperands(ctx: LowerCtx, ins: string[], avals: ShapedArray[], od: DType): { ins: string[]; inAvals: ShapedArray[] } {
  const li = DTYPES[avals[0]!.dtype];
  const oi = DTYPES[od];
  if (avals[0]!.dtype === od || (li.kind === oi.kind && oi.bytes >= li.bytes)) return { ins, inAvals: avals };
  const inAvals = avals.map((a) => new ShapedArray(a.shape, od));
  return { ins: ins.map((v, i) => ctx.op1("stablehlo.convert", [v], [avals[i]!], inAvals[i]!)), inAvals };
}

export const dotGeneralP = definePrimitive<DotParams>({
  name: "dot_general",
  abstractEval(avals, { contracting, batch, preferredElementType }) {
    checkArity("dot_general", avals, 2);
    const [l, r] = avals as [ShapedArray, ShapedArray];
    if (l.dtype !== r.dtype)
      throw primError("dot_general", `lhs and rhs must have equal dtypes (primitives do not promote; numpy does), got ${l} and ${r}`);
    if (l.dtype === "bool") throw primError("dot_general", `operands must be numeric, got ${l} (convert bool first)`);
    const [lc, rc] = contracting;
    const [lb, rb] = batch;
    checkDims("contracting", lc, l, "lhs");
    checkDims("contracting", rc, r, "rhs");
    checkDims("batch", lb, l, "lhs");
    checkDims("batch", rb, r, "rhs");
    if (lc.length !== rc.length || lb.length !== rb.length)
      throw primError("dot_general", `lhs and rhs need as many contracting and batch dimensions, got contracting [${lc}] vs [${rc}] and batch [${lb}] vs [${rb}]`);
    for (const [side, used] of [["lhs", [...lc, ...lb]], ["rhs", [...rc, ...rb]]] as const)
      if (new Set(used).size !== used.length) throw primError("dot_general", `${side} contracting and batch dimensions must be distinct, got [${used}]`);
    const pairs = [...lc.map((d, i) => ["contracting", d, rc[i]!] as const), ...lb.map((d, i) => ["batch", d, rb[i]!] as const)];
    for (const [what, dl, dr] of pairs)
      if (l.shape[dl] !== r.shape[dr])
        throw primError(
          "dot_general",
          `${what} dimension sizes differ: lhs dim ${dl} (size ${l.shape[dl]}) vs rhs dim ${dr} (size ${r.shape[dr]}), shapes ${shapeStr(l.shape)} and ${shapeStr(r.shape)}`,
        );
    const shape = [
      ...lb.map((d) => l.shape[d]!),
      ...freeDims(l.ndim, [...lc, ...lb]).map((d) => l.shape[d]!),
      ...freeDims(r.ndim, [...rc, ...rb]).map((d) => r.shape[d]!),
    ];
    const od = dotOutDtype("dot_general", l, preferredElementType);
    return [out(shape, od, l.weakType && r.weakType && od === l.dtype)];
  },
  lower(ctx, [x, y], [l, r], [o], { contracting, batch, precision }) {
    const { ins, inAvals } = mixedPrecisionOperands(ctx, [x!, y!], [l!, r!], o!.dtype);
    const fields: string[] = [];
    const add = (k: string, v: number[]) => v.length && fields.push(`${k} = [${v.join(", ")}]`);
    add("lhs_batching_dimensions", batch[0]);
    add("rhs_batching_dimensions", batch[1]);
    add("lhs_contracting_dimensions", contracting[0]);
    add("rhs_contracting_dimensions", contracting[1]);
    let attrs = `dot_dimension_numbers = #stablehlo.dot<${fields.join(", ")}>`;
    if (precision) attrs += `, precision_config = [#stablehlo<precision ${precision}>, #stablehlo<precision ${precision}>]`;
    return [ctx.op("stablehlo.dot_general", ins, inAvals.map(tensorType), [tensorType(o!)], { attrs })[0]!];
  },
  ref([x, y], { contracting, batch }, [o]) {
    return [dotRef(x!, y!, contracting, batch, o!)];
  },
});

/** Flat offsets of every multi-index over `dims` (row-major over the listed order). */
function offsets(shape: readonly number[], dims: readonly number[]): number[] {
  const st = stridesOf(shape);
  let offs = [0];
  for (const d of dims) {
    const next: number[] = [];
    for (const o of offs) for (let i = 0; i < shape[d]!; i++) next.push(o + i * st[d]!);
    offs = next;
  }
  return offs;
}

/** Floats accumulate in float64; integers wrap (low 32 bits, or BigInt for int64). */
function dotRef(x: HostArray, y: HostArray, [lc, rc]: [number[], number[]], [lb, rb]: [number[], number[]], o: ShapedArray): HostArray {
  const ls = x.aval.shape;
  const rs = y.aval.shape;
  const bL = offsets(ls, lb);
  const bR = offsets(rs, rb);
  const fL = offsets(ls, freeDims(ls.length, [...lc, ...lb]));
  const fR = offsets(rs, freeDims(rs.length, [...rc, ...rb]));
  const cL = offsets(ls, lc);
  const cR = offsets(rs, rc);
  const nb = bL.length;
  const n1 = fL.length;
  const n2 = fR.length;
  const nc = cL.length;
  if (o.dtype === "int64" || (x.aval.dtype === "int64" && !isFloatDtype(o.dtype))) {
    const a = x.aval.dtype === "int64" ? (x.data as BigInt64Array) : Array.from(toNumbers(x), BigInt);
    const b = y.aval.dtype === "int64" ? (y.data as BigInt64Array) : Array.from(toNumbers(y), BigInt);
    const res = new BigInt64Array(o.size);
    for (let bi = 0; bi < nb; bi++)
      for (let i = 0; i < n1; i++)
        for (let j = 0; j < n2; j++) {
          let acc = 0n;
          const pl = bL[bi]! + fL[i]!;
          const pr = bR[bi]! + fR[j]!;
          for (let k = 0; k < nc; k++) acc = BigInt.asIntN(64, acc + a[pl + cL[k]!]! * b[pr + cR[k]!]!);
          res[(bi * n1 + i) * n2 + j] = acc;
        }
    if (o.dtype === "int64") return { aval: o, data: res };
    return fromNumbers(Array.from(res, (v) => Number(BigInt.asIntN(32, v))), o.shape, o.dtype, o.weakType);
  }
  const a = toNumbers(x);
  const b = toNumbers(y);
  const intAcc = !isFloatDtype(o.dtype);
  const res = new Float64Array(o.size);
  for (let bi = 0; bi < nb; bi++)
    for (let i = 0; i < n1; i++)
      for (let j = 0; j < n2; j++) {
        let acc = 0;
        const pl = bL[bi]! + fL[i]!;
        const pr = bR[bi]! + fR[j]!;
        if (intAcc) for (let k = 0; k < nc; k++) acc = (acc + Math.imul(a[pl + cL[k]!]!, b[pr + cR[k]!]!)) | 0;
        else for (let k = 0; k < nc; k++) acc += a[pl + cL[k]!]! * b[pr + cR[k]!]!;
        res[(bi * n1 + i) * n2 + j] = acc;
      }
  // Integer results hold the low 32 bits; the typed-array store wraps them to the dtype.
  return fromNumbers(res, o.shape, o.dtype, o.weakType);
}

// --- the lax face -------------------------------------------------------------------------

/** JAX's form `[[lhsContract, rhsContract], [lhsBatch, rhsBatch]]`, or an object. */
export type DotDimensionNumbers =
  | [[number[], number[]], [number[], number[]]]
  | { contracting: [number[], number[]]; batch?: [number[], number[]] };

function normDims(ds: readonly number[], ndim: number): number[] {
  return ds.map((d) => (Number.isInteger(d) && d < 0 && d >= -ndim ? d + ndim : d));
}

function dotGeneral(lhs: Value, rhs: Value, dimensionNumbers: DotDimensionNumbers, preferredElementType?: DType, precision?: Precision): Value {
  const [contracting, batch] = Array.isArray(dimensionNumbers)
    ? dimensionNumbers
    : [dimensionNumbers.contracting, dimensionNumbers.batch ?? [[], []]];
  const params: DotParams = {
    contracting: [normDims(contracting[0], lhs.ndim), normDims(contracting[1], rhs.ndim)],
    batch: [normDims(batch[0], lhs.ndim), normDims(batch[1], rhs.ndim)],
  };
  if (preferredElementType !== undefined) params.preferredElementType = preferredElementType;
  if (precision !== undefined) params.precision = precision;
  return bind1(dotGeneralP, [lhs, rhs], params);
}

/** lax.dot: vector·vector, matrix·vector, vector·matrix or matrix·matrix. */
function dot(lhs: Value, rhs: Value, preferredElementType?: DType, precision?: Precision): Value {
  if (lhs.ndim < 1 || lhs.ndim > 2 || rhs.ndim < 1 || rhs.ndim > 2)
    throw primError("dot", `expects 1-D or 2-D operands, got shapes ${shapeStr(lhs.shape)} and ${shapeStr(rhs.shape)} (use dotGeneral)`);
  return dotGeneral(lhs, rhs, [[[lhs.ndim - 1], [0]], [[], []]], preferredElementType, precision);
}

export const dotLax = { dotGeneral, dot };
