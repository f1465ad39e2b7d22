/**
 * Registered pytree node classes (like `jax.tree_util.register_pytree_node`).
 *
 * An instance is a registered node exactly when its prototype is the registered class's
 * prototype (`x.constructor === Class`): instances of subclasses are leaves unless the
 * subclass is registered too.
 */
import type { PathKey } from "./path.js";

/** How a registered class is taken apart into children and put back together. */
export interface PytreeNodeDef<T, Aux = unknown> {
  /**
   * The children (sub-trees, flattened further) and the auxiliary data (static: stored in
   * the treedef, compared by value for plain data and by identity otherwise; it must not be
   * mutated afterwards).
   */
  flatten(x: T): readonly [children: readonly unknown[], auxData: Aux];
  /** Rebuilds an instance from the auxiliary data and the (rebuilt) children. */
  unflatten(auxData: Aux, children: unknown[]): T;
  /**
   * Names of the children in paths (`mapWithPath`, `keyPathString`): a fixed list, or
   * computed from the auxiliary data. Default: the child indices 0, 1, ...
   */
  childKeys?: readonly PathKey[] | ((auxData: Aux, numChildren: number) => readonly PathKey[]);
}

/** A registration as stored; `id` names the class in treedef keys. */
export interface Registration {
  readonly id: number;
  readonly name: string;
  readonly cls: abstract new (...args: never[]) => unknown;
  readonly flatten: (x: unknown) => readonly [readonly unknown[], unknown];
  readonly unflatten: (auxData: unknown, children: unknown[]) => unknown;
  readonly childKeys: (auxData: unknown, numChildren: number) => readonly PathKey[];
}

const byPrototype = new Map<object, Registration>();
let nextId = 1;

function defaultChildKeys(_aux: unknown, n: number): readonly PathKey[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Makes instances of `cls` pytree nodes. Registering a class twice, or a built-in
 * container (Object, Array), is an error.
 */
export function registerPytreeNode<T, Aux = unknown>(
  cls: abstract new (...args: never[]) => T,
  def: PytreeNodeDef<T, Aux>,
): void {
  const name = cls.name || "<anonymous class>";
  if (typeof cls !== "function" || typeof cls.prototype !== "object" || cls.prototype === null) {
    throw new TypeError(`registerPytreeNode: expected a class, got ${String(cls)}`);
  }
  if ((cls as unknown) === Object || (cls as unknown) === Array) {
    throw new TypeError(`registerPytreeNode: ${name} is a built-in pytree container and cannot be registered`);
  }
  if (byPrototype.has(cls.prototype)) {
    throw new Error(`registerPytreeNode: class ${name} is already registered`);
  }
  if (typeof def.flatten !== "function" || typeof def.unflatten !== "function") {
    throw new TypeError(`registerPytreeNode: the definition for ${name} needs flatten and unflatten functions`);
  }
  const keys = def.childKeys;
  const childKeys =
    keys === undefined
      ? defaultChildKeys
      : typeof keys === "function"
        ? (keys as (aux: unknown, n: number) => readonly PathKey[])
        : () => keys;
  byPrototype.set(cls.prototype, {
    id: nextId++,
    name,
    cls,
    flatten: def.flatten as (x: unknown) => readonly [readonly unknown[], unknown],
    unflatten: def.unflatten as (aux: unknown, children: unknown[]) => unknown,
    childKeys,
  });
}

/** The registration for objects with this prototype, if any. */
export function registrationFor(proto: object | null): Registration | undefined {
  return proto === null ? undefined : byPrototype.get(proto);
}

/** Whether `cls` has been registered with `registerPytreeNode`. */
export function isRegisteredPytreeNode(cls: abstract new (...args: never[]) => unknown): boolean {
  return typeof cls === "function" && byPrototype.has(cls.prototype);
}
