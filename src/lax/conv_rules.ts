// VJP and batching rules of conv_general_dilated, after JAX's (convolution.py
// _conv_general_dilated_transpose_lhs/rhs and _conv_general_dilated_batch_rule). Both
// transposes are convolutions, so the rules are differentiable and batchable in turn.
import { defineRules } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { zerosLike } from "../core/ad.js";
import { ShapedArray } from "../core/aval.js";
import type { Value } from "../core/values.js";
import type { DType } from "../xla/dtype.js";
import { convert } from "./convert.js";
import { shapeLax as L } from "./shape.js";
import * as K from "./conv.js";
import type { ConvParams } from "./conv.js";

const range = (n: number) => [...Array(n).keys()];
const asDtype = (x: Value, dtype: DType) => (x.dtype === dtype ? x : bind1(convert, [x], { dtype }));
const take = (shape: readonly number[], dims: readonly number[]) => dims.map((d) => shape[d]!);
/** Sizes after dilation (d - 1 holes between elements). */
const dilate = (s: readonly number[], d: readonly number[]) => s.map((n, i) => (n === 0 ? 0 : 1 + d[i]! * (n - 1)));
/** Swaps the first two entries of a layout spec: (batch, feature) <-> (feature, batch). */
const swap01 = (spec: readonly number[]) => [spec[1]!, spec[0]!, ...spec.slice(2)];

/** Merges axis `src` into axis `dst` (numbered without src) as its major part. */
function reshapeAxisInto(src: number, dst: number, x: Value): Value {
  const perm = range(x.ndim).filter((i) => i !== src);
  perm.splice(dst, 0, src);
  const shape = x.shape.filter((_, i) => i !== src);
  shape[dst] = shape[dst]! * x.shape[src]!;
  return L.reshape(L.transpose(x, perm), shape);
}

/** Splits axis `src` into (size1, rest). */
function reshapeAxisOutOf(src: number, size1: number, x: Value): Value {
  const shape = [...x.shape];
  shape.splice(src, 1, size1, shape[src]! / size1);
  return L.reshape(x, shape);
}

function conv(lhs: Value, rhs: Value, p: ConvParams): Value {
  return bind1(K.convP, [lhs, rhs], p);
}

/** The params of a transposed convolution: no preferred type (operands are converted first). */
function tparams(p: ConvParams, q: Omit<ConvParams, "precision" | "preferredElementType">): ConvParams {
  return p.precision !== undefined ? { ...q, precision: p.precision } : q;
}

function spatial(g: Value, lhs: Value, rhs: Value, p: ConvParams) {
  const dn = p.dimensionNumbers;
  const ld = dilate(take(lhs.shape, dn.lhs.slice(2)), p.lhsDilation);
  const rd = dilate(take(rhs.shape, dn.rhs.slice(2)), p.rhsDilation);
  const od = dilate(take(g.shape, dn.out.slice(2)), p.windowStrides);
  return { ld, rd, od };
}

/** d lhs: g convolved with the spatially flipped kernel, its feature dims swapped. */
function transposeLhs(g: Value, lhs: Value, rhs: Value, p: ConvParams): Value {
  if (g.size === 0) return zerosLike(lhs.aval);
  const dn = p.dimensionNumbers;
  const G = p.featureGroupCount;
  const B = p.batchGroupCount;
  let w = asDtype(rhs, g.dtype);
  // Groups move from the kernel's output features into its input features (which become the
  // transposed conv's output features).
  if (G > 1 || B > 1) w = reshapeAxisInto(dn.rhs[0]!, dn.rhs[1]!, reshapeAxisOutOf(dn.rhs[0]!, G > 1 ? G : B, w));
  const { ld, rd, od } = spatial(g, lhs, rhs, p);
  const padding = rd.map((r, i): [number, number] => {
    const before = r - p.padding[i]![0] - 1;
    return [before, ld[i]! + r - 1 - od[i]! - before];
  });
  let out = conv(
    g,
    L.rev(w, dn.rhs.slice(2)),
    tparams(p, {
      windowStrides: p.lhsDilation,
      padding,
      lhsDilation: p.windowStrides,
      rhsDilation: p.rhsDilation,
      dimensionNumbers: { lhs: dn.out, rhs: swap01(dn.rhs), out: dn.lhs },
      featureGroupCount: G > 1 ? G : B,
      batchGroupCount: 1,
    }),
  );
  // Batch groups: the groups came out in the features; they belong to the batch (group-major).
  if (B > 1) out = reshapeAxisInto(dn.lhs[1]!, dn.lhs[0]!, reshapeAxisOutOf(dn.lhs[1]!, B, out));
  return asDtype(out, lhs.dtype);
}

/** d rhs: lhs convolved with g as the kernel, batch and feature roles swapped. */
function transposeRhs(g: Value, lhs: Value, rhs: Value, p: ConvParams): Value {
  if (g.size === 0) return zerosLike(rhs.aval);
  const dn = p.dimensionNumbers;
  const G = p.featureGroupCount;
  const B = p.batchGroupCount;
  const { ld, rd, od } = spatial(g, lhs, rhs, p);
  const padding = rd.map((r, i): [number, number] => {
    const lo = p.padding[i]![0];
    return [lo, od[i]! - ld[i]! + (r - lo - 1)];
  });
  const out = conv(
    asDtype(lhs, g.dtype),
    g,
    tparams(p, {
      windowStrides: p.rhsDilation,
      padding,
      lhsDilation: p.lhsDilation,
      rhsDilation: p.windowStrides,
      dimensionNumbers: { lhs: swap01(dn.lhs), rhs: swap01(dn.out), out: swap01(dn.rhs) },
      // Feature groups of the forward conv are batch groups here, and vice versa.
      featureGroupCount: B,
      batchGroupCount: G,
    }),
  );
  return asDtype(out, rhs.dtype);
}

defineRules(K, {
  convP: {
    vjp: ([ct], [lhs, rhs], _o, p) => [transposeLhs(ct!, lhs!, rhs!, p), transposeRhs(ct!, lhs!, rhs!, p)],
    batch: ([lhs, rhs], [dl, dr], p) => {
      const dn = p.dimensionNumbers;
      const G = p.featureGroupCount;
      const B = p.batchGroupCount;
      const l = lhs!;
      const r = rhs!;
      const size = dl !== null ? l.shape[dl]! : r.shape[dr!]!;
      if (size === 0) {
        // Nothing to fold an empty batch into: the result is empty.
        const unb = (v: Value, d: number | null) => new ShapedArray(d === null ? v.shape : v.shape.filter((_, i) => i !== d), v.dtype);
        const [o] = K.convP.abstractEval([unb(l, dl), unb(r, dr)], p);
        return [[zerosLike({ shape: [0, ...o!.shape], dtype: o!.dtype })], [0]];
      }
      if (dl !== null && dr !== null) {
        // Both batched: the batch becomes extra feature groups (or batch groups).
        const q = { ...p };
        let nl: Value;
        if (B > 1) {
          nl = reshapeAxisInto(dl, dn.lhs[0]!, l);
          q.batchGroupCount = B * size;
        } else {
          nl = reshapeAxisInto(dl, dn.lhs[1]!, l);
          q.featureGroupCount = G * size;
        }
        const out = conv(nl, reshapeAxisInto(dr, dn.rhs[0]!, r), q);
        return [[reshapeAxisOutOf(dn.out[1]!, size, out)], [dn.out[1]!]];
      }
      if (dl !== null) {
        // lhs only: fold the batch into N (inside each batch group).
        let nl: Value;
        if (B === 1) nl = reshapeAxisInto(dl, dn.lhs[0]!, l);
        else {
          const n = dn.lhs[0]!;
          nl = reshapeAxisOutOf(n + (dl <= n ? 1 : 0), B, l);
          nl = reshapeAxisInto(dl + (n < dl ? 1 : 0), n + 1, nl);
          nl = reshapeAxisInto(n, n, nl);
        }
        return [[reshapeAxisOutOf(dn.out[0]!, size, conv(nl, r, p))], [dn.out[0]!]];
      }
      // rhs only: fold the batch into the output features (inside each group).
      const o = dn.rhs[0]!;
      const f = dn.out[1]!;
      if (G === 1 && B === 1) return [[reshapeAxisOutOf(f, size, conv(l, reshapeAxisInto(dr!, o, r), p))], [f]];
      const gc = G > 1 ? G : B;
      let nr = reshapeAxisOutOf(o + (dr! <= o ? 1 : 0), gc, r);
      nr = reshapeAxisInto(dr! + (o < dr! ? 1 : 0), o + 1, nr);
      nr = reshapeAxisInto(o, o, nr);
      let out = reshapeAxisOutOf(f, gc, conv(l, nr, p));
      out = reshapeAxisOutOf(f + 1, size, out);
      return [[reshapeAxisInto(f, f + 1, out)], [f]];
    },
  },
});
