// The tree structure stored in a checkpoint's metadata: a JSON description of the treedef
// from which `loadCheckpoint` rebuilds records, lists, null / undefined, static values and
// number leaves; array leaves refer to their tensor by name. Registered classes are recorded
// by name and can only be rebuilt through a `like` tree.
import * as E from "fp-ts/lib/Either.js";
import type { TreeDef } from "../pytree/index.js";
import { keyPathString } from "../pytree/index.js";

export type Node =
  | { t: "tensor"; name: string }
  | { t: "num"; v: number | string }
  | { t: "null" }
  | { t: "undefined" }
  | { t: "str"; v: string }
  | { t: "bool"; v: boolean }
  | { t: "bigint"; v: string }
  | { t: "opaque"; desc: string }
  | { t: "list"; c: Node[] }
  | { t: "dict"; k: string[]; c: Node[] }
  | { t: "custom"; cls: string; aux: string; k: (string | number)[]; c: Node[] };

const encNum = (v: number): number | string => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : Object.is(v, -0) ? "-0" : v);
export const decNum = (v: number | string): number => (typeof v === "number" ? v : v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "-0" ? -0 : Number(v));

/** The tensor name of a leaf path; the root (a tree that is one array) is named "root". */
export function tensorName(path: readonly (string | number)[]): string {
  return path.length === 0 ? "root" : keyPathString(path);
}

/** Describes `td`; `leaves` (in flattening order) tell JS-number leaves from tensors. */
export function describe(td: TreeDef, leaves: readonly unknown[]): Node {
  const paths = td.leafPaths();
  let i = 0;
  const walk = (t: TreeDef): Node => {
    const kids = () => t.children().map(walk);
    switch (t.kind) {
      case "leaf": {
        const leaf = leaves[i];
        const path = paths[i++]!;
        return typeof leaf === "number" ? { t: "num", v: encNum(leaf) } : { t: "tensor", name: tensorName(path) };
      }
      case "null":
        return { t: "null" };
      case "undefined":
        return { t: "undefined" };
      case "static": {
        const v = t.value;
        if (typeof v === "string") return { t: "str", v };
        if (typeof v === "boolean") return { t: "bool", v };
        if (typeof v === "bigint") return { t: "bigint", v: v.toString() };
        return { t: "opaque", desc: t.toString() };
      }
      case "list":
        return { t: "list", c: kids() };
      case "dict":
        return { t: "dict", k: [...t.recordKeys!], c: kids() };
      case "custom":
        return { t: "custom", cls: t.registration!.name, aux: t.toString().replace(/\(.*$/s, ""), k: [...t.childKeys()], c: kids() };
    }
  };
  return walk(td);
}

/** Rebuilds a tree from its description; `tensor(name)` gives the array stored under a name. */
export function rebuild(node: Node, tensor: (name: string) => unknown): E.Either<string, unknown> {
  const fail = (path: (string | number)[], msg: string) => {
    throw new RebuildError(`${path.length ? `at "${keyPathString(path)}"` : "at the root"}: ${msg}`);
  };
  const walk = (n: Node, path: (string | number)[]): unknown => {
    switch (n.t) {
      case "tensor":
        return tensor(n.name);
      case "num":
        return decNum(n.v);
      case "null":
        return null;
      case "undefined":
        return undefined;
      case "str":
      case "bool":
        return n.v;
      case "bigint":
        return BigInt(n.v);
      case "opaque":
        return fail(path, `the saved tree held ${n.desc}, which cannot be stored in a file; pass a \`like\` tree to load into`);
      case "list":
        return n.c.map((c, i) => walk(c, [...path, i]));
      case "dict": {
        const out: Record<string, unknown> = {};
        n.k.forEach((k, i) => Object.defineProperty(out, k, { value: walk(n.c[i]!, [...path, k]), enumerable: true, writable: true, configurable: true }));
        return out;
      }
      case "custom":
        return fail(path, `the saved tree held an instance of the registered class ${n.cls}, which only a \`like\` tree can rebuild; pass one (e.g. the freshly initialized state)`);
      default:
        return fail(path, `unknown node ${JSON.stringify(n)}`);
    }
  };
  try {
    return E.right(walk(node, []));
  } catch (e) {
    // RebuildError: a node that cannot be rebuilt; others: the tensor callback's complaints.
    return E.left((e as Error).message);
  }
}

class RebuildError extends Error {}

/** Where two descriptions first differ (number leaves compare by kind only), or undefined. */
export function diff(file: Node, like: Node, path: (string | number)[] = []): string | undefined {
  const where = path.length ? `at "${keyPathString(path)}"` : "at the root";
  const show = (n: Node): string => {
    switch (n.t) {
      case "tensor":
        return "an array";
      case "num":
        return "a number";
      case "list":
        return `a list of ${n.c.length}`;
      case "dict":
        return `a record with keys {${n.k.join(", ")}}`;
      case "custom":
        return `${n.aux}(…)`;
      case "str":
      case "bool":
      case "bigint":
        return `the static value ${JSON.stringify(String(n.v))}`;
      case "opaque":
        return n.desc;
      default:
        return n.t;
    }
  };
  const same =
    file.t === like.t &&
    (file.t !== "list" || file.c.length === (like as typeof file).c.length) &&
    (file.t !== "dict" || JSON.stringify(file.k) === JSON.stringify((like as typeof file).k)) &&
    (file.t !== "custom" || (file.aux === (like as typeof file).aux && file.c.length === (like as typeof file).c.length)) &&
    (!["str", "bool", "bigint"].includes(file.t) || (file as { v: unknown }).v === (like as { v: unknown }).v);
  if (!same) return `${where}: the file has ${show(file)}, \`like\` has ${show(like)}`;
  if (file.t === "list" || file.t === "dict" || file.t === "custom") {
    const keys = file.t === "list" ? file.c.map((_, i) => i) : file.k;
    const lc = (like as typeof file).c;
    for (let i = 0; i < file.c.length; i++) {
      const d = diff(file.c[i]!, lc[i]!, [...path, keys[i]!]);
      if (d) return d;
    }
  }
  return undefined;
}
