import { describe, expect, it } from "vitest";
import { TreeDef, flatten, structure, treedefIsLeaf } from "../../src/pytree/index.js";
import { Point, Shaped } from "./helpers.js";

describe("TreeDef", () => {
  it("interns: equal structures give the same instance and key", () => {
    const a = structure({ x: [1, 2], y: { z: new Float32Array(2) }, s: "tanh" });
    const b = structure({ y: { z: 5 }, s: "tanh", x: [new Float32Array(1), 0] });
    expect(a).toBe(b);
    expect(a.equals(b)).toBe(true);
    expect(a.key).toBe(b.key);
    expect(a.key).toBe('{"s":"tanh","x":[*,*],"y":{"z":*}}');
    expect(a.id).toBe(b.id);
  });

  it("differs when a static value, a key, a length or a kind differs", () => {
    const base = structure({ act: "relu", w: 1 });
    expect(structure({ act: "tanh", w: 1 })).not.toBe(base);
    expect(structure({ act: "tanh", w: 1 }).key).not.toBe(base.key);
    expect(structure({ act: true, w: 1 })).not.toBe(structure({ act: false, w: 1 }));
    expect(structure({ act: "relu", v: 1 })).not.toBe(base);
    expect(structure([1, 2])).not.toBe(structure([1, 2, 3]));
    expect(structure([1, 2])).not.toBe(structure({ 0: 1, 1: 2 }));
    expect(structure([null])).not.toBe(structure([undefined]));
    expect(structure([1])).not.toBe(structure([[1]]));
  });

  it("keeps static values of different types apart", () => {
    const statics: unknown[] = ["1", "true", "1n", true, 1n, "null", "undefined", "*", "fn#1", Symbol("a"), () => 0];
    const keys = statics.map((s) => structure([s]).key);
    expect(new Set(keys).size).toBe(statics.length);
    expect(structure(["a"]).key).not.toBe(structure([1]).key);
  });

  it("compares functions and symbols by identity, strings and bigints by value", () => {
    const f = () => 1;
    const g = () => 1;
    expect(structure({ f })).toBe(structure({ f }));
    expect(structure({ f })).not.toBe(structure({ f: g }));
    const s = Symbol("s");
    expect(structure([s])).toBe(structure([s]));
    expect(structure([s])).not.toBe(structure([Symbol("s")]));
    expect(structure([`a${"b"}`])).toBe(structure(["ab"]));
    expect(structure([10n])).toBe(structure([BigInt(10)]));
  });

  it("compares registered classes' auxiliary data by value", () => {
    expect(structure(new Shaped(1, [2, 3]))).toBe(structure(new Shaped(2, [2, 3])));
    expect(structure(new Shaped(1, [2, 3]))).not.toBe(structure(new Shaped(1, [3, 2])));
    expect(structure(new Point(1, 2, "a"))).not.toBe(structure(new Point(1, 2, "b")));
    expect(structure(new Point(1, 2))).not.toBe(structure([1, 2]));
  });

  it("prints readably", () => {
    function policy() {}
    const td = structure({ b: [1, [2, null]], a: "relu", c: { "not-id": undefined, f: policy, t: true, n: 3n } });
    expect(td.toString()).toBe('{a: "relu", b: [*, [*, null]], c: {f: <function policy>, n: 3n, "not-id": undefined, t: true}}');
    expect(`${structure([])}`).toBe("[]");
    expect(`${structure({})}`).toBe("{}");
    expect(`${structure(1)}`).toBe("*");
    expect(`${structure(new Point(1, 2))}`).toBe('Point[""](*, *)');
  });

  it("counts leaves and nodes, and exposes children and child keys", () => {
    const td = structure({ a: [1, 2], b: "s", c: null, d: new Point(3, { e: 4 }) });
    expect(td.numLeaves).toBe(4);
    expect(td.numNodes).toBe(10);
    expect(td.kind).toBe("dict");
    expect(td.children().map((c) => c.toString())).toEqual(["[*, *]", '"s"', "null", 'Point[""](*, {e: *})']);
    expect(td.childKeys()).toEqual(["a", "b", "c", "d"]);
    expect(td.children()[0]!.childKeys()).toEqual([0, 1]);
    expect(td.children()[3]!.childKeys()).toEqual(["x", "y"]);
    expect(td.recordKeys).toEqual(["a", "b", "c", "d"]);
    expect(td.children()[1]!.value).toBe("s");
  });

  it("treedefIsLeaf / isLeaf", () => {
    expect(treedefIsLeaf(structure(1))).toBe(true);
    expect(structure(new Float32Array(1)).isLeaf).toBe(true);
    expect(treedefIsLeaf(structure([1]))).toBe(false);
    expect(treedefIsLeaf(structure(null))).toBe(false);
    expect(treedefIsLeaf(structure("s"))).toBe(false);
    expect(structure(1)).toBeInstanceOf(TreeDef);
  });

  it("leafPaths are cached per structure", () => {
    const td = structure({ a: [1, { b: 2 }] });
    expect(td.leafPaths()).toEqual([["a", 0], ["a", 1, "b"]]);
    expect(td.leafPaths()).toBe(td.leafPaths());
  });

  it("builds large trees in linear time (interning by child ids)", () => {
    const wide = Array.from({ length: 20000 }, (_, i) => ({ w: i, b: [i] }));
    const [ls, td] = flatten(wide);
    expect(ls.length).toBe(40000);
    expect(structure(wide)).toBe(td);
    let deep: unknown = 1;
    for (let i = 0; i < 2000; i++) deep = [deep];
    expect(structure(deep).numLeaves).toBe(1);
    expect(structure(deep).key.length).toBe(2 * 2000 + 1);
  });
});
