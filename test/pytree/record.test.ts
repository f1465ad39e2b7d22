import { setAutoFreeze } from "immer";
import { describe, expect, it } from "vitest";
import { flatten, freezeRecord, map, replace, update } from "../../src/pytree/index.js";
import { Opaque, Point } from "./helpers.js";

describe("records", () => {
  it("freezeRecord deep-freezes plain objects and arrays", () => {
    const r = freezeRecord({ a: { b: [1, 2] }, c: 3 });
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.a)).toBe(true);
    expect(Object.isFrozen(r.a.b)).toBe(true);
    expect(() => {
      (r.a.b as number[])[0] = 9;
    }).toThrow(TypeError);
  });

  it("leaves typed arrays and class instances unfrozen and usable", () => {
    const buf = new Float32Array([1, 2, 3]);
    const op = new Opaque(1);
    const r = freezeRecord({ buf, op, p: new Point(1, 2) });
    expect(Object.isFrozen(r)).toBe(true);
    expect(r.buf).toBe(buf);
    expect(Object.isFrozen(buf)).toBe(false);
    expect(Object.isFrozen(op)).toBe(false);
    buf[0] = 5; // a leaf's own contents are not immer's business
    expect(r.buf[0]).toBe(5);
    expect(flatten(r)[0]).toEqual([buf, op, 1, 2]);
  });

  it("replace makes a new frozen record and leaves the old one untouched", () => {
    const leaf = new Opaque(7);
    const state = freezeRecord({ step: 0, params: { w: leaf, b: [1, 2] }, name: "ppo" });
    const next = replace(state, { step: 1 });
    expect(next).not.toBe(state);
    expect(state.step).toBe(0);
    expect(next.step).toBe(1);
    expect(next.params).toBe(state.params); // structural sharing
    expect(next.params.w).toBe(leaf);
    expect(Object.isFrozen(next)).toBe(true);
    expect(replace(state, { step: 0 })).toBe(state); // no change, same record
  });

  it("replace freezes new plain data deeply but keeps class-instance leaves as they are", () => {
    const state = freezeRecord({ step: 0, extra: null as null | { buf: Float32Array; list: number[] } });
    const buf = new Float32Array(2);
    const next = replace(state, { extra: { buf, list: [1] } });
    expect(Object.isFrozen(next.extra)).toBe(true);
    expect(Object.isFrozen(next.extra!.list)).toBe(true);
    expect(next.extra!.buf).toBe(buf);
    expect(Object.isFrozen(buf)).toBe(false);
  });

  it("update applies a recipe to a draft", () => {
    const state = freezeRecord({ count: 1, hist: [1], leaf: new Opaque(2) });
    const next = update(state, (d) => {
      d.count += 1;
      d.hist.push(2);
    });
    expect(next).toStrictEqual({ count: 2, hist: [1, 2], leaf: state.leaf });
    expect(next.leaf).toBe(state.leaf);
    expect(state.hist).toEqual([1]);
    expect(Object.isFrozen(next.hist)).toBe(true);
    const replaced = update(state, () => ({ count: 0, hist: [], leaf: new Opaque(0) }));
    expect(replaced.count).toBe(0);
  });

  it("keeps freezing even if immer's global autoFreeze is turned off", () => {
    setAutoFreeze(false);
    try {
      const next = replace(freezeRecord({ a: 1, b: { c: 1 } }), { a: 2 });
      expect(Object.isFrozen(next)).toBe(true);
    } finally {
      setAutoFreeze(true);
    }
  });

  it("rejects non-records with a clear error", () => {
    expect(() => replace(new Opaque(1), { v: 2 })).toThrow("replace: expected a record (a plain object or array), got a class instance");
    expect(() => update(new Float32Array(1), () => undefined)).toThrow(/^update: expected a record/);
  });

  it("maps over frozen records", () => {
    const r = freezeRecord({ a: [1, 2], s: "x" });
    expect(map((x: number) => x + 1, r)).toStrictEqual({ a: [2, 3], s: "x" });
  });
});
