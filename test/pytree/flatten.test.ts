import { describe, expect, it } from "vitest";
import {
  allLeaves,
  flatten,
  isLeafValue,
  leaves,
  registerPytreeNode,
  structure,
  unflatten,
} from "../../src/pytree/index.js";
import { Opaque, Point, Shaped } from "./helpers.js";

function roundTrip<T>(x: T): unknown {
  const [ls, td] = flatten(x);
  return unflatten(td, ls);
}

describe("flatten / unflatten", () => {
  it("round-trips nested records and arrays, in sorted-key leaf order", () => {
    const tree = { b: [1, 2, { z: 3, y: 4 }], a: 5 };
    const [ls, td] = flatten(tree);
    expect(ls).toEqual([5, 1, 2, 4, 3]);
    expect(td.numLeaves).toBe(5);
    expect(unflatten(td, ls)).toStrictEqual(tree);
  });

  it("sorts record keys: {a, b} and {b, a} have the same treedef", () => {
    const s1 = structure({ a: 1, b: 2 });
    const s2 = structure({ b: 1, a: 2 });
    expect(s1).toBe(s2);
    expect(leaves({ b: 20, a: 10 })).toEqual([10, 20]);
    // Unflatten builds keys in sorted order.
    expect(Object.keys(unflatten(s2, [1, 2]) as object)).toEqual(["a", "b"]);
  });

  it("keeps null and undefined as distinct empty nodes", () => {
    const tree = { n: null, u: undefined, l: [null, undefined, 1] };
    const [ls, td] = flatten(tree);
    expect(ls).toEqual([1]);
    const back = unflatten(td, ls) as typeof tree;
    expect(back).toStrictEqual(tree);
    expect(back.n).toBeNull();
    expect("u" in back && back.u === undefined).toBe(true);
    expect(back.l[0]).toBeNull();
    expect(back.l[1]).toBeUndefined();
    expect(structure(null)).not.toBe(structure(undefined));
    expect(structure(null).toString()).toBe("null");
    expect(structure(undefined).toString()).toBe("undefined");
  });

  it("stores static values in the treedef, not in the leaves", () => {
    const fn = (x: number) => x + 1;
    const sym = Symbol("tag");
    const tree = { act: "relu", train: true, f: fn, s: sym, big: 12n, w: 0.5 };
    const [ls, td] = flatten(tree);
    expect(ls).toEqual([0.5]);
    expect(td.numLeaves).toBe(1);
    const back = unflatten(td, [7]) as typeof tree;
    expect(back).toStrictEqual({ ...tree, w: 7 });
    expect(back.f).toBe(fn);
    expect(back.s).toBe(sym);
  });

  it("numbers are leaves, including -0 and NaN", () => {
    const [ls, td] = flatten([-0, NaN, Infinity]);
    expect(td.numLeaves).toBe(3);
    expect(Object.is(ls[0], -0)).toBe(true);
    expect(roundTrip([-0, NaN])).toStrictEqual([-0, NaN]);
  });

  it("typed arrays and instances of unregistered classes are leaves, kept by reference", () => {
    const buf = new Float32Array([1, 2]);
    const op = new Opaque(3);
    const date = new Date(0);
    const [ls, td] = flatten({ buf, op, date, m: new Map() });
    expect(td.numLeaves).toBe(4);
    expect(ls[0]).toBe(buf);
    expect(ls[3]).toBe(op); // sorted keys: buf, date, m, op
    expect(isLeafValue(buf)).toBe(true);
    expect(isLeafValue({})).toBe(false);
    expect(isLeafValue("s")).toBe(false);
  });

  it("round-trips registered classes through their flatten / unflatten", () => {
    const tree = { p: new Point(1, [2, 3], "pt"), q: new Shaped(new Float32Array(4), [2, 2]) };
    const [ls, td] = flatten(tree);
    expect(ls.length).toBe(4);
    expect(ls.slice(0, 3)).toEqual([1, 2, 3]);
    const back = unflatten(td, ls) as typeof tree;
    expect(back.p).toBeInstanceOf(Point);
    expect(back).toStrictEqual(tree);
    expect(td.toString()).toBe('{p: Point["pt"](*, [*, *]), q: Shaped[{shape: [2, 2]}](*)}');
  });

  it("matches registered classes by exact constructor: subclasses are leaves", () => {
    class SubPoint extends Point {}
    const td = structure(new SubPoint(1, 2));
    expect(td.isLeaf).toBe(true);
    expect(structure(new Point(1, 2)).numLeaves).toBe(2);
  });

  it("rejects registering a class twice, or Object / Array", () => {
    expect(() => registerPytreeNode(Point, { flatten: () => [[], null], unflatten: () => new Point(0, 0) })).toThrow(
      /registerPytreeNode: class Point is already registered/,
    );
    expect(() => registerPytreeNode(Object, { flatten: () => [[], null], unflatten: () => ({}) })).toThrow(/built-in/);
    expect(() => registerPytreeNode(Array, { flatten: () => [[], null], unflatten: () => [] })).toThrow(/built-in/);
  });

  it("honours isLeaf before anything else", () => {
    const tree = { a: [1, 2], b: { c: [3] }, s: "static" };
    const isPair = (x: unknown) => Array.isArray(x) && x.length === 2;
    const [ls, td] = flatten(tree, isPair);
    expect(ls).toEqual([[1, 2], 3]);
    expect(td.toString()).toBe('{a: *, b: {c: [*]}, s: "static"}');
    expect(flatten(tree, (x) => typeof x === "string")[0]).toEqual([1, 2, 3, "static"]);
    expect(unflatten(td, ls)).toStrictEqual(tree);
  });

  it("round-trips an own __proto__ key without touching the prototype", () => {
    const tree = JSON.parse('{"__proto__": [1, 2], "a": 3}') as Record<string, unknown>;
    const back = roundTrip(tree) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(["__proto__", "a"]);
    expect(back).toStrictEqual(tree);
  });

  it("treats null-prototype objects as records (rebuilt as ordinary objects)", () => {
    const bare = Object.assign(Object.create(null) as Record<string, number>, { x: 1, y: 2 });
    expect(structure(bare)).toBe(structure({ x: 0, y: 0 }));
    expect(roundTrip(bare)).toEqual({ x: 1, y: 2 });
  });

  it("rebuilds array holes as undefined", () => {
    const sparse = [1, , 3];
    expect(roundTrip(sparse)).toStrictEqual([1, undefined, 3]);
  });

  it("shares no mutable state between a tree and its rebuild", () => {
    const tree = { a: [1, { b: 2 }] };
    const back = roundTrip(tree) as typeof tree;
    expect(back).not.toBe(tree);
    expect(back.a).not.toBe(tree.a);
  });

  it("accepts shared sub-trees but reports cycles", () => {
    const shared = { w: 1 };
    expect(leaves({ a: shared, b: shared })).toEqual([1, 1]);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => flatten(cyclic)).toThrow(/tree\.flatten: the tree contains a cycle/);
  });

  it("unflatten checks the number of leaves and the treedef argument", () => {
    const td = structure({ a: 1, b: [2, 3] });
    expect(() => unflatten(td, [1, 2])).toThrow("tree.unflatten: the structure {a: *, b: [*, *]} has 3 leaves but 2 were given");
    expect(() => unflatten({} as never, [])).toThrow(/expected a TreeDef/);
  });

  it("allLeaves tells whether every element is a leaf", () => {
    expect(allLeaves([1, new Float32Array(1), new Opaque(1)])).toBe(true);
    expect(allLeaves([1, [2]])).toBe(false);
    expect(allLeaves([1, null])).toBe(false);
    expect(allLeaves([1, "s"])).toBe(false);
    expect(allLeaves([new Point(1, 2)])).toBe(false);
    expect(allLeaves([[1]], Array.isArray)).toBe(true);
  });
});
