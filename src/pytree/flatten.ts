/**
 * flatten / unflatten and the queries built on them.
 *
 * Node kinds: plain objects (keys sorted, as JAX sorts dict keys), JS arrays, `null`,
 * `undefined`, and registered classes. Static values (strings, booleans, functions,
 * symbols, bigints) are stored in the treedef. Everything else is a leaf: numbers, typed
 * arrays, and instances of unregistered classes (the core's Array and Tracer among them).
 */
import type { KeyPath } from "./path.js";
import { registrationFor } from "./registry.js";
import { LEAF, NULL, UNDEFINED, TreeDef, customDef, dictDef, listDef, staticDef } from "./treedef.js";

/** Treat `x` as a leaf without looking inside it (checked before anything else). */
export type IsLeaf = (x: unknown) => boolean;

/**
 * The leaves of `tree` in order (sorted keys for records, index order for arrays, the
 * registered order for classes) and its structure.
 */
export function flatten(tree: unknown, isLeaf?: IsLeaf): [leaves: unknown[], treedef: TreeDef] {
  const leaves: unknown[] = [];
  const td = walk(tree, leaves, isLeaf, new Set());
  return [leaves, td];
}

function walk(x: unknown, leaves: unknown[], isLeaf: IsLeaf | undefined, ancestors: Set<object>): TreeDef {
  if (isLeaf !== undefined && isLeaf(x)) {
    leaves.push(x);
    return LEAF;
  }
  switch (typeof x) {
    case "number":
      leaves.push(x);
      return LEAF;
    case "undefined":
      return UNDEFINED;
    case "string":
    case "boolean":
    case "bigint":
    case "symbol":
    case "function":
      return staticDef(x);
    case "object": {
      if (x === null) return NULL;
      if (Array.isArray(x)) {
        enter(x, ancestors);
        const children: TreeDef[] = new Array(x.length);
        for (let i = 0; i < x.length; i++) children[i] = walk(x[i], leaves, isLeaf, ancestors);
        ancestors.delete(x);
        return listDef(children);
      }
      const proto = Object.getPrototypeOf(x);
      if (proto === Object.prototype || proto === null) {
        enter(x, ancestors);
        const rec = x as Record<string, unknown>;
        const keys = Object.keys(rec).sort();
        const children: TreeDef[] = new Array(keys.length);
        for (let i = 0; i < keys.length; i++) children[i] = walk(rec[keys[i]!], leaves, isLeaf, ancestors);
        ancestors.delete(x);
        return dictDef(keys, children);
      }
      const reg = registrationFor(proto);
      if (reg !== undefined) {
        enter(x, ancestors);
        const [kids, aux] = reg.flatten(x);
        const children: TreeDef[] = new Array(kids.length);
        for (let i = 0; i < kids.length; i++) children[i] = walk(kids[i], leaves, isLeaf, ancestors);
        ancestors.delete(x);
        return customDef(reg, aux, children);
      }
      leaves.push(x);
      return LEAF;
    }
  }
}

function enter(x: object, ancestors: Set<object>): void {
  if (ancestors.has(x)) throw new TypeError("tree.flatten: the tree contains a cycle (an object inside itself)");
  ancestors.add(x);
}

/** Rebuilds a tree of structure `treedef` from its leaves, in flattening order. */
export function unflatten(treedef: TreeDef, leaves: readonly unknown[]): unknown {
  if (!(treedef instanceof TreeDef)) {
    throw new TypeError(`tree.unflatten: expected a TreeDef as the first argument, got ${String(treedef)}`);
  }
  return treedef.unflatten(leaves);
}

/** The leaves of `tree`, in flattening order. */
export function leaves(tree: unknown, isLeaf?: IsLeaf): unknown[] {
  return flatten(tree, isLeaf)[0];
}

/** The structure of `tree`. */
export function structure(tree: unknown, isLeaf?: IsLeaf): TreeDef {
  return flatten(tree, isLeaf)[1];
}

/** Each leaf with its path from the root, and the structure. */
export function flattenWithPath(
  tree: unknown,
  isLeaf?: IsLeaf,
): [leavesWithPaths: Array<[path: KeyPath, leaf: unknown]>, treedef: TreeDef] {
  const [ls, td] = flatten(tree, isLeaf);
  const paths = td.leafPaths();
  return [ls.map((l, i) => [paths[i]!, l]), td];
}

/** Whether the treedef is that of a single leaf. */
export function treedefIsLeaf(treedef: TreeDef): boolean {
  return treedef.kind === "leaf";
}

/** Whether every element of `xs` is a leaf (no element is a node, an empty node or a static value). */
export function allLeaves(xs: Iterable<unknown>, isLeaf?: IsLeaf): boolean {
  for (const x of xs) {
    if (isLeaf !== undefined && isLeaf(x)) continue;
    if (!isLeafValue(x)) return false;
  }
  return true;
}

/** Whether `x` on its own is a leaf (without an `isLeaf` predicate). */
export function isLeafValue(x: unknown): boolean {
  if (typeof x === "number") return true;
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto !== Object.prototype && proto !== null && registrationFor(proto) === undefined;
}
