// VJP and batching rules of gather and the scatter family, after JAX's (slicing.py). The
// primitives clamp gather starts and drop scatter windows that do not fit, so transposes pair
// them up: gather's VJP scatters with clamped ("clip") indices, and each scatter's VJP gathers
// with "fill" (0 for dropped windows).
import { defineRules, type BatchRule, type Primitive, type Rules } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { fullLike, zerosLike } from "../core/ad.js";
import { batchToFront, moveaxis, type BDim } from "../core/batching.js";
import type { Value } from "../core/values.js";
import { lax as ew } from "./elementwise.js";
import { scalarConst, shapeLax as L } from "./shape.js";
import * as G from "./gather.js";
import { gatherLax, gatherP, scatterAddP, scatterMulP, scatterP, type GatherParams, type ScatterParams } from "./gather.js";

const up = (ds: readonly number[]) => ds.map((d) => d + 1);
const zeros = (x: Value) => zerosLike(x.aval);
const full = (x: Value, v: number) => fullLike(x.aval, v);
const firstSize = (args: readonly Value[], dims: readonly BDim[]) => {
  const k = dims.findIndex((d) => d !== null);
  return args[k]!.shape[dims[k]!]!;
};

// --- gather -------------------------------------------------------------------------------


// --- scatter family -------------------------------------------------------------------------

/**
 * The gather that reads back what a scatter wrote: for each update element, the operand
 * element it lands on (0 where its window was dropped as out of bounds).
 */
function gatherBack(v: Value, idx: Value, updates: Value, { dimensionNumbers: dn }: ScatterParams): Value {
  let k = 0;
  const sliceSizes = v.shape.map((_, i) => (dn.insertedWindowDims.includes(i) || dn.operandBatchingDims.includes(i) ? 1 : updates.shape[dn.updateWindowDims[k++]!]!));
  const gdn = {
    offsetDims: dn.updateWindowDims,
    collapsedSliceDims: dn.insertedWindowDims,
    startIndexMap: dn.scatterDimsToOperandDims,
    operandBatchingDims: dn.operandBatchingDims,
    startIndicesBatchingDims: dn.scatterIndicesBatchingDims,
    indexVectorDim: dn.indexVectorDim,
  };
  return gatherLax.gather(v, idx, gdn, sliceSizes, { mode: "fill", fillValue: 0 });
}

function scatterBatch(p: Primitive<ScatterParams>): BatchRule<ScatterParams> {
  return ([x, idx, u], [dx, di, du], params) => {
    const dn = params.dimensionNumbers;
    const size = firstSize([x!, idx!, u!], [dx!, di!, du!]);
    const operand = batchToFront(x!, dx!, size);
    const updates = batchToFront(u!, du!, size);
    let indices = idx!;
    let q: ScatterParams;
    if (di === null) {
      // The batch axis is a whole-size window dimension of every update.
      q = {
        ...params,
        dimensionNumbers: {
          updateWindowDims: [0, ...up(dn.updateWindowDims)],
          insertedWindowDims: up(dn.insertedWindowDims),
          scatterDimsToOperandDims: up(dn.scatterDimsToOperandDims),
          operandBatchingDims: up(dn.operandBatchingDims),
          scatterIndicesBatchingDims: dn.scatterIndicesBatchingDims,
          indexVectorDim: dn.indexVectorDim,
        },
      };
    } else {
      indices = moveaxis(idx!, di, 0);
      q = {
        ...params,
        dimensionNumbers: {
          updateWindowDims: up(dn.updateWindowDims),
          insertedWindowDims: up(dn.insertedWindowDims),
          scatterDimsToOperandDims: up(dn.scatterDimsToOperandDims),
          operandBatchingDims: [0, ...up(dn.operandBatchingDims)],
          scatterIndicesBatchingDims: [0, ...up(dn.scatterIndicesBatchingDims)],
          indexVectorDim: dn.indexVectorDim + 1,
        },
      };
    }
    return [[bind1(p, [operand, indices, updates], q)], [0]];
  };
}

const bool = (b: Value, like: Value) => ew.select(b, full(like, 1), zeros(like));

/**
 * scatter_min / scatter_max, as JAX's _scatter_extremal_jvp: each output element's derivative
 * is shared evenly among the values that tie for it (the operand element, if it is kept, and
 * every update equal to the result).
 */
function extremalVjp(ct: Value, x: Value, idx: Value, u: Value, out: Value, params: ScatterParams): (Value | null)[] {
  const inBounds = gatherBack(fullLike({ shape: x.shape, dtype: "bool" }, 1), idx, u, params);
  const won = ew.bitwiseAnd(inBounds, ew.eq(u, gatherBack(out, idx, u, params)));
  const kept = ew.eq(x, out);
  const nWon = bind1(scatterAddP, [zeros(x), idx, bool(won, u)], params);
  const keptF = bool(kept, x);
  const one = full(x, 1);
  const opShare = ew.select(kept, ew.div(one, ew.add(nWon, one)), zeros(x));
  const ties = gatherBack(ew.add(nWon, keptF), idx, u, params);
  const uShare = ew.select(won, ew.div(full(u, 1), ew.select(won, ties, full(u, 1))), zeros(u));
  return [ew.mul(ct, opShare), null, ew.mul(uShare, gatherBack(ct, idx, u, params))];
}

const extremalRules = (p: Primitive<ScatterParams>): Rules<ScatterParams> => ({
  vjp: ([ct], [x, idx, u], [out], params) => extremalVjp(ct!, x!, idx!, u!, out!, params),
  batch: scatterBatch(p),
});


defineRules(G, {
  gatherP: {
    vjp: ([ct], [x, idx], _o, { dimensionNumbers: dn, indicesAreSorted, uniqueIndices }) => {
      const sdn = {
        updateWindowDims: dn.offsetDims,
        insertedWindowDims: dn.collapsedSliceDims,
        scatterDimsToOperandDims: dn.startIndexMap,
        operandBatchingDims: dn.operandBatchingDims,
        scatterIndicesBatchingDims: dn.startIndicesBatchingDims,
        indexVectorDim: dn.indexVectorDim,
      };
      // gather clamps its starts; the scatter must hit the same (clamped) windows.
      return [gatherLax.scatterAdd(zeros(x!), idx!, ct!, sdn, { mode: "clip", indicesAreSorted, uniqueIndices }), null];
    },
    batch: ([x, idx], [dx, di], params) => {
      const dn = params.dimensionNumbers;
      const size = firstSize([x!, idx!], [dx!, di!]);
      let p: GatherParams;
      let operand = x!;
      let indices = idx!;
      if (di === null) {
        // The batch axis becomes a whole-size window dimension of the slice, first in the output.
        operand = moveaxis(x!, dx!, 0);
        p = {
          ...params,
          dimensionNumbers: {
            offsetDims: [0, ...up(dn.offsetDims)],
            collapsedSliceDims: up(dn.collapsedSliceDims),
            startIndexMap: up(dn.startIndexMap),
            operandBatchingDims: up(dn.operandBatchingDims),
            startIndicesBatchingDims: dn.startIndicesBatchingDims,
            indexVectorDim: dn.indexVectorDim,
          },
          sliceSizes: [size, ...params.sliceSizes],
        };
      } else {
        // Batched indices: the batch axis is the first batch dimension of the output; with a
        // batched operand too it pairs the two as a batching dimension.
        indices = moveaxis(idx!, di, 0);
        const ob = dx !== null;
        if (ob) operand = moveaxis(x!, dx, 0);
        const sh = ob ? up : (ds: readonly number[]) => [...ds];
        p = {
          ...params,
          dimensionNumbers: {
            offsetDims: up(dn.offsetDims),
            collapsedSliceDims: sh(dn.collapsedSliceDims),
            startIndexMap: sh(dn.startIndexMap),
            operandBatchingDims: ob ? [0, ...up(dn.operandBatchingDims)] : dn.operandBatchingDims,
            startIndicesBatchingDims: ob ? [0, ...up(dn.startIndicesBatchingDims)] : up(dn.startIndicesBatchingDims),
            indexVectorDim: dn.indexVectorDim + 1,
          },
          sliceSizes: ob ? [1, ...params.sliceSizes] : params.sliceSizes,
        };
      }
      return [[bind1(gatherP, [operand, indices], p)], [0]];
    },
  },

  scatterAddP: {
    vjp: ([ct], [, idx, u], _o, params) => [ct!, null, gatherBack(ct!, idx!, u!, params)],
    batch: scatterBatch(scatterAddP),
  },

  scatterP: {
    vjp: ([ct], [, idx, u], _o, params) => {
      if (params.uniqueIndices)
        // Positions written by an update get no cotangent; each update gets its window's.
        return [bind1(scatterP, [ct!, idx!, zeros(u!)], params), null, gatherBack(ct!, idx!, u!, params)];
      // Duplicate indices: scatter an id per update window to learn which one won each position
      // (as JAX's scatter JVP does), and route the cotangent to the winner only.
      const dn = params.dimensionNumbers;
      const idShape = u!.shape.map((s, i) => (dn.updateWindowDims.includes(i) ? 1 : s));
      const n = idShape.reduce((a, b) => a * b, 1);
      const ids0 = ew.add(L.reshape(L.iota("int32", n), idShape), L.broadcastInDim(scalarConst(1, "int32", false), idShape, []));
      const ids = L.broadcastInDim(ids0, u!.shape, idShape.map((_, i) => i));
      const won = bind1(scatterP, [zerosLike({ shape: ct!.shape, dtype: "int32" }), idx!, ids], params);
      const untouched = ew.eq(won, zeros(won));
      const winner = ew.eq(gatherBack(won, idx!, u!, params), ids);
      return [ew.select(untouched, ct!, zeros(ct!)), null, ew.select(winner, gatherBack(ct!, idx!, u!, params), zeros(u!))];
    },
    batch: scatterBatch(scatterP),
  },

  scatterMulP: {
    vjp: ([ct], [x, idx, u], _o, params) => {
      const ctX = bind1(scatterMulP, [ct!, idx!, u!], params);
      if (params.uniqueIndices) return [ctX, null, gatherBack(ew.mul(ct!, x!), idx!, u!, params)];
      // Duplicates (JAX raises here): d out / d u[k] = x * the product of the other updates
      // landing on the same element, computed without dividing by zero: P is the product of
      // the nonzero updates there and Z the number of zero ones.
      const isZero = ew.eq(u!, zeros(u!));
      const uSafe = ew.select(isZero, full(u!, 1), u!);
      const Z = bind1(scatterAddP, [zeros(x!), idx!, bool(isZero, u!)], params);
      const P = bind1(scatterMulP, [full(x!, 1), idx!, uSafe], params);
      const A = gatherBack(ew.mul(ew.mul(ct!, x!), P), idx!, u!, params);
      const gz = gatherBack(Z, idx!, u!, params);
      const onlyZero = ew.select(ew.eq(gz, full(gz, 1)), A, zeros(A));
      const noZero = ew.select(ew.eq(gz, zeros(gz)), ew.div(A, uSafe), zeros(A));
      return [ctX, null, ew.select(isZero, onlyZero, noZero)];
    },
    batch: scatterBatch(scatterMulP),
  },
  scatterMinP: extremalRules(G.scatterMinP),
  scatterMaxP: extremalRules(G.scatterMaxP),
});
