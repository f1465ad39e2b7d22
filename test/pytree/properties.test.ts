import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flatten, flattenWithPath, leaves, map, structure, unflatten } from "../../src/pytree/index.js";
import { Opaque, Point } from "./helpers.js";

const fnA = (x: number) => x;
const fnB = function named() {};
const symA = Symbol("a");

const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: "medium", maxDepth: 6, withCrossShrink: true },
    { arbitrary: tie("leaf"), weight: 2 },
    { arbitrary: tie("static"), weight: 1 },
    { arbitrary: tie("node"), weight: 3 },
  ),
  leaf: fc.oneof(
    fc.double(),
    fc.integer(),
    fc.float32Array({ maxLength: 3 }),
    fc.integer().map((v) => new Opaque(v)),
  ),
  static: fc.oneof(
    fc.string(),
    fc.boolean(),
    fc.bigInt(),
    fc.constantFrom<unknown>(null, undefined, fnA, fnB, symA),
  ),
  node: fc.oneof(
    fc.array(tie("tree"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie("tree"), { maxKeys: 4, noNullPrototype: true }),
    fc.tuple(tie("tree"), tie("tree"), fc.string({ maxLength: 3 })).map(([x, y, l]) => new Point(x, y, l)),
  ),
}));

/** The same tree with every record's keys inserted in reverse order. */
function reverseKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(reverseKeys);
  if (x instanceof Point) return new Point(reverseKeys(x.x), reverseKeys(x.y), x.label);
  if (typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).reverse()) {
      Object.defineProperty(out, k, { value: reverseKeys((x as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return x;
}

function at(x: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], x);
}

describe("pytree properties", () => {
  it("unflatten(flatten(x)) deep-equals x, keeping leaves by reference", () => {
    fc.assert(
      fc.property(tree, (x) => {
        const [ls, td] = flatten(x);
        expect(ls.length).toBe(td.numLeaves);
        const back = unflatten(td, ls);
        expect(back).toStrictEqual(x);
        expect(leaves(back).every((l, i) => Object.is(l, ls[i]))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("map(identity) deep-equals x with the same (interned) treedef", () => {
    fc.assert(
      fc.property(tree, (x) => {
        const y = map((l: unknown) => l, x);
        expect(y).toStrictEqual(x);
        expect(structure(y)).toBe(structure(x));
      }),
      { numRuns: 300 },
    );
  });

  it("replacing leaves keeps the treedef; map over two trees pairs leaves in order", () => {
    fc.assert(
      fc.property(tree, (x) => {
        let n = 0;
        const numbered = map(() => n++, x);
        expect(structure(numbered)).toBe(structure(x));
        expect(leaves(numbered)).toEqual(Array.from({ length: n }, (_, i) => i));
        const pairs = map((a: unknown, i: number) => [i, a], x, numbered);
        const [pl] = flatten(pairs);
        // Each pair becomes two leaves: the index, then the original leaf.
        expect(pl.filter((_, j) => j % 2 === 0)).toEqual(leaves(numbered));
      }),
      { numRuns: 200 },
    );
  });

  it("record key order does not matter", () => {
    fc.assert(
      fc.property(tree, (x) => {
        const r = reverseKeys(x);
        expect(structure(r)).toBe(structure(x));
        expect(leaves(r)).toEqual(leaves(x));
      }),
      { numRuns: 200 },
    );
  });

  it("treedef identity, key equality and printed form agree", () => {
    fc.assert(
      fc.property(tree, tree, (a, b) => {
        const ta = structure(a);
        const tb = structure(b);
        expect(ta === tb).toBe(ta.key === tb.key);
        expect(ta.equals(tb)).toBe(ta === tb);
        if (ta === tb) expect(ta.toString()).toBe(tb.toString());
      }),
      { numRuns: 300 },
    );
  });

  it("every leaf path leads from the root to its leaf", () => {
    fc.assert(
      fc.property(tree, (x) => {
        const [lp, td] = flattenWithPath(x);
        expect(lp.length).toBe(td.numLeaves);
        for (const [path, leaf] of lp) expect(Object.is(at(x, path), leaf)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
