/**
 * Static values: canonical keys (for treedef interning and cache keys) and readable
 * printing. A static value is compared by value where it is plain data (strings, numbers,
 * booleans, bigints, null / undefined, arrays and plain objects of those) and by identity
 * otherwise (functions, symbols, other objects).
 */

let nextIdentity = 1;
const objectIds = new WeakMap<object, number>();
// Symbols cannot be WeakMap keys on every Node 20 release; treedefs hold them strongly anyway.
const symbolIds = new Map<symbol, number>();

/** A process-wide number naming one object, function or symbol by identity. */
export function identityId(x: object | symbol): number {
  if (typeof x === "symbol") {
    let id = symbolIds.get(x);
    if (id === undefined) symbolIds.set(x, (id = nextIdentity++));
    return id;
  }
  let id = objectIds.get(x);
  if (id === undefined) objectIds.set(x, (id = nextIdentity++));
  return id;
}

export function isPlainObject(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * A canonical string for a static value: two values get the same key exactly when they
 * are equal as static data (by value for plain data, by identity for everything else).
 * Every token is self-delimiting, so keys of compound values are unambiguous.
 */
export function staticKey(value: unknown): string {
  return keyOf(value, new Set());
}

function keyOf(value: unknown, ancestors: Set<object>): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "string":
      return JSON.stringify(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return `sym#${identityId(value)}`;
    case "function":
      return `fn#${identityId(value)}`;
    case "object": {
      if (value === null) return "null";
      const isArray = Array.isArray(value);
      if (!isArray && !isPlainObject(value)) return `obj#${identityId(value)}`;
      if (ancestors.has(value)) {
        throw new TypeError("pytree: static data (a treedef's auxiliary data) contains a cycle");
      }
      ancestors.add(value);
      let out: string;
      if (isArray) {
        const items: string[] = [];
        for (let i = 0; i < value.length; i++) items.push(keyOf(value[i], ancestors));
        out = `[${items.join(",")}]`;
      } else {
        const rec = value as Record<string, unknown>;
        const keys = Object.keys(rec).sort();
        out = `{${keys.map((k) => `${JSON.stringify(k)}:${keyOf(rec[k], ancestors)}`).join(",")}}`;
      }
      ancestors.delete(value);
      return out;
    }
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A record key as written in printed treedefs: bare when it is an identifier. */
export function printKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** A short readable form of a static value, for `TreeDef.toString()` and error messages. */
export function printValue(value: unknown, depth = 0): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "boolean":
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "string":
      return JSON.stringify(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return value.toString();
    case "function":
      return value.name ? `<function ${value.name}>` : "<function>";
    case "object": {
      if (value === null) return "null";
      if (depth > 4) return "…";
      if (Array.isArray(value)) return `[${value.map((v) => printValue(v, depth + 1)).join(", ")}]`;
      if (isPlainObject(value)) {
        const rec = value as Record<string, unknown>;
        const keys = Object.keys(rec).sort();
        return `{${keys.map((k) => `${printKey(k)}: ${printValue(rec[k], depth + 1)}`).join(", ")}}`;
      }
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof name === "string" && name !== "" ? `<${name}>` : "<object>";
    }
  }
}
