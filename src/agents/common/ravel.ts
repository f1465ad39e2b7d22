// A pytree of float arrays as one flat vector and back (jax.flatten_util.ravel_pytree), for
// searches over all of a network's parameters at once (evolution strategies).
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { flatten, unflatten } from "../../pytree/index.js";

export interface Raveled<T> {
  /** The leaves, flattened and concatenated, [size]. */
  flat: Value;
  /** The number of scalars. */
  size: number;
  /** A flat vector [size] back into the tree. */
  unravel(v: Value): T;
  /** A batch of flat vectors [B, size] into the tree with every leaf stacked [B, ...]. */
  unravelBatched(v: Value): T;
}

export function ravelPytree<T>(tree: T): Raveled<T> {
  const [leaves, def] = flatten(tree);
  const arrays = leaves.map((l, i) => {
    if (typeof l !== "object" || l === null || !("shape" in (l as object))) throw new TypeError(`ravelPytree: leaf ${i} is not an array`);
    return l as Value;
  });
  const shapes = arrays.map((a) => a.shape);
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const size = sizes.reduce((a, b) => a + b, 0);
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const flat = arrays.length ? np.concatenate(arrays.map((a) => np.reshape(np.astype(a, "float32"), [-1])), 0) : np.zeros([0], "float32");
  const check = (v: Value, what: string, lead: number[]) => {
    if (v.shape.length !== lead.length + 1 || v.shape[v.shape.length - 1] !== size)
      throw new TypeError(`ravelPytree.${what}: expected shape [${[...lead.map(() => "B"), size].join(", ")}], got [${v.shape.join(", ")}]`);
  };
  return {
    flat,
    size,
    unravel(v: Value): T {
      check(v, "unravel", []);
      return unflatten(def, shapes.map((s, i) => np.reshape(columns(v, offsets[i]!, sizes[i]!), s))) as T;
    },
    unravelBatched(v: Value): T {
      check(v, "unravelBatched", [0]);
      const B = v.shape[0]!;
      return unflatten(def, shapes.map((s, i) => np.reshape(columns(v, offsets[i]!, sizes[i]!), [B, ...s]))) as T;
    },
  };
}

/** Columns [off, off + n) of the last axis. */
function columns(v: Value, off: number, n: number): Value {
  return lax.sliceInDim(v, off, off + n, 1, v.ndim - 1);
}
