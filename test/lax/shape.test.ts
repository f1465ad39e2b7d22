// Shape, slicing, gather and scatter: values worked out by hand (the conformance suite only
// compares backends with each other), error messages, and round-trip properties.
import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { backendName, jit, makeJaxpr, setBackend, type Value } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import type { GatherDimensionNumbers, ScatterDimensionNumbers } from "../../src/lax/gather.js";
import { arr, vals } from "../core/helpers.js";

const backends = process.env.XLA_TS_BACKEND === "ref" ? (["ref"] as const) : (["ref", "xla"] as const);
const initial = backendName();
afterEach(() => setBackend(initial));

const i32 = (v: number[], shape: number[] = [v.length]) => arr(v, shape, "int32");
const range = (n: number) => globalThis.Array.from({ length: n }, (_, i) => i);
const take0: GatherDimensionNumbers = { offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0], indexVectorDim: 1 };
const rows: ScatterDimensionNumbers = { updateWindowDims: [1], insertedWindowDims: [0], scatterDimsToOperandDims: [0], indexVectorDim: 1 };

describe.each(backends)("values on %s", (backend) => {
  it("pad with interior, negative and positive edges", () => {
    setBackend(backend);
    const x = arr([1, 2, 3]);
    expect(vals(lax.pad(x, 0, [[1, 2, 1]]))).toEqual([0, 1, 0, 2, 0, 3, 0, 0]);
    expect(vals(lax.pad(x, 9, [[-2, 1, 1]]))).toEqual([2, 9, 3, 9]);
    expect(vals(lax.pad(x, 9, [[0, -1, 0]]))).toEqual([1, 2]);
  });

  it("broadcast_in_dim, transpose, rev, concatenate, iota, slice", () => {
    setBackend(backend);
    const x = arr([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(vals(lax.broadcastInDim(arr([1, 2]), [2, 3], [0]))).toEqual([1, 1, 1, 2, 2, 2]);
    expect(vals(lax.transpose(x, [1, 0]))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(vals(lax.rev(x, [1]))).toEqual([3, 2, 1, 6, 5, 4]);
    expect(vals(lax.concatenate([x, arr([7, 8], [2, 1])], 1))).toEqual([1, 2, 3, 7, 4, 5, 6, 8]);
    expect(vals(lax.broadcastedIota("int32", [2, 3], 0))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(vals(lax.slice(arr(range(10)), [1], [8], [3]))).toEqual([1, 4, 7]);
  });

  it("dynamic_slice clamps starts so the slice stays in bounds; negative JS indices count from the end", () => {
    setBackend(backend);
    const x = arr(range(6));
    expect(vals(lax.dynamicSlice(x, [i32([5], [])], [3]))).toEqual([3, 4, 5]);
    expect(vals(lax.dynamicSlice(x, [i32([-7], [])], [2]))).toEqual([0, 1]);
    expect(vals(lax.dynamicSlice(x, [-2], [2]))).toEqual([4, 5]);
    expect(vals(lax.dynamicSlice(x, [i32([-1], [])], [1]))).toEqual([5]);
    expect(vals(lax.dynamicUpdateSlice(x, arr([9, 9]), [i32([10], [])]))).toEqual([0, 1, 2, 3, 9, 9]);
    expect(vals(lax.dynamicIndexInDim(arr(range(6), [3, 2]), i32([1], []), 0, false))).toEqual([2, 3]);
  });

  it("gather clamps indices; fill mode fills instead", () => {
    setBackend(backend);
    const x = arr(range(6), [3, 2]);
    const idx = i32([2, -1, 5, 0]);
    expect(vals(lax.gather(x, idx, take0, [1, 2]))).toEqual([4, 5, 0, 1, 4, 5, 0, 1]);
    expect(vals(lax.gather(x, idx, take0, [1, 2], { mode: "fill", fillValue: -1 }))).toEqual([4, 5, -1, -1, -1, -1, 0, 1]);
  });

  it("gather with batching dims picks along an axis per row", () => {
    setBackend(backend);
    const x = arr(range(6), [2, 3]);
    const idx = i32([2, 0, 1, 1], [2, 2, 1]);
    const dn: GatherDimensionNumbers = { offsetDims: [], collapsedSliceDims: [1], startIndexMap: [1], operandBatchingDims: [0], startIndicesBatchingDims: [0], indexVectorDim: 2 };
    expect(vals(lax.gather(x, idx, dn, [1, 1]))).toEqual([2, 0, 4, 4]);
  });

  it("scatter_add accumulates duplicates and drops out-of-bounds updates; clip mode clamps", () => {
    setBackend(backend);
    const x = arr([0, 0, 0, 0, 0, 0], [3, 2]);
    const u = arr([1, 2, 10, 20, 100, 200, 5, 5], [4, 2]);
    const idx = i32([0, 2, 0, 3]);
    expect(vals(lax.scatterAdd(x, idx, u, rows))).toEqual([101, 202, 0, 0, 10, 20]);
    expect(vals(lax.scatterAdd(x, idx, u, rows, { mode: "clip" }))).toEqual([101, 202, 0, 0, 15, 25]);
    expect(vals(lax.scatter(x, i32([1]), arr([7, 8], [1, 2]), rows))).toEqual([0, 0, 7, 8, 0, 0]);
    expect(vals(lax.scatterMax(arr([1, 5]), i32([0, 1, 0]), arr([3, 2, 2]), { ...rows, updateWindowDims: [] }))).toEqual([3, 5]);
  });

  it("under jit equals eager", () => {
    setBackend(backend);
    const f = (x: Value, i: Value) => lax.scatterAdd(lax.pad(x, 0, [[1, 1, 0], [0, 0, 0]]), i, lax.gather(x, i, take0, [1, 2]), rows);
    const x = arr(range(6), [3, 2]);
    const i = i32([0, 4]);
    expect(vals(jit(f)(x, i))).toEqual(vals(f(x, i)));
  });
});

describe("errors name the primitive and the shapes", () => {
  const x = arr(range(6), [2, 3]);
  const cases: [string, () => unknown, RegExp][] = [
    ["broadcast_in_dim", () => lax.broadcastInDim(x, [3, 3], [0, 1]), /broadcast_in_dim: operand f32\[2,3\] dimension 0 \(size 2\)/],
    ["broadcast_in_dim dims", () => lax.broadcastInDim(x, [2, 3], [1, 0]), /broadcast_in_dim: broadcastDimensions \[1,0\] must be strictly increasing/],
    ["reshape", () => lax.reshape(x, [4]), /reshape: cannot reshape f32\[2,3\] \(6 elements\) to \[4\]/],
    ["transpose", () => lax.transpose(x, [0, 0]), /transpose: permutation \[0,0\] repeats dimension 0/],
    ["pad", () => lax.pad(x, 0, [[-3, 0, 0], [0, 0, 0]]), /pad: .*negative dimension \[-1, 3\]/],
    ["pad dtype", () => lax.pad(x, i32([0], []), [[0, 0, 0], [0, 0, 0]]), /pad: operands must have equal dtypes/],
    ["concatenate", () => lax.concatenate([x, arr([1, 2], [2, 1]), arr([1], [1, 1])], 1), /concatenate: operands must have equal shapes except in dimension 1/],
    ["slice", () => lax.slice(x, [0, 2], [2, 4]), /slice: dimension 1: need 0 <= start \(2\) <= limit \(4\) <= size \(3\)/],
    ["dynamic_slice", () => lax.dynamicSlice(x, [0, 0], [3, 1]), /dynamic_slice: sliceSizes \[3,1\] exceed operand f32\[2,3\]/],
    ["dynamic_slice index", () => lax.dynamicSlice(x, [arr([0], []), 0], [1, 1]), /dynamicSlice: start indices must be integer scalars or JS numbers, got f32\[\]/],
    ["iota", () => lax.iota("bool", 3), /iota: dtype must be a numeric dtype/],
    ["gather", () => lax.gather(x, i32([0]), { ...take0, offsetDims: [] }, [1, 3]), /gather: offsetDims \[\] must list 1 output dimensions/],
    ["gather indices", () => lax.gather(x, arr([0]), take0, [1, 3]), /gather: indices must have an integer dtype, got f32\[1\]/],
    ["gather map", () => lax.gather(x, i32([0, 1], [1, 2]), take0, [1, 3]), /gather: startIndexMap \[0\] must have one entry per index-vector component \(2/],
    ["scatter", () => lax.scatterAdd(x, i32([0]), arr([1, 2, 3, 4], [1, 4]), rows), /scatter_add: updates f32\[1,4\] do not fit/],
    ["scatter dtype", () => lax.scatter(x, i32([0]), i32([1, 2, 3], [1, 3]), rows), /scatter: updates must have the operand's dtype/],
    ["scatter_add bool", () => lax.scatterAdd(arr([1], [1], "bool"), i32([0]), arr([1], [1], "bool"), { ...rows, updateWindowDims: [] }), /scatter_add: operand must have a numeric/],
  ];
  for (const [name, f, re] of cases) it(name, () => expect(f).toThrow(re));

  it("errors also come from tracing", () => {
    expect(() => makeJaxpr((y: Value) => lax.reshape(y, [5]))(x)).toThrow(/reshape: cannot reshape/);
  });
});

describe("properties (ref)", () => {
  const shapeArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 });

  it("transpose by a permutation, then by its inverse, is the identity; rev twice too", () => {
    setBackend("ref");
    fc.assert(
      fc.property(shapeArb.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(range(s.length), { minLength: s.length }))), ([shape, perm]) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = arr(range(n), shape);
        const inv = perm.map((_, i) => perm.indexOf(i));
        expect(vals(lax.transpose(lax.transpose(x, perm), inv))).toEqual(range(n));
        expect(vals(lax.rev(lax.rev(x, perm.slice(0, 1)), perm.slice(0, 1)))).toEqual(range(n));
      }),
    );
  });

  it("concatenate then slice gives the parts back", () => {
    setBackend("ref");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 3 }), (a, b, rowsN) => {
        const x = arr(range(rowsN * a), [rowsN, a]);
        const y = arr(range(rowsN * b).map((v) => v + 100), [rowsN, b]);
        const c = lax.concatenate([x, y], 1);
        expect(vals(lax.sliceInDim(c, 0, a, 1, 1))).toEqual(vals(x));
        expect(vals(lax.sliceInDim(c, a, a + b, 1, 1))).toEqual(vals(y));
      }),
    );
  });

  it("gather rows equals picking clamped rows; scatterAdd of ones counts in-bounds indices", () => {
    setBackend("ref");
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 8 }), { maxLength: 6 }), (idx) => {
        const x = arr(range(10), [5, 2]);
        const want = idx.flatMap((i) => {
          const r = Math.min(Math.max(i, 0), 4);
          return [2 * r, 2 * r + 1];
        });
        expect(vals(lax.gather(x, i32(idx), take0, [1, 2]))).toEqual(want);
        const counts = vals(lax.scatterAdd(arr(range(5).map(() => 0)), i32(idx), arr(idx.map(() => 1)), { ...rows, updateWindowDims: [] }));
        expect(counts).toEqual(range(5).map((r) => idx.filter((i) => i === r).length));
      }),
    );
  });
});
