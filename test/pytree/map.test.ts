import { describe, expect, it } from "vitest";
import {
  type KeyPath,
  flattenWithPath,
  keyPathString,
  map,
  mapWithPath,
  registerPytreeNode,
  treeReduce,
} from "../../src/pytree/index.js";
import { Opaque, Point } from "./helpers.js";

describe("map", () => {
  it("maps one tree, keeping static values and empty nodes", () => {
    const tree = { w: [1, 2], act: "relu", bias: null, p: new Point(3, 4, "q") };
    const out = map((x: number) => x * 10, tree);
    expect(out).toStrictEqual({ w: [10, 20], act: "relu", bias: null, p: new Point(30, 40, "q") });
  });

  it("passes only the leaf to f (no index)", () => {
    const seen: number[] = [];
    map((...args: unknown[]) => seen.push(args.length), [1, 2, 3]);
    expect(seen).toEqual([1, 1, 1]);
  });

  it("maps several trees of the same structure", () => {
    const a = { x: [1, 2], y: 3, s: "k" };
    const b = { y: 30, x: [10, 20], s: "k" };
    const c = { x: [100, 200], y: 300, s: "k" };
    expect(map((p: number, q: number, r: number) => p + q + r, a, b, c)).toStrictEqual({ x: [111, 222], y: 333, s: "k" });
  });

  it("can change the leaf type", () => {
    const out = map<{ a: number[] }, { a: Opaque[] }>((x: number) => new Opaque(x), { a: [1, 2] });
    expect(out.a[1]).toBeInstanceOf(Opaque);
    expect(out.a[1]!.v).toBe(2);
  });

  it("names both structures and the first difference when they differ", () => {
    const a = { x: [1, 2], y: 3 };
    const b = { x: [1, 2, 3], y: 3 };
    let msg = "";
    try {
      map((p: number, q: number) => p + q, a, b);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toBe(
      'tree.map: tree argument 2 has a different structure from tree argument 1 (at "x": [*, *] vs [*, *, *]); ' +
        "argument 1 is {x: [*, *], y: *}, argument 2 is {x: [*, *, *], y: *}",
    );
  });

  it("treats a differing static value as a different structure", () => {
    expect(() => map((p: number, q: number) => p + q, { act: "relu", w: 1 }, { act: "tanh", w: 2 })).toThrow(
      'tree argument 2 has a different structure from tree argument 1 (at "act": "relu" vs "tanh")',
    );
    expect(() => map((p: number, q: number) => p + q, [1, 2], [1, [2]], [1, 2])).toThrow(/at "1": \* vs \[\*\]/);
    expect(() => map((p: number) => p, { a: 1 }, { a: 1 }, { b: 1 })).toThrow(/tree argument 3 .*\(at the root: \{a: \*\} vs \{b: \*\}/);
  });
});

describe("paths", () => {
  it("mapWithPath gives keys and indices from the root", () => {
    const tree = { params: { actor: [{ kernel: 1, bias: 2 }], critic: new Point(3, 4) } };
    const paths: string[] = [];
    const out = mapWithPath((path: KeyPath, x: number) => {
      paths.push(keyPathString(path));
      return x + 1;
    }, tree);
    expect(paths).toEqual(["params.actor.0.bias", "params.actor.0.kernel", "params.critic.x", "params.critic.y"]);
    expect(out).toStrictEqual({ params: { actor: [{ kernel: 2, bias: 3 }], critic: new Point(4, 5) } });
  });

  it("mapWithPath over several trees checks their structure", () => {
    const out = mapWithPath((p: KeyPath, a: number, b: number) => `${keyPathString(p, "/")}=${a + b}`, { u: [1] }, { u: [2] });
    expect(out).toStrictEqual({ u: ["u/0=3"] });
    expect(() => mapWithPath((_p: KeyPath, a: number) => a, { u: [1] }, { u: 1 })).toThrow(/^tree\.mapWithPath: tree argument 2/);
  });

  it("keyPathString joins with a separator; the root is empty", () => {
    expect(keyPathString(["params", "actor", 0, "kernel"])).toBe("params.actor.0.kernel");
    expect(keyPathString(["a", 1], "/")).toBe("a/1");
    expect(keyPathString([])).toBe("");
  });

  it("flattenWithPath pairs leaves with paths, default child keys are indices", () => {
    class Pair {
      constructor(
        readonly a: number,
        readonly b: number,
      ) {}
    }
    registerPytreeNode(Pair, { flatten: (p) => [[p.a, p.b], null], unflatten: (_, [a, b]) => new Pair(a as number, b as number) });
    const [lp, td] = flattenWithPath({ z: new Pair(1, 2), a: [3] });
    expect(lp).toEqual([
      [["a", 0], 3],
      [["z", 0], 1],
      [["z", 1], 2],
    ]);
    expect(td.toString()).toBe("{a: [*], z: Pair(*, *)}");
  });
});

describe("treeReduce", () => {
  it("folds over leaves in order", () => {
    expect(treeReduce((acc: number, x: number) => acc + x, { b: [2, 3], a: 1, s: "no" }, 0)).toBe(6);
    expect(treeReduce((acc: string, x: number) => acc + x, { b: [2, 3], a: 1 }, "")).toBe("123");
    expect(treeReduce((acc: number) => acc + 1, [null, undefined, "s"], 0)).toBe(0);
    expect(treeReduce((acc: unknown[], x: unknown) => [...acc, x], { a: [1, 2] }, [] as unknown[], Array.isArray)).toEqual([[1, 2]]);
  });
});
