// VJP and batching rules of the shape family, after JAX's (lax.py, slicing.py). Rules use the
// family's own primitives, so they are differentiable and batchable in turn.
import { defineRules } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { zerosLike } from "../core/ad.js";
import { batchToFront, moveaxis, type BDim } from "../core/batching.js";
import type { Value } from "../core/values.js";
import { lax as ew } from "./elementwise.js";
import { reduceLax } from "./reduce.js";
import { gatherP, scatterP } from "./gather.js";
import * as S from "./shape.js";

const { scalarConst } = S;
const L = S.shapeLax;
const zeros = (x: Value) => zerosLike(x.aval);
const sum = (x: Value, axes: number[]) => (axes.length ? reduceLax.reduceSum(x, axes) : x);
const range = (n: number) => [...Array(n).keys()];
/** Logical dim d of a batched value whose batch axis sits at the front. */
const up = (ds: readonly number[]) => ds.map((d) => d + 1);
const firstSize = (args: readonly Value[], dims: readonly BDim[]) => {
  const k = dims.findIndex((d) => d !== null);
  return args[k]!.shape[dims[k]!]!;
};

// --- broadcast_in_dim / reshape / transpose / rev -------------------------------------------

defineRules(S, {
  broadcastInDimP: {
    // Sum over the output dims the operand did not have, and over its expanded size-1 dims.
    vjp: ([ct], [x], _o, { shape, broadcastDimensions: bd }) => {
      const kept = bd.filter((d, i) => x!.shape[i] !== 1 || shape[d] === 1);
      const axes = range(shape.length).filter((d) => !kept.includes(d));
      return [L.reshape(sum(ct!, axes), x!.shape)];
    },
    batch: ([x], [d], { shape, broadcastDimensions: bd }) => {
      const xf = moveaxis(x!, d!, 0);
      return [[bind1(S.broadcastInDimP, [xf], { shape: [xf.shape[0]!, ...shape], broadcastDimensions: [0, ...up(bd)] })], [0]];
    },
  },

  reshapeP: {
    vjp: ([ct], [x]) => [L.reshape(ct!, x!.shape)],
    batch: ([x], [d], { newSizes }) => {
      const xf = moveaxis(x!, d!, 0);
      return [[bind1(S.reshapeP, [xf], { newSizes: [xf.shape[0]!, ...newSizes] })], [0]];
    },
  },

  transposeP: {
    vjp: ([ct], _x, _o, { permutation: p }) => {
      const inv = p.map(() => 0);
      p.forEach((q, i) => (inv[q] = i));
      return [bind1(S.transposeP, [ct!], { permutation: inv })];
    },
    batch: ([x], [d], { permutation: p }) => {
      const b = d!;
      const perm = [b, ...p.map((q) => (q >= b ? q + 1 : q))];
      return [[bind1(S.transposeP, [x!], { permutation: perm })], [0]];
    },
  },

  revP: {
    vjp: ([ct], _x, _o, { dimensions }) => [bind1(S.revP, [ct!], { dimensions })],
    batch: ([x], [d], { dimensions }) => [[bind1(S.revP, [x!], { dimensions: dimensions.map((q) => (q >= d! ? q + 1 : q)) })], [d!]],
  },

  // --- pad / concatenate / iota / slice ----------------------------------------------------------

  padP: {
    // Undo the edges with the opposite padding (negative edges become zero padding), then take
    // every (interior + 1)-th element. The padding value gets whatever did not reach the operand.
    vjp: ([ct], [x], _o, { low, high, interior }) => {
      const zero = scalarConst(0, ct!.dtype, false);
      const unpadded = bind1(S.padP, [ct!, zero], { low: low.map((l) => -l), high: high.map((h) => -h), interior: interior.map(() => 0) });
      const tx = L.slice(unpadded, x!.shape.map(() => 0), unpadded.shape, interior.map((i) => i + 1));
      const all = range(ct!.ndim);
      const tpv = ew.sub(sum(ct!, all), sum(tx, all));
      return [tx, tpv];
    },
    batch: ([x, pv], [dx, dpv], { low, high, interior }) => {
      if (dpv === null) {
        const ins = (xs: number[], v: number) => [...xs.slice(0, dx!), v, ...xs.slice(dx!)];
        return [[bind1(S.padP, [x!, pv!], { low: ins(low, 0), high: ins(high, 0), interior: ins(interior, 0) })], [dx!]];
      }
      // A batched padding value: pad with zeros and select the padding positions by a mask.
      const size = pv!.shape[dpv]!;
      const xf = batchToFront(x!, dx!, size);
      const p = { low: [0, ...low], high: [0, ...high], interior: [0, ...interior] };
      const padded = bind1(S.padP, [xf, scalarConst(0, x!.dtype, false)], p);
      const ones = S.shapeLax.broadcastInDim(scalarConst(1, "bool", false), xf.shape.slice(1), []);
      const mask = bind1(S.padP, [ones, scalarConst(0, "bool", false)], { low, high, interior });
      const rank = padded.ndim;
      const maskB = L.broadcastInDim(mask, padded.shape, range(rank).slice(1));
      const pvB = L.broadcastInDim(moveaxis(pv!, dpv, 0), padded.shape, [0]);
      return [[ew.select(maskB, padded, pvB)], [0]];
    },
  },

  concatenateP: {
    vjp: (cts, xs, _o, { dimension }) => {
      const ct = cts[0]!;
      let off = 0;
      return xs.map((x) => {
        const n = x.shape[dimension]!;
        const start = ct.shape.map((_, i) => (i === dimension ? off : 0));
        const limit = ct.shape.map((s, i) => (i === dimension ? off + n : s));
        off += n;
        return L.slice(ct, start, limit);
      });
    },
    batch: (xs, dims, { dimension }) => {
      const size = firstSize(xs, dims);
      const moved = xs.map((x, i) => batchToFront(x, dims[i]!, size));
      return [[bind1(S.concatenateP, moved, { dimension: dimension + 1 })], [0]];
    },
  },

  // iota has no inputs: nothing to differentiate, and vmap never sees it batched.
  iotaP: { vjp: () => [], batch: (_a, _d, params) => [[bind1(S.iotaP, [], params)], [null]] },

  sliceP: {
    // Put the cotangent back where the slice came from: pad with the start before, the rest
    // after, and stride - 1 zeros between elements.
    vjp: ([ct], [x], _o, { startIndices: start, strides }) => {
      const realLimit = start.map((s, i) => s + (ct!.shape[i] === 0 ? 0 : 1 + (ct!.shape[i]! - 1) * strides[i]!));
      const high = x!.shape.map((n, i) => n - realLimit[i]!);
      return [bind1(S.padP, [ct!, scalarConst(0, ct!.dtype, false)], { low: start, high, interior: strides.map((s) => s - 1) })];
    },
    batch: ([x], [d], { startIndices, limitIndices, strides }) => {
      const b = d!;
      const ins = (xs: number[], v: number) => [...xs.slice(0, b), v, ...xs.slice(b)];
      const p = { startIndices: ins(startIndices, 0), limitIndices: ins(limitIndices, x!.shape[b]!), strides: ins(strides, 1) };
      return [[bind1(S.sliceP, [x!], p)], [b]];
    },
  },

  dynamicSliceP: {
    vjp: ([ct], [x, ...idx]) => [bind1(S.dynamicUpdateSliceP, [zeros(x!), ct!, ...idx], {}), ...idx.map(() => null)],
    batch: ([x, ...idx], [dx, ...didx], { sliceSizes }) => {
      const size = firstSize([x!, ...idx], [dx!, ...didx]);
      const n = idx.length;
      if (didx.every((d) => d === null)) {
        // Only the operand is batched: slice its batch axis whole.
        const b = dx!;
        const dt = idx[0]?.dtype ?? "int32";
        const starts = [...idx.slice(0, b), scalarConst(0, dt, false), ...idx.slice(b)];
        const sizes = [...sliceSizes.slice(0, b), size, ...sliceSizes.slice(b)];
        return [[bind1(S.dynamicSliceP, [x!, ...starts], { sliceSizes: sizes })], [b]];
      }
      // Batched starts: a gather (which clamps starts as dynamic_slice does).
      const starts = stackStarts(idx, didx, size);
      const ob = dx !== null;
      const operand = ob ? moveaxis(x!, dx!, 0) : x!;
      const sh = ob ? 1 : 0;
      const dimensionNumbers = {
        offsetDims: range(n).map((i) => i + 1),
        collapsedSliceDims: [],
        startIndexMap: range(n).map((i) => i + sh),
        operandBatchingDims: ob ? [0] : [],
        startIndicesBatchingDims: ob ? [0] : [],
        indexVectorDim: 1,
      };
      const p = { dimensionNumbers, sliceSizes: ob ? [1, ...sliceSizes] : [...sliceSizes], indicesAreSorted: false, uniqueIndices: false };
      return [[bind1(gatherP, [operand, starts], p)], [0]];
    },
  },

  dynamicUpdateSliceP: {
    vjp: ([ct], [_x, u, ...idx]) => [
      bind1(S.dynamicUpdateSliceP, [ct!, zeros(u!), ...idx], {}),
      bind1(S.dynamicSliceP, [ct!, ...idx], { sliceSizes: [...u!.shape] }),
      ...idx.map(() => null),
    ],
    batch: ([x, u, ...idx], [dx, du, ...didx]) => {
      const size = firstSize([x!, u!, ...idx], [dx!, du!, ...didx]);
      const xf = batchToFront(x!, dx!, size);
      const uf = batchToFront(u!, du!, size);
      const n = idx.length;
      if (didx.every((d) => d === null)) {
        const zero = scalarConst(0, n ? idx[0]!.dtype : "int32", false);
        return [[bind1(S.dynamicUpdateSliceP, [xf, uf, zero, ...idx], {})], [0]];
      }
      // Batched starts: a scatter with the batch as a batching dimension, starts clamped first.
      const maxStart = range(n).map((i) => xf.shape[i + 1]! - uf.shape[i + 1]!);
      const st = stackStarts(idx, didx, size, maxStart);
      const dimensionNumbers = {
        updateWindowDims: range(n).map((i) => i + 1),
        insertedWindowDims: [],
        scatterDimsToOperandDims: range(n).map((i) => i + 1),
        operandBatchingDims: [0],
        scatterIndicesBatchingDims: [0],
        indexVectorDim: 1,
      };
      return [[bind1(scatterP, [xf, st, uf], { dimensionNumbers, indicesAreSorted: false, uniqueIndices: true })], [0]];
    },
  },
});

// --- dynamic_slice / dynamic_update_slice ------------------------------------------------------

/** Batched scalar start indices as one [size, n] index array for gather/scatter. */
function stackStarts(idx: readonly Value[], dims: readonly BDim[], size: number, clampTo?: readonly number[]): Value {
  const cols = idx.map((v, i) => {
    let c = batchToFront(v, dims[i]!, size);
    // scatter drops windows that do not fit, dynamic_update_slice clamps them: clamp first.
    if (clampTo) {
      const lo = L.broadcastInDim(scalarConst(0, v.dtype, false), [size], []);
      const hi = L.broadcastInDim(scalarConst(clampTo[i]!, v.dtype, false), [size], []);
      c = ew.clamp(lo, c, hi);
    }
    return L.reshape(c, [size, 1]);
  });
  return L.concatenate(cols, 1);
}
