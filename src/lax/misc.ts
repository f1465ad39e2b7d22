// Primitives that do no arithmetic but matter to transformations.
import { ShapedArray } from "../core/aval.js";
import { fromNumbers } from "../core/host.js";
import { definePrimitive, type NoParams } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { Array, Value } from "../core/values.js";
import { flatten, unflatten } from "../pytree/index.js";
import { DTYPES, type DType } from "../xla/dtype.js";
import { reduceLax } from "./reduce.js";
import { shapeLax } from "./shape.js";
import { checkArity } from "./util.js";

/** Identity in value; autodiff (issue 4) treats its output as a constant. */
export const stopGradientP = definePrimitive<NoParams>({
  name: "stop_gradient",
  abstractEval(avals) {
    checkArity("stop_gradient", avals, 1);
    return [avals[0]!];
  },
  lower(_ctx, [x]) {
    return [x!];
  },
  ref([x]) {
    return [x!];
  },
});

/** The identity of max for each dtype (or for bool). */
function maxIdentity(d: DType): number {
  const kind = DTYPES[d].kind;
  if (kind === "float") return -Infinity;
  if (kind === "uint" || kind === "bool") return 0;
  return -(2 ** (8 * DTYPES[d].bytes - 1));
}

/**
 * The same pytree, its leaves computed once (a fusion root) before anything uses them.
 *
 * XLA's CPU fusion pulls cheap elementwise chains into every consumer, also into a broadcast to
 * a larger shape: a vmapped env's per-example flags or positions, broadcast over its
 * observation, are then recomputed for every element of the observation (400 times per step
 * for MinAtar). stablehlo.optimization_barrier does not stop that on CPU (the CPU compiler
 * expands barriers before fusion), but a reduction is never fused into its consumers: each
 * leaf goes through a max (or) over a new axis of size 2 holding the leaf and the identity,
 * which is exact for every value (NaN and -0 included). See docs/performance.md.
 */
function materialize<T>(tree: T): T {
  const [leaves, def] = flatten(tree);
  const out = leaves.map((l, i) => {
    if (!(l instanceof Value)) throw new TypeError(`lax.materialize: leaf ${i} is ${typeof l}; every leaf must be an array`);
    const shape = [...l.shape, 1];
    const id = new Array(new ShapedArray([], l.dtype), { host: fromNumbers([maxIdentity(l.dtype)], [], l.dtype).data });
    const pair = shapeLax.concatenate([shapeLax.reshape(l, shape), shapeLax.broadcastInDim(id, shape, [])], l.ndim);
    return l.dtype === "bool" ? reduceLax.reduceOr(pair, [l.ndim]) : reduceLax.reduceMax(pair, [l.ndim]);
  });
  return unflatten(def, out) as T;
}

export const miscLax = {
  stopGradient: (x: Value) => bind1(stopGradientP, [x]),
  materialize,
};
