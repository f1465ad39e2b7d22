// VJP and batching rules of sort and top_k, after JAX's (lax.py _sort_jvp, _top_k_jvp): the
// cotangent of an output element goes back to the input position it was taken from.
import { defineRules } from "../core/primitive.js";
import { bind } from "../core/trace.js";
import { zerosLike } from "../core/ad.js";
import { batchToFront, moveaxis } from "../core/batching.js";
import { isFloatDtype } from "../core/aval.js";
import { shapeLax as L } from "./shape.js";
import * as S from "./sort.js";
import { addAlongAxis } from "./reduce_rules.js";

defineRules(S, {
  sortP: {
    vjp: (cts, xs, _o, { dimension, numKeys }) => {
      const diff = xs.map((x) => isFloatDtype(x.dtype));
      if (!diff.some(Boolean)) return xs.map(() => null);
      if (xs[0]!.size === 0) return xs.map((x, i) => (diff[i] ? zerosLike(x.aval) : null));
      // The sort's permutation: sort an iota by the same keys (stable, so ties keep their order,
      // as the primal's stable sort did).
      const iota = L.broadcastedIota("int32", xs[0]!.shape, dimension);
      const perm = bind(S.sortP, [...xs.slice(0, numKeys), iota], { dimension, isStable: true, numKeys })[numKeys]!;
      return xs.map((x, i) => (diff[i] ? addAlongAxis(zerosLike(x.aval), perm, cts[i]!, dimension, true) : null));
    },
    batch: (xs, dims, params) => {
      const d0 = dims[0]!;
      if (d0 !== null && dims.every((d) => d === d0)) {
        const dimension = params.dimension < d0 ? params.dimension : params.dimension + 1;
        const outs = bind(S.sortP, xs, { ...params, dimension });
        return [outs, outs.map(() => d0)];
      }
      const k = dims.findIndex((d) => d !== null);
      const size = xs[k]!.shape[dims[k]!]!;
      const outs = bind(S.sortP, xs.map((x, i) => batchToFront(x, dims[i]!, size)), { ...params, dimension: params.dimension + 1 });
      return [outs, outs.map(() => 0)];
    },
  },

  topKP: {
    vjp: ([ct], [x], [, idx]) => [addAlongAxis(zerosLike(x!.aval), idx!, ct!, x!.ndim - 1, true)],
    batch: ([x], [d], params) => {
      // top_k works on the last axis: a batch axis there moves to the front.
      let v = x!;
      let b = d!;
      if (b === v.ndim - 1) {
        v = moveaxis(v, b, 0);
        b = 0;
      }
      const outs = bind(S.topKP, [v], params);
      return [outs, [b, b]];
    },
  },
});
