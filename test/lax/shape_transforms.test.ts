// Transformations of the shape and gather/scatter families beyond the registry-wide suite
// (test/lax/transforms.test.ts): vmap with batch axes other than 0 and other operands left
// unbatched, gradients worked out by hand (ties, duplicates, clamped and dropped indices),
// second derivatives, and jit(vjp) / jit(vmap) on XLA against the ref backend.
import { afterEach, describe, expect, it } from "vitest";
import { backendName, jit, makeJaxpr, setBackend, vjp, vmap, grad, type Value } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import type { GatherDimensionNumbers, ScatterDimensionNumbers } from "../../src/lax/gather.js";
import { asList, expectClose, mk } from "./samples/check.js";
import { arr, vals } from "../core/helpers.js";

const initial = backendName();
afterEach(() => setBackend(initial));
const withXla = process.env.XLA_TS_BACKEND !== "ref";

const i32 = (v: number[], shape: number[] = [v.length]) => arr(v, shape, "int32");

// --- gradients worked out by hand ---------------------------------------------------------------

const vec: ScatterDimensionNumbers = { updateWindowDims: [], insertedWindowDims: [0], scatterDimsToOperandDims: [0], indexVectorDim: 1 };
const rows: ScatterDimensionNumbers = { updateWindowDims: [1], insertedWindowDims: [0], scatterDimsToOperandDims: [0], indexVectorDim: 1 };
const take0: GatherDimensionNumbers = { offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0], indexVectorDim: 1 };

/** Cotangents of all inputs of f for a cotangent of ones. */
function vjpOnes(f: (a: Value, ...xs: Value[]) => Value, ...xs: Value[]): number[][] {
  const [out, back] = vjp(f, xs[0]!, ...xs.slice(1));
  return (back(mk(new Float64Array((out as Value).size).fill(1), (out as Value).shape, (out as Value).dtype) as never) as Value[]).map(vals);
}

describe.each(withXla ? (["ref", "xla"] as const) : (["ref"] as const))("gradients by hand on %s", (backend) => {
  it("scatter_max / scatter_min share the gradient evenly among ties (operand included), as JAX", () => {
    setBackend(backend);
    const x = arr([1, 5, 3]);
    const i = i32([0, 0, 2, 2], [4, 1]);
    const u = arr([1, 1, 3, 2]);
    const [gx, , gu] = vjpOnes((a, _i, b) => lax.scatterMax(a, i, b!, vec), x, i, u);
    expect(gx![0]).toBeCloseTo(1 / 3, 6);
    expect(gx!.slice(1)).toEqual([1, 0.5]);
    expect(gu![0]).toBeCloseTo(1 / 3, 6);
    expect(gu![1]).toBeCloseTo(1 / 3, 6);
    expect(gu!.slice(2)).toEqual([0.5, 0]);
    // min: an update strictly below the operand takes it all; an index past the end gets nothing.
    const [gx2, gu2] = vjpOnes((a, b) => lax.scatterMin(a, i32([1, 3, 2], [3, 1]), b!, vec), x, arr([4, 0, 3]));
    expect(gx2).toEqual([1, 0, 0.5]);
    expect(gu2).toEqual([1, 0, 0.5]);
  });

  it("scatter (set) with duplicates: the winning update gets the cotangent, the operand none", () => {
    setBackend(backend);
    const x = arr([1, 2, 3, 4]);
    const [gx, , gu] = vjpOnes((a, _i, b) => lax.scatter(a, i32([1, 1, 3, 9], [4, 1]), b!, vec), x, i32([0]), arr([10, 20, 30, 40]));
    expect(gx).toEqual([1, 0, 1, 0]);
    expect(gu![0]! + gu![1]!).toBe(1);
    expect(gu![0]! * gu![1]!).toBe(0);
    expect(gu!.slice(2)).toEqual([1, 0]);
  });

  it("scatter_mul with duplicates and zero updates (JAX raises; this is exact)", () => {
    setBackend(backend);
    const x = arr([2, 3, 5]);
    const u = arr([0, 4, 0, 0, 7]);
    // u0, u1 land on x1 and u2, u3, u4 on x2: d/du0 = x1 * u1; two zeros on x2 zero all of its derivatives.
    const idx = i32([1, 1, 2, 2, 2], [5, 1]);
    const [gx, gu] = vjpOnes((a, b) => lax.scatterMul(a, idx, b!, vec), x, u);
    expect(gx).toEqual([1, 0, 0]);
    expect(gu).toEqual([3 * 4, 0, 0, 0, 0]);
    const [, gu2] = vjpOnes((a, b) => lax.scatterMul(a, idx, b!, vec), x, arr([6, 4, 0, 2, 7]));
    expect(gu2).toEqual([12, 18, 5 * 2 * 7, 0, 0]);
  });

  it("gather: a clamped index sends its cotangent to the row it read; scatter_add drops what it dropped", () => {
    setBackend(backend);
    const x = arr([1, 2, 3, 4, 5, 6], [3, 2]);
    const [gx] = vjpOnes((a) => lax.gather(a, i32([5, 0, 0], [3, 1]), take0, [1, 2]), x);
    expect(gx).toEqual([2, 2, 0, 0, 1, 1]);
    const [, , gu] = vjpOnes((a, _i, b) => lax.scatterAdd(a, i32([2, 3, -1], [3, 1]), b!, rows), x, i32([0]), arr([1, 1, 1, 1, 1, 1], [3, 2]));
    expect(gu).toEqual([1, 1, 0, 0, 0, 0]);
  });

  it("pad: the padding value gets one per padded position; negative edges crop the operand's gradient", () => {
    setBackend(backend);
    const [gx, gv] = vjpOnes((a, v) => lax.pad(a, v, [[-1, 2, 1]]), arr([1, 2, 3]), arr([0], []));
    expect(gx).toEqual([0, 1, 1]);
    expect(gv).toEqual([4]);
  });

  it("second derivatives through dynamic_slice, gather and their transposes", () => {
    setBackend(backend);
    const x = arr([1, 2, 3, 4]);
    const cube = (a: Value) => lax.mul(a, lax.mul(a, a));
    // h(x) = d/dx_2 of x_2^3 = 3 x_2^2, so dh/dx = 6 x_2 at index 2.
    const first = (a: Value) => vjp((b: Value) => lax.reshape(lax.dynamicSlice(cube(b), [i32([2], [])], [1]), []), a)[1](arr([1], []))[0] as Value;
    expect(vals(grad((a: Value) => lax.reshape(lax.dynamicSlice(first(a), [2], [1]), []))(x))).toEqual([0, 0, 18, 0]);
    const elem: GatherDimensionNumbers = { offsetDims: [], collapsedSliceDims: [0], startIndexMap: [0], indexVectorDim: 1 };
    const pick = (a: Value) => lax.reshape(lax.gather(a, i32([3], [1, 1]), elem, [1]), []);
    const firstG = (a: Value) => vjp((b: Value) => pick(cube(b)), a)[1](arr([1], []))[0] as Value;
    expect(vals(grad((a: Value) => pick(firstG(a)))(x))).toEqual([0, 0, 0, 24]);
  });
});

describe("vmap of dynamic slicing with batched starts (ref)", () => {
  it("becomes a gather / scatter, with dynamic_slice's clamping", () => {
    setBackend("ref");
    const x = arr([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [2, 5]);
    const starts = i32([-1, 0, 4, 2]);
    const ds = (i: Value) => lax.dynamicSlice(x, [0, i], [2, 2]);
    expect(makeJaxpr(vmap(ds))(starts).toString()).toContain("gather");
    expect(vals(vmap(ds)(starts))).toEqual([3, 4, 8, 9, 0, 1, 5, 6, 3, 4, 8, 9, 2, 3, 7, 8]);
    const dus = (i: Value) => lax.dynamicUpdateSlice(x, arr([-1, -2], [1, 2]), [1, i]);
    expect(makeJaxpr(vmap(dus))(starts).toString()).toContain("scatter");
    expect(vals(vmap(dus)(i32([9, 1]))).slice(5, 10)).toEqual([5, 6, 7, -1, -2]);
    expect(vals(vmap(dus)(i32([9, 1]))).slice(15, 20)).toEqual([5, -1, -2, 8, 9]);
  });
});

// --- jit on XLA against the ref backend ---------------------------------------------------------

interface JitCase {
  name: string;
  args: () => Value[];
  f: (...xs: Value[]) => Value | Value[];
}

const along: GatherDimensionNumbers = { offsetDims: [], collapsedSliceDims: [1], startIndexMap: [1], operandBatchingDims: [0], startIndicesBatchingDims: [0], indexVectorDim: 2 };

const vjpCases: JitCase[] = [
  {
    name: "pad / slice / concatenate / transpose / rev / broadcast / reshape",
    args: () => [arr([1, -2, 3, 0.5, 2, -1], [2, 3]), arr([1.5], [])],
    f: (x, v) => {
      const p = lax.pad(lax.transpose(x!, [1, 0]), v!, [
        [1, -1, 1],
        [-1, 2, 0],
      ]);
      const b = lax.broadcastInDim(lax.slice(x!, [0, 1], [2, 3]), [3, 2, 2], [1, 2]);
      return lax.concatenate([lax.rev(p, [0]), lax.reshape(b, [4, 3])], 0);
    },
  },
  {
    name: "gather (clamped) / scatter_add (dropped) / scatter (unique)",
    args: () => [arr([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]), arr([0.5, -1, 2, 3], [2, 2])],
    f: (x, u) => {
      const g = lax.gather(x!, i32([3, 7, 0], [3, 1]), take0, [1, 2]);
      const s = lax.scatterAdd(x!, i32([1, 5], [2, 1]), u!, rows);
      const t = lax.scatter(s, i32([2, 0], [2, 1]), lax.mul(u!, u!), rows, { uniqueIndices: true });
      return lax.concatenate([g, t], 0);
    },
  },
  {
    name: "dynamic_slice / dynamic_update_slice with traced starts; scatter_mul / max",
    args: () => [arr([1, 2, 3, 4, 5, 6], [2, 3]), arr([-1, 0.5], [1, 2])],
    f: (x, u) => {
      const i = lax.reshape(lax.slice(i32([1, 2]), [1], [2]), []);
      const d = lax.dynamicUpdateSlice(x!, u!, [i, i]);
      const e = lax.dynamicSlice(d, [0, i], [2, 2]);
      const m = lax.scatterMul(lax.reshape(x!, [6]), i32([0, 4], [2, 1]), lax.reshape(u!, [2]), vec, { uniqueIndices: true });
      const mx = lax.scatterMax(m, i32([1, 1], [2, 1]), lax.reshape(u!, [2]), vec);
      return [e, mx];
    },
  },
];

const vmapCases: (JitCase & { inAxes: (number | null)[] })[] = [
  {
    name: "dynamic_slice / dynamic_update_slice with batched starts (gather / scatter)",
    args: () => [arr([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 4]), i32([-1, 0, 9]), arr([5, 6, 7, 8, 9, 10], [2, 3])],
    inAxes: [null, 0, 1],
    f: (x, i, u) => [lax.dynamicSlice(x!, [i!, 1], [2, 2]), lax.dynamicUpdateSlice(x!, lax.reshape(u!, [1, 2]), [1, i!])],
  },
  {
    name: "gather / scatters with batch axes on operand, indices and updates",
    args: () => [arr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 6]), i32([5, 0, 3, 1, 4, 2], [2, 3]), arr([1, -1, 2, -2, 3, -3], [3, 2])],
    inAxes: [0, 0, 1],
    f: (x, i, u) => {
      const idx = lax.reshape(i!, [3, 1]);
      return [lax.gather(x!, idx, { offsetDims: [], collapsedSliceDims: [0], startIndexMap: [0], indexVectorDim: 1 }, [1]), lax.scatterAdd(x!, idx, u!, vec), lax.scatterMin(x!, idx, u!, vec), lax.scatter(x!, idx, u!, vec)];
    },
  },
  {
    name: "per-example gradients of a take_along_axis gather (vmap of vjp)",
    args: () => [arr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]), i32([2, 0, 1, 1, 0, 2], [2, 2, 1, 1]), arr([1, 2, 3, 4], [2, 2, 1])],
    inAxes: [0, 0, 0],
    f: (x, i, ct) => vjp((a: Value) => lax.gather(a, i!, along, [1, 1]), x!)[1](ct as never)[0] as Value,
  },
];

describe.skipIf(!withXla)("jit on XLA equals the ref backend", () => {
  for (const c of vjpCases)
    it(`jit(vjp): ${c.name}`, () => {
      setBackend("ref");
      const run = (...xs: Value[]) => {
        const [out, back] = vjp((...a: Value[]) => asList(c.f(...a)), ...xs);
        const cts = (out as Value[]).map((o) => mk(Float64Array.from({ length: o.size }, (_, k) => ((k * 7) % 5) - 2), o.shape, o.dtype));
        return [...(out as Value[]), ...(back(cts as never) as Value[])];
      };
      const want = run(...c.args());
      setBackend("xla");
      const got = asList(jit(run)(...c.args()));
      got.forEach((g, k) => expectClose(g, want[k]!, `output ${k}`));
    });
  for (const c of vmapCases)
    it(`jit(vmap): ${c.name}`, () => {
      setBackend("ref");
      const run = vmap((...xs: Value[]) => asList(c.f(...xs)), { inAxes: c.inAxes });
      const want = asList(run(...c.args()));
      setBackend("xla");
      const got = asList(jit(run)(...c.args()));
      got.forEach((g, k) => expectClose(g, want[k]!, `output ${k}`));
    });
});
