// Behaviour the fixtures do not pin down: creation from JS data, indexing and functional
// updates in their many forms, einsum against a host loop, array methods, errors, and jit.
import { beforeEach, describe, expect, it } from "vitest";
import { Array as ConcreteArray, jit, setBackend, type Value } from "../../src/core/index.js";
import { numpy as np, s } from "../../src/numpy/index.js";
import { backends, values } from "./helpers.js";


const iota = (shape: number[], dtype: "int32" | "float32" = "int32") => np.reshape(np.arange(shape.reduce((p, q) => p * q, 1), null, 1, dtype), shape);
const list = (x: Value) => (x as ConcreteArray).tolistSync();

/** Naive einsum over all label assignments (the oracle). */
function einsumRef(spec: string, ...xs: { shape: number[]; data: number[] }[]): { shape: number[]; data: number[] } {
  const [lhs, out] = spec.split("->") as [string, string];
  const ins = lhs.split(",");
  const size = new Map<string, number>();
  ins.forEach((l, k) => [...l].forEach((c, i) => size.set(c, xs[k]!.shape[i]!)));
  const labels = [...size.keys()];
  const outShape = [...out].map((c) => size.get(c)!);
  const res = new Array(outShape.reduce((p, q) => p * q, 1)).fill(0);
  const assign = new Map<string, number>();
  const flat = (ls: string, shape: number[]) => [...ls].reduce((acc, c, i) => acc * shape[i]! + assign.get(c)!, 0);
  const rec = (k: number) => {
    if (k === labels.length) {
      let p = 1;
      ins.forEach((l, j) => (p *= xs[j]!.data[flat(l, xs[j]!.shape)]!));
      res[flat(out, outShape)] += p;
      return;
    }
    for (let v = 0; v < size.get(labels[k]!)!; v++) {
      assign.set(labels[k]!, v);
      rec(k + 1);
    }
  };
  rec(0);
  return { shape: outShape, data: res };
}

for (const backend of backends())
  describe(`numpy (${backend})`, () => {
    beforeEach(() => setBackend(backend));

    describe("creation", () => {
      it("infers dtypes from JS data as jnp does from Python data", () => {
        // JS numbers are float32 as data (JS has no float literal); typed arrays and dtypes say otherwise.
        expect(np.array([[1, 2], [3, 4]]).aval.toString()).toBe("f32[2,2]");
        expect(np.array([[1, 2], [3, 4]], "int32").aval.toString()).toBe("i32[2,2]");
        expect(np.array(new Int32Array([1, 2])).aval.toString()).toBe("i32[2]");
        expect(np.array([1, 2.5]).dtype).toBe("float32");
        expect(np.array([true, false]).dtype).toBe("bool");
        expect(np.array([true, 2]).dtype).toBe("float32");
        expect(np.array(3).aval.toString()).toBe("~f32[]"); // a JS scalar stays weak
        expect(np.asArray(3).aval.toString()).toBe("~f32[]");
        expect(np.add(np.array([1, 2], "int32"), 1).aval.toString()).toBe("i32[2]"); // a scalar operand adopts the dtype
        expect(np.array(new Uint8Array([1, 255])).aval.toString()).toBe("u8[2]");
        expect(np.array([new Float32Array([1, 2]), new Float32Array([3, 4])]).aval.toString()).toBe("f32[2,2]");
        expect(np.array([[], []]).shape).toEqual([2, 0]);
        expect(list(np.array([1.7, -1.7], "int32"))).toEqual([1, -1]);
        expect(list(np.array([3e9], "uint32"))).toEqual([3e9]);
        expect(np.array([np.array([1, 2]), np.array([3.5, 4])]).aval.toString()).toBe("f32[2,2]");
      });

      it("rejects ragged data and integers beyond int32 without a dtype", () => {
        expect(() => np.array([[1, 2], [3]])).toThrow(/ragged/);
        expect(() => np.array([1, [2]] as never)).toThrow(/ragged/);
        expect(() => np.get(np.zeros([2]), [3e9])).toThrow(/does not fit int32/);
      });

      it("fills, ranges and masks", () => {
        expect(list(np.zeros([2, 2], "int32"))).toEqual([[0, 0], [0, 0]]);
        expect(np.full([2], 3).aval.toString()).toBe("~i32[2]");
        expect(list(np.arange(3))).toEqual([0, 1, 2]);
        expect(list(np.arange(2, 8, 3))).toEqual([2, 5]);
        expect(list(np.identity(2))).toEqual([[1, 0], [0, 1]]);
        expect(list(np.tri(2, 3, 1, "int32"))).toEqual([[1, 1, 0], [1, 1, 1]]);
        expect(list(np.triu(iota([2, 3]), -1))).toEqual([[0, 1, 2], [3, 4, 5]]);
        expect(list(np.tril(iota([2, 2, 2])))).toEqual([[[0, 0], [2, 3]], [[4, 0], [6, 7]]]);
        expect(list(np.onesLike(np.array([1.5]), "int32"))).toEqual([1]);
      });
    });

    describe("indexing: get", () => {
      const x = iota([3, 4, 5]);

      it("basic: ints, slices (strings or s()), new axes, ellipsis", () => {
        expect(list(np.get(x, 1, 2))).toEqual([30, 31, 32, 33, 34]);
        expect(np.get(x, ":", null, 0, "1:3").shape).toEqual([3, 1, 2]);
        expect(list(np.get(x, "...", -1, s(null, null, 2)))).toEqual(list(np.get(x, ":", 3, "::2")));
        expect(list(np.get(x, 0, 0, "::-2"))).toEqual([4, 2, 0]);
        expect(list(np.get(x, 0, 0, s(1, 4)))).toEqual([1, 2, 3]);
        expect(list(np.get(x, 0, 0, s(3)))).toEqual([0, 1, 2]); // s(stop), like Python's slice(3)
        expect(np.get(x, "5:").shape).toEqual([0, 4, 5]);
        expect(x.get(2, "...").shape).toEqual([4, 5]);
      });

      it("advanced: numpy's placement of the broadcast index dimensions", () => {
        // adjacent advanced indices keep their place
        expect(np.get(x, ":", [0, 2], [1, 1]).shape).toEqual([3, 2]);
        expect(list(np.get(x, ":", [0, 2], [1, 1]))).toEqual([[1, 11], [21, 31], [41, 51]]);
        // separated by a slice: the index dimensions go first
        expect(np.get(x, [0, 1], ":", [2, 3]).shape).toEqual([2, 4]);
        expect(list(np.get(x, [0, 1], ":", [2, 3]))).toEqual([[2, 7, 12, 17], [23, 28, 33, 38]]);
        // an int with an array counts as an advanced index (x[0, :, [1, 2]] has shape (2, 4))
        expect(np.get(x, 0, ":", [1, 2]).shape).toEqual([2, 4]);
        // 2-D index arrays, negative entries, slices after
        expect(list(np.get(x, [[0], [-1]], 0, "1:3"))).toEqual([[[1, 2]], [[41, 42]]]);
        // a concrete bool mask
        expect(list(np.get(np.array([5, 6, 7]), np.array([true, false, true])))).toEqual([5, 7]);
      });

      it("traced indices under jit (gather), also as the method form", () => {
        const f = jit((a: Value, i: Value) => a.get(i, "::2", -1));
        expect(list(f(x, np.array(2, "int32")))).toEqual([44, 54]);
        expect(list(f(x, np.array(-1, "int32")))).toEqual([44, 54]);
        expect(() => f(x, np.array(2))).toThrow(/get: array indices must be integers .* np.array\(2, "int32"\)/);
      });

      it("errors name the function, the index and the shape", () => {
        expect(() => np.get(x, 3)).toThrow(/get: index 3 is out of bounds for axis 0 with size 3/);
        expect(() => np.get(x, 0, 0, 0, 0)).toThrow(/too many indices for an array of shape \[3, 4, 5\]/);
        expect(() => np.get(x, "...", "...")).toThrow(/only one "\.\.\."/);
        expect(() => np.get(x, "a:b")).toThrow(/cannot read index "a:b"/);
        expect(() => jit((a: Value, m: Value) => a.get(m))(np.array([1, 2]), np.array([true, false]))).toThrow(/bool mask .* jit/);
      });
    });

    describe("indexing: at (functional updates)", () => {
      const host = (v: Value) => values(v);

      it("set / add / mul / min / max on ints and slices (dynamic_update_slice path)", () => {
        const x = iota([3, 4]);
        expect(list(x.at(1, "1:3").set(0))).toEqual([[0, 1, 2, 3], [4, 0, 0, 7], [8, 9, 10, 11]]);
        expect(list(x.at(-1).add([1, 2, 3, 4]))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [9, 11, 13, 15]]);
        expect(list(x.at(":", 0).mul(10))).toEqual([[0, 1, 2, 3], [40, 5, 6, 7], [80, 9, 10, 11]]);
        expect(list(x.at(0).min(1))).toEqual([[0, 1, 1, 1], [4, 5, 6, 7], [8, 9, 10, 11]]);
        expect(list(x.at(2, "...").max(9))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [9, 9, 10, 11]]);
        expect(list(x.at(1).get())).toEqual([4, 5, 6, 7]);
      });

      it("advanced indices scatter; repeated indices accumulate for add; out-of-range ones are dropped", () => {
        const x = np.zeros([5], "int32");
        expect(host(x.at([0, 0, 3, -1, 9]).add(1))).toEqual([2, 0, 0, 1, 1]);
        const m = iota([3, 4]);
        expect(list(m.at([2, 0], "1:3").set(-1))).toEqual([[0, -1, -1, 3], [4, 5, 6, 7], [8, -1, -1, 11]]);
        expect(list(m.at(":", [3, 0]).set([[1, 2]]))).toEqual([[2, 1, 2, 1], [2, 5, 6, 1], [2, 9, 10, 1]]);
        expect(list(m.at([0, 2], [1, 3]).add(100))).toEqual([[0, 101, 2, 3], [4, 5, 6, 7], [8, 9, 10, 111]]);
        // separated advanced indices: updates are laid out index-dims first, as for get
        const t = iota([2, 3, 2]);
        const u = t.at([0, 1], ":", [1, 0]).set([[-1, -2, -3], [-4, -5, -6]]);
        expect(list(np.get(u, [0, 1], ":", [1, 0]))).toEqual([[-1, -2, -3], [-4, -5, -6]]);
      });

      it("strided and reversed slices update the right elements", () => {
        const x = np.arange(8);
        expect(host(x.at("::3").set(-1))).toEqual([-1, 1, 2, -1, 4, 5, -1, 7]);
        expect(host(x.at("::-2").add([10, 20, 30, 40]))).toEqual([0, 41, 2, 33, 4, 25, 6, 17]);
        expect(list(iota([2, 4]).at([1], "::2").set(0))).toEqual([[0, 1, 2, 3], [0, 5, 0, 7]]);
      });

      it("works with traced indices and values under jit", () => {
        const f = jit((a: Value, i: Value, v: Value) => a.at(i).set(v));
        expect(host(f(np.zeros([4]), np.array(2, "int32"), np.array(7.5)))).toEqual([0, 0, 7.5, 0]);
        const g = jit((a: Value, i: Value) => a.at(i).add(1));
        expect(host(g(np.zeros([4], "int32"), np.array([1, 1, 3], "int32")))).toEqual([0, 2, 0, 1]);
      });
    });

    describe("einsum", () => {
      const mk = (shape: number[], seed: number) => ({ shape, data: Array.from({ length: shape.reduce((p, q) => p * q, 1) }, (_, i) => ((i * 37 + seed * 11) % 9) - 4) });
      const cases: [string, number[][]][] = [
        ["ij,jk->ik", [[2, 3], [3, 4]]],
        ["bij,bjk->bik", [[2, 2, 3], [2, 3, 2]]],
        ["i,i->", [[5], [5]]],
        ["ij->ji", [[2, 3]]],
        ["ii->i", [[3, 3]]],
        ["ii->", [[3, 3]]],
        ["ij->", [[2, 3]]],
        ["ij->j", [[2, 3]]],
        ["i,j->ij", [[3], [2]]],
        ["ijk,ikl->jl", [[2, 3, 4], [2, 4, 2]]],
        ["bhqd,bhkd->bhqk", [[1, 2, 3, 4], [1, 2, 2, 4]]],
        ["ij,jk,kl->il", [[2, 3], [3, 2], [2, 4]]],
        ["iij,jk->ik", [[2, 2, 3], [3, 2]]],
        ["ab,cd->abcd", [[2, 1], [1, 3]]],
      ];
      for (const [spec, shapes] of cases)
        it(spec, () => {
          const hs = shapes.map((sh, k) => mk(sh, k + 1));
          const want = einsumRef(spec, ...hs);
          const got = np.einsum(spec, ...hs.map((h) => np.reshape(np.array(h.data, "float32"), h.shape)));
          expect(got.shape).toEqual(want.shape);
          expect(values(got).map((v) => v + 0)).toEqual(want.data); // +0: XLA may give -0 for 0 * -x
        });

      it("implicit output and ellipsis broadcasting", () => {
        const a = np.reshape(np.arange(12, null, 1, "float32"), [2, 2, 3]);
        const b = np.reshape(np.arange(6, null, 1, "float32"), [3, 2]);
        expect(values(np.einsum("...ij,jk", a, b))).toEqual(values(np.matmul(a, b)));
        expect(values(np.einsum("...ij,jk->...ik", a, b))).toEqual(values(np.matmul(a, b)));
        expect(values(np.einsum("ij,jk", b, np.ones([2, 4])))).toEqual(values(np.matmul(b, np.ones([2, 4]))));
      });

      it("errors name the subscripts", () => {
        expect(() => np.einsum("ij,jk->ik", np.zeros([2, 3]), np.zeros([4, 2]))).toThrow(/einsum: label "j" has size 3 .* 4/);
        expect(() => np.einsum("ij->k", np.zeros([2, 3]))).toThrow(/output subscript "k"/);
        expect(() => np.einsum("ijk->", np.zeros([2, 3]))).toThrow(/rank 2/);
      });
    });

    describe("products", () => {
      it("matmul with 1-D operands and batch broadcasting", () => {
        const a = np.reshape(np.arange(24, null, 1, "float32"), [2, 1, 3, 4]);
        const b = np.reshape(np.arange(20, null, 1, "float32"), [5, 4, 1]);
        expect(np.matmul(a, b).shape).toEqual([2, 5, 3, 1]);
        expect(np.matmul(np.ones([4]), b).shape).toEqual([5, 1]);
        expect(np.matmul(a, np.ones([4])).shape).toEqual([2, 1, 3]);
        expect(values(np.matmul(np.ones([3, 4]), np.ones([4])))).toEqual([4, 4, 4]);
        expect(() => np.matmul(np.ones([2, 3]), np.ones([4, 2]))).toThrow(/matmul: .*\[2, 3\] and \[4, 2\]/);
      });

      it("dot, vdot, inner, outer, tensordot", () => {
        const a = np.reshape(np.arange(6, null, 1, "float32"), [2, 3]);
        const b = np.reshape(np.arange(12, null, 1, "float32"), [2, 3, 2]);
        expect(np.dot(a, b).shape).toEqual([2, 2, 2]);
        expect(values(np.vdot(a, a))).toEqual([55]);
        expect(values(np.inner(a, a))).toEqual([5, 14, 14, 50]);
        expect(values(np.outer([1, 2], [3, 4]))).toEqual([3, 4, 6, 8]);
        expect(values(np.tensordot(a, a, [[0, 1], [0, 1]]))).toEqual([55]);
        expect(np.tensordot(b, a, [[0, 1], [0, 1]]).shape).toEqual([2]);
      });
    });

    describe("manipulation", () => {
      it("split, tile, repeat, roll, pad, flip, stack", () => {
        const x = np.arange(6);
        expect(np.split(x, [2, 5]).map((p) => values(p))).toEqual([[0, 1], [2, 3, 4], [5]]);
        expect(np.arraySplit(x, 4).map((p) => p.shape[0])).toEqual([2, 2, 1, 1]);
        expect(() => np.split(x, 4)).toThrow(/split: axis 0 of size 6 cannot be split into 4 equal sections/);
        expect(values(np.tile(np.array([1, 2]), [2, 2]))).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
        expect(values(np.repeat(np.array([1, 2]), 2))).toEqual([1, 1, 2, 2]);
        expect(values(np.repeat(np.array([1, 2, 3]), [2, 0, 1]))).toEqual([1, 1, 3]);
        expect(values(np.roll(x, 2))).toEqual([4, 5, 0, 1, 2, 3]);
        expect(values(jit((a: Value, k: Value) => np.roll(a, k))(x, np.array(-1, "int32")))).toEqual([1, 2, 3, 4, 5, 0]);
        expect(values(np.pad(np.array([1, 2]), [1, 2], { mode: "edge" }))).toEqual([1, 1, 2, 2, 2]);
        expect(values(np.flip(np.reshape(x, [2, 3]), 1))).toEqual([2, 1, 0, 5, 4, 3]);
        expect(np.stack([x, x], -1).shape).toEqual([6, 2]);
        expect(() => np.stack([x, np.arange(5)])).toThrow(/stack: array 1 has shape \[5\]/);
        expect(() => np.concatenate([np.zeros([2, 3]), np.zeros([2, 4])])).toThrow(/concatenate: array 1 has shape \[2, 4\]/);
        expect(() => np.reshape(x, [4, -1])).toThrow(/reshape: cannot reshape an array of shape \[6\] \(size 6\) into shape \[4, -1\]/);
        expect(() => np.squeeze(np.zeros([2, 1]), 0)).toThrow(/squeeze: cannot squeeze axis 0/);
      });

      it("take modes and takeAlongAxis", () => {
        const x = np.array([10, 20, 30], "float32");
        expect(values(np.take(x, [-1, 5], null, "wrap"))).toEqual([30, 30]);
        expect(values(np.take(x, np.array([-1, 5], "int32"), null, "clip"))).toEqual([10, 30]);
        const f = values(np.take(x, [-1, 5]));
        expect(f[0]).toBe(30);
        expect(f[1]).toBeNaN();
        const m = np.reshape(np.arange(6), [2, 3]);
        expect(values(np.takeAlongAxis(m, [[2], [0]], 1))).toEqual([2, 3]);
      });
    });

    describe("elementwise extras", () => {
      it("math beyond the fixtures", () => {
        expect(values(np.exp2(np.array([3], "float32")))).toEqual([8]);
        expect(values(np.log2(np.array([8], "float32")))[0]).toBeCloseTo(3, 6);
        expect(values(np.log10(np.array([1000], "float32")))[0]).toBeCloseTo(3, 6);
        expect(values(np.arcsin(np.array([0.5], "float32")))[0]).toBeCloseTo(Math.asin(0.5), 6);
        expect(values(np.arccos(np.array([0.5], "float32")))[0]).toBeCloseTo(Math.acos(0.5), 6);
        expect(values(np.sinh(np.array([0.5], "float32")))[0]).toBeCloseTo(Math.sinh(0.5), 6);
        expect(values(np.arctanh(np.array([0.5], "float32")))[0]).toBeCloseTo(Math.atanh(0.5), 6);
        expect(values(np.arcsinh(np.array([-2], "float32")))[0]).toBeCloseTo(Math.asinh(-2), 6);
        expect(values(np.round(np.array([1234], "int32"), 1))).toEqual([1234]);
        expect(values(np.round(np.array([1.25, 2.5], "float32"), 1))).toEqual([1.2000000476837158, 2.5]);
        expect(values(np.isclose(np.array([1, 1.1]), 1))).toEqual([1, 0]);
        expect(values(np.reciprocal(np.array([2], "float32")))).toEqual([0.5]);
        expect(values(np.power(np.array([2], "float32"), -2))).toEqual([0.25]);
        expect(values(np.rightShift(np.array([0xf0000000], "uint32"), 28))).toEqual([15]);
        expect(values(np.bitwiseAnd(np.array([0x12345678], "uint32"), 0xffff0000))).toEqual([0x12340000]);
      });

      it("errors for wrong dtypes name the function", () => {
        expect(() => np.subtract(np.array([true]), np.array([false]))).toThrow(/subtract: .*logicalXor/);
        expect(() => np.bitwiseAnd(np.array([1.5]), 1)).toThrow(/bitwiseAnd: needs integer or bool operands/);
        expect(() => np.power(np.array([2], "int32"), -1)).toThrow(/power: integers cannot be raised to a negative power/);
        expect(() => np.array([1]).astype("int16" as never)).toThrow(/astype: unknown dtype "int16"/);
      });
    });

    describe("array methods", () => {
      it("mirror the numpy functions", () => {
        const x = np.reshape(np.arange(6, null, 1, "float32"), [2, 3]);
        expect(values(x.add(1).mul(2).sub(2).div(2))).toEqual(values(x));
        expect(x.T.shape).toEqual([3, 2]);
        expect(values(x.sum(1))).toEqual([3, 12]);
        expect(x.mean(0, true).shape).toEqual([1, 3]);
        expect(values(x.max({ axis: 1, keepdims: true }))).toEqual([2, 5]);
        expect(values(x.argmax(1))).toEqual([2, 2]);
        expect(values(x.reshape([3, 2]).transpose([1, 0]))).toEqual(values(x.reshape([3, 2]).T));
        expect(values(x.matmul(x.T))).toEqual([5, 14, 14, 50]);
        expect(x.astype("int32").dtype).toBe("int32");
        expect(values(x.gt(2).astype("int32"))).toEqual([0, 0, 0, 1, 1, 1]);
        expect(x.sum().item()).toBe(15);
        expect(x.expandDims(0).squeeze().shape).toEqual([2, 3]);
        expect(x.flatten().shape).toEqual([6]);
        expect(values(x.clip(1, 4).ravel())).toEqual([1, 1, 2, 3, 4, 4]);
        expect(values(x.cumsum())).toEqual([0, 1, 3, 6, 10, 15]);
        expect(x.std().item()).toBeCloseTo(Math.sqrt(35 / 12), 5);
        expect(values(np.array([3, 1, 2]).argsort())).toEqual([1, 2, 0]);
        expect(() => x.item()).toThrow(/only one-element arrays/);
        expect(() => jit((a: Value) => np.array(a.sum().item()))(x)).toThrow(/item\(\): a traced value/);
      });
    });

    describe("reductions extras", () => {
      it("where= masks, initial=, dtype=", () => {
        const x = np.array([[1, 2], [3, 4]], "float32");
        const m = np.array([[true, false], [true, true]]);
        expect(values(np.sum(x, { where: m }))).toEqual([8]);
        expect(values(np.mean(x, { axis: 1, where: m }))).toEqual([1, 3.5]);
        expect(values(np.max(x, { axis: 0, where: m, initial: 0 }))).toEqual([3, 4]);
        expect(() => np.max(x, { where: m })).toThrow(/max: a where= mask needs initial=/);
        expect(np.sum(np.array([1, 2], "uint8")).dtype).toBe("uint32");
        expect(np.sum(x, { dtype: "int32" }).dtype).toBe("int32");
        expect(values(np.var(x, { axis: 0, ddof: 1 }))).toEqual([2, 2]);
        expect(() => np.sum(x, 2)).toThrow(/sum: axis 2 is out of bounds for an array of rank 2/);
        expect(() => np.argmax(np.zeros([0]))).toThrow(/argmax: attempt to get argmax of an empty sequence/);
      });

      it("logsumexp with b, softmax sums to one, oneHot axis", () => {
        const x = np.array([1, 2, 3], "float32");
        expect(values(np.logsumexp(x, { b: np.array([1, 0, 1], "float32") }))[0]).toBeCloseTo(Math.log(Math.E + Math.E ** 3), 5);
        expect(values(np.sum(np.softmax(x)))[0]).toBeCloseTo(1, 6);
        expect(np.oneHot(np.array([0, 2]), 3, { axis: 0 }).shape).toEqual([3, 2]);
        expect(values(np.oneHot(np.array([0, 2]), 3, { axis: 0 }))).toEqual([1, 0, 0, 0, 0, 1]);
      });
    });
  });
