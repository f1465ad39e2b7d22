/**
 * Tree definitions: the structure of a pytree with its leaves taken out.
 *
 * Treedefs are interned (hash-consed): building the same structure twice gives the same
 * instance, so equality is `===` and `equals` is O(1). A node's intern key names its
 * children by their interning ids, so building a treedef costs time linear in its size.
 * The intern table holds every structure ever built for the life of the process, as a jit
 * cache would; structures that vary without end (a fresh string per call stored as a
 * static leaf) grow it without end.
 */
import type { KeyPath, PathKey } from "./path.js";
import type { Registration } from "./registry.js";
import { printKey, printValue, staticKey } from "./static.js";

/**
 * The kind of a treedef node:
 * - `leaf`: a leaf (`*`);
 * - `null`, `undefined`: empty nodes, kept apart so unflatten restores which one;
 * - `static`: a string, boolean, function, symbol or bigint stored in the treedef itself;
 * - `list`: a JS array; `dict`: a plain object (keys sorted); `custom`: a registered class.
 */
export type TreeDefKind = "leaf" | "null" | "undefined" | "static" | "list" | "dict" | "custom";

const NO_CHILDREN: readonly TreeDef[] = Object.freeze([]);
const table = new Map<string, TreeDef>();
let nextId = 0;

export class TreeDef {
  /** Interning id; distinct treedefs have distinct ids. */
  readonly id: number;
  readonly kind: TreeDefKind;
  /** How many leaves a tree of this structure holds. */
  readonly numLeaves: number;
  /** How many nodes (leaves, empty nodes and static values included) this structure has. */
  readonly numNodes: number;
  /** `static` nodes: the stored value. */
  readonly value: unknown;
  /** `dict` nodes: the keys, sorted. */
  readonly recordKeys: readonly string[] | undefined;
  /** `custom` nodes: the registration of the class. */
  readonly registration: Registration | undefined;
  /** `custom` nodes: the auxiliary data returned by the class's flatten. */
  readonly auxData: unknown;
  readonly #children: readonly TreeDef[];
  readonly #key: string;
  #childKeys: readonly PathKey[] | undefined;
  #leafPaths: readonly KeyPath[] | undefined;

  /** @internal Use `flatten` / `structure`; treedefs are only made by the interning factories. */
  constructor(
    kind: TreeDefKind,
    children: readonly TreeDef[],
    payload: {
      value?: unknown;
      recordKeys?: readonly string[];
      registration?: Registration;
      auxData?: unknown;
      /** The static key of `value` (static nodes) or of `auxData` (custom nodes). */
      auxKey?: string;
    },
  ) {
    this.id = nextId++;
    this.kind = kind;
    this.#children = children;
    let leaves = kind === "leaf" ? 1 : 0;
    let nodes = 1;
    for (const c of children) {
      leaves += c.numLeaves;
      nodes += c.numNodes;
    }
    this.numLeaves = leaves;
    this.numNodes = nodes;
    this.value = payload.value;
    this.recordKeys = payload.recordKeys;
    this.registration = payload.registration;
    this.auxData = payload.auxData;
    this.#key = canonicalKey(this, children, payload.auxKey ?? "");
  }

  /** Whether this is the structure of a single leaf. */
  get isLeaf(): boolean {
    return this.kind === "leaf";
  }

  /** The child structures, in flattening order (sorted keys for records). */
  children(): readonly TreeDef[] {
    return this.#children;
  }

  /** The path step of each child: record keys, array indices, or a registered class's child keys. */
  childKeys(): readonly PathKey[] {
    if (this.#childKeys === undefined) {
      const n = this.#children.length;
      let keys: readonly PathKey[];
      if (this.kind === "dict") keys = this.recordKeys!;
      else if (this.kind === "custom") {
        keys = this.registration!.childKeys(this.auxData, n);
        if (keys.length !== n) {
          throw new Error(
            `pytree: childKeys of registered class ${this.registration!.name} gave ${keys.length} keys for ${n} children`,
          );
        }
      } else keys = Array.from({ length: n }, (_, i) => i);
      this.#childKeys = Object.freeze([...keys]);
    }
    return this.#childKeys;
  }

  /** The path of every leaf, in leaf order (computed once per structure). */
  leafPaths(): readonly KeyPath[] {
    if (this.#leafPaths === undefined) {
      const out: KeyPath[] = [];
      const walk = (td: TreeDef, prefix: PathKey[]): void => {
        if (td.kind === "leaf") {
          out.push(Object.freeze([...prefix]));
          return;
        }
        const keys = td.childKeys();
        td.#children.forEach((c, i) => {
          prefix.push(keys[i]!);
          walk(c, prefix);
          prefix.pop();
        });
      };
      walk(this, []);
      this.#leafPaths = Object.freeze(out);
    }
    return this.#leafPaths;
  }

  /**
   * A canonical string for this structure: equal structures give equal strings, different
   * ones different strings. Static values appear by value (plain data) or as identity
   * numbers (functions, symbols, objects), so it suits cache keys within one process.
   */
  get key(): string {
    return this.#key;
  }

  /** Structural equality; O(1) since treedefs are interned. */
  equals(other: TreeDef): boolean {
    return this === other;
  }

  /** Rebuilds a tree of this structure from its leaves (in flattening order). */
  unflatten(leaves: readonly unknown[]): unknown {
    if (leaves.length !== this.numLeaves) {
      throw new Error(
        `tree.unflatten: the structure ${this.toString()} has ${this.numLeaves} leaves but ${leaves.length} were given`,
      );
    }
    const cursor = { i: 0 };
    return build(this, leaves, cursor);
  }

  /** Readable form: `{a: *, b: [*, *]}`; static values by value; `Point(*, *)` for registered classes. */
  toString(): string {
    const cs = this.#children.map((c) => c.toString());
    switch (this.kind) {
      case "leaf":
        return "*";
      case "null":
      case "undefined":
        return this.kind;
      case "static":
        return printValue(this.value);
      case "list":
        return `[${cs.join(", ")}]`;
      case "dict":
        return `{${this.recordKeys!.map((k, i) => `${printKey(k)}: ${cs[i]}`).join(", ")}}`;
      case "custom": {
        const aux = this.auxData === undefined || this.auxData === null ? "" : `[${printValue(this.auxData)}]`;
        return `${this.registration!.name}${aux}(${cs.join(", ")})`;
      }
    }
  }
}

/** Built once per interned node from the children's keys (no recursion, so deep trees are fine). */
function canonicalKey(td: TreeDef, children: readonly TreeDef[], auxKey: string): string {
  const ks = children.map((c) => c.key);
  switch (td.kind) {
    case "leaf":
      return "*";
    case "null":
    case "undefined":
      return td.kind;
    case "static":
      return auxKey;
    case "list":
      return `[${ks.join(",")}]`;
    case "dict":
      return `{${td.recordKeys!.map((k, i) => `${JSON.stringify(k)}:${ks[i]}`).join(",")}}`;
    case "custom": {
      const reg = td.registration!;
      const name = reg.name.replace(/[^A-Za-z0-9_$]/g, "_");
      return `${name}#${reg.id}<${auxKey}>(${ks.join(",")})`;
    }
  }
}

function build(td: TreeDef, leaves: readonly unknown[], cursor: { i: number }): unknown {
  switch (td.kind) {
    case "leaf":
      return leaves[cursor.i++];
    case "null":
      return null;
    case "undefined":
      return undefined;
    case "static":
      return td.value;
    case "list":
      return td.children().map((c) => build(c, leaves, cursor));
    case "dict": {
      const out: Record<string, unknown> = {};
      const keys = td.recordKeys!;
      const cs = td.children();
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const v = build(cs[i]!, leaves, cursor);
        // `out["__proto__"] = v` would set the prototype instead of an own key.
        if (k === "__proto__") Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        else out[k] = v;
      }
      return out;
    }
    case "custom": {
      const children = td.children().map((c) => build(c, leaves, cursor));
      return td.registration!.unflatten(td.auxData, children);
    }
  }
}

// ---- interning factories (used by flatten; not part of the public API) ----

function intern(internKey: string, make: () => TreeDef): TreeDef {
  let td = table.get(internKey);
  if (td === undefined) {
    td = make();
    table.set(internKey, td);
  }
  return td;
}

function idList(children: readonly TreeDef[]): string {
  let s = "";
  for (let i = 0; i < children.length; i++) s += (i === 0 ? "" : ",") + children[i]!.id;
  return s;
}

export const LEAF: TreeDef = new TreeDef("leaf", NO_CHILDREN, {});
export const NULL: TreeDef = new TreeDef("null", NO_CHILDREN, {});
export const UNDEFINED: TreeDef = new TreeDef("undefined", NO_CHILDREN, {});

export function staticDef(value: unknown): TreeDef {
  const key = staticKey(value);
  return intern(`s${key}`, () => new TreeDef("static", NO_CHILDREN, { value, auxKey: key }));
}

export function listDef(children: TreeDef[]): TreeDef {
  return intern(`l${idList(children)}`, () => new TreeDef("list", Object.freeze(children), {}));
}

export function dictDef(keys: string[], children: TreeDef[]): TreeDef {
  return intern(`d${JSON.stringify(keys)}${idList(children)}`, () =>
    new TreeDef("dict", Object.freeze(children), { recordKeys: Object.freeze(keys) }),
  );
}

export function customDef(registration: Registration, auxData: unknown, children: TreeDef[]): TreeDef {
  const auxKey = staticKey(auxData);
  return intern(`c${registration.id}:${auxKey.length}:${auxKey}${idList(children)}`, () =>
    new TreeDef("custom", Object.freeze(children), { registration, auxData, auxKey }),
  );
}

/** How many distinct structures have been interned (for tests and diagnostics). */
export function internedCount(): number {
  return table.size;
}

/**
 * Where two structures first differ: the path, and the two sub-structures found there;
 * `undefined` when they are equal.
 */
export function firstDifference(a: TreeDef, b: TreeDef): { path: KeyPath; a: TreeDef; b: TreeDef } | undefined {
  if (a === b) return undefined;
  const sameNode =
    a.kind === b.kind &&
    a.children().length === b.children().length &&
    (a.kind !== "static" || staticKey(a.value) === staticKey(b.value)) &&
    (a.kind !== "dict" || JSON.stringify(a.recordKeys) === JSON.stringify(b.recordKeys)) &&
    (a.kind !== "custom" || (a.registration === b.registration && staticKey(a.auxData) === staticKey(b.auxData)));
  if (!sameNode) return { path: [], a, b };
  const keys = a.childKeys();
  const ac = a.children();
  const bc = b.children();
  for (let i = 0; i < ac.length; i++) {
    const d = firstDifference(ac[i]!, bc[i]!);
    if (d !== undefined) return { path: [keys[i]!, ...d.path], a: d.a, b: d.b };
  }
  return { path: [], a, b }; // unreachable for interned treedefs
}

/** A sentence describing how `b` differs from `a`, for error messages. */
export function describeDifference(a: TreeDef, b: TreeDef): string {
  const d = firstDifference(a, b);
  if (d === undefined) return "the structures are equal";
  const where = d.path.length === 0 ? "at the root" : `at ${JSON.stringify(d.path.join("."))}`;
  return `${where}: ${d.a.toString()} vs ${d.b.toString()}`;
}
