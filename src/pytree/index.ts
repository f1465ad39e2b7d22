/**
 * Pytrees, like jax.tree_util: nested records, arrays, empty values and registered classes
 * with leaves at the bottom; flatten / unflatten, maps, paths, interned treedefs, and
 * immutable records.
 */
export type { KeyPath, PathKey } from "./path.js";
export { keyPathString } from "./path.js";
export type { PytreeNodeDef } from "./registry.js";
export { isRegisteredPytreeNode, registerPytreeNode } from "./registry.js";
export type { TreeDefKind } from "./treedef.js";
export { TreeDef } from "./treedef.js";
export type { IsLeaf } from "./flatten.js";
export {
  allLeaves,
  flatten,
  flattenWithPath,
  isLeafValue,
  leaves,
  structure,
  treedefIsLeaf,
  unflatten,
} from "./flatten.js";
export { map, mapWithPath, treeReduce } from "./map.js";
export { freezeRecord, replace, update } from "./record.js";
