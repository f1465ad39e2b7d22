/**
 * Maps and folds over the leaves of one or several trees of the same structure.
 */
import { type IsLeaf, flatten } from "./flatten.js";
import type { KeyPath } from "./path.js";
import { type TreeDef, describeDifference } from "./treedef.js";

function restLeaves(fn: string, td: TreeDef, rest: readonly unknown[], isLeaf: IsLeaf | undefined): unknown[][] {
  return rest.map((r, j) => {
    const [ls, rtd] = flatten(r, isLeaf);
    if (rtd !== td) {
      throw new Error(
        `${fn}: tree argument ${j + 2} has a different structure from tree argument 1 (${describeDifference(td, rtd)}); ` +
          `argument 1 is ${td.toString()}, argument ${j + 2} is ${rtd.toString()}`,
      );
    }
    return ls;
  });
}

/**
 * A function of leaves. A tree's leaves have no one type here (arrays, numbers, …), so a leaf
 * parameter is `never`: a function written for the leaves it will see (`(x: Value) => …`) is
 * accepted, and an unannotated leaf (`(x) => np.multiply(x, 2)`) can be passed anywhere (its
 * members can be read once it is annotated), as for the functions the transformations take.
 */
export type LeafFn = (...leaves: never[]) => unknown;
/** `f` as map calls it: with the leaves the trees hold. */
const leafCall = (f: LeafFn) => f as (...leaves: unknown[]) => unknown;

/**
 * A tree of the first tree's structure whose leaves are `f(leaf, ...leavesOfRest)`. The
 * other trees must have exactly the same structure (static values included). Static
 * values, `null` and `undefined` are kept, not passed to `f`.
 *
 * The result type defaults to the input type (the common case of a map from arrays to
 * arrays); give `R` when the leaves change type.
 */
export function map<T, R = T>(f: LeafFn, tree: T, ...rest: unknown[]): R {
  const [ls, td] = flatten(tree);
  const g = leafCall(f);
  if (rest.length === 0) return td.unflatten(ls.map((l) => g(l))) as R;
  const others = restLeaves("tree.map", td, rest, undefined);
  const out = ls.map((l, i) => g(l, ...others.map((o) => o[i])));
  return td.unflatten(out) as R;
}

/** Like `map`, with the path of each leaf (keys and indices from the root) as the first argument. */
export function mapWithPath<T, R = T>(
  f: (path: KeyPath, ...leaves: never[]) => unknown,
  tree: T,
  ...rest: unknown[]
): R {
  const [ls, td] = flatten(tree);
  const paths = td.leafPaths();
  const others = rest.length === 0 ? [] : restLeaves("tree.mapWithPath", td, rest, undefined);
  const g = f as (path: KeyPath, ...leaves: unknown[]) => unknown; // called with the trees' leaves
  const out = ls.map((l, i) => g(paths[i]!, l, ...others.map((o) => o[i])));
  return td.unflatten(out) as R;
}

/** Folds `f` over the leaves in flattening order, starting from `init`. */
export function treeReduce<A>(f: (acc: A, leaf: never) => A, tree: unknown, init: A, isLeaf?: IsLeaf): A {
  let acc = init;
  const g = f as (acc: A, leaf: unknown) => A; // called with the tree's leaves
  for (const l of flatten(tree, isLeaf)[0]) acc = g(acc, l);
  return acc;
}
