// Transformations of the reduce, sort, dot and conv families beyond the registry-wide suite
// (test/lax/transforms.test.ts): vmap with batch axes other than 0 and other operands left
// unbatched, gradients worked out by hand (ties, zeros, permutations), forward vs reverse
// Jacobians, second derivatives, and jit(grad) / jit(vmap) on XLA against the ref backend.
import { afterEach, describe, expect, it } from "vitest";
import { Array, backendName, jit, setBackend, vjp, vmap, grad, jacfwd, jacrev, type Value } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import type { DType } from "../../src/xla/dtype.js";
import { rng } from "./samples/gen.js";
import { asList, expectClose, mk, nums } from "./samples/check.js";
import { arr, vals } from "../core/helpers.js";

const initial = backendName();
afterEach(() => setBackend(initial));
const withXla = process.env.XLA_TS_BACKEND !== "ref";

const f64 = (xs: number[], shape: number[] = [xs.length]) => mk(xs, shape, "float64");
const i32 = (xs: number[], shape: number[] = [xs.length]) => arr(xs, shape, "int32");
/** Seeded normal-ish values. */
function randn(shape: number[], seed: number, dtype: DType = "float32"): Array {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return mk(Float64Array.from({ length: n }, () => r() + r() + r() - 1.5), shape, dtype);
}


// --- gradients worked out by hand ---------------------------------------------------------------

/** Cotangents of all inputs of f for the cotangent `ct` (default ones). */
function vjpWith(f: (...xs: Value[]) => Value, xs: Value[], ct?: number[]): number[][] {
  const [out, back] = vjp(f, ...xs);
  const o = out as Value;
  const c = mk(ct ?? new Float64Array(o.size).fill(1), o.shape, o.dtype);
  return (back(c as never) as Value[]).map(vals);
}

describe.each(withXla ? (["ref", "xla"] as const) : (["ref"] as const))("gradients by hand on %s", (backend) => {
  it("reduce_max / reduce_min split the cotangent evenly among ties", () => {
    setBackend(backend);
    expect(vjpWith((x) => lax.reduceMax(x, [0]), [arr([1, 3, 3, 2])])[0]).toEqual([0, 0.5, 0.5, 0]);
    expect(vjpWith((x) => lax.reduceMin(x, [0, 1]), [arr([1, 0, 4, 0, 0, 2], [2, 3])], [6])[0]).toEqual([0, 2, 0, 2, 2, 0]);
    expect(vjpWith((x) => lax.reduceMax(x, [1]), [arr([1, 5, 5, 7, 2, 7], [2, 3])], [2, 4])[0]).toEqual([0, 1, 1, 2, 0, 2]);
  });

  it("reduce_prod and cumprod are exact through zeros", () => {
    setBackend(backend);
    expect(vjpWith((x) => lax.reduceProd(x, [0]), [arr([2, 0, 3])])[0]).toEqual([0, 6, 0]);
    expect(vjpWith((x) => lax.reduceProd(x, [0]), [arr([0, 0, 3])])[0]).toEqual([0, 0, 0]);
    expect(vjpWith((x) => lax.reduceProd(x, [0, 2]), [arr([2, 0, 3, 4, 5, 1], [2, 1, 3])])[0]).toEqual([0, 120, 0, 0, 0, 0]);
    // cumprod [2, 0, 3] = [2, 0, 0]: d/dx0 = 1 + x1 + x1 x2, d/dx1 = x0 + x0 x2, d/dx2 = x0 x1.
    expect(vjpWith((x) => lax.cumprod(x, 0), [arr([2, 0, 3])])[0]).toEqual([1, 8, 0]);
    expect(vjpWith((x) => lax.cumprod(x, 0, true), [arr([2, 0, 3])])[0]).toEqual([0, 9, 1]);
  });

  it("cumsum's VJP is a reverse cumsum; cummax / cummin route to where the running extreme was first reached", () => {
    setBackend(backend);
    expect(vjpWith((x) => lax.cumsum(x, 0), [arr([1, 2, 3])])[0]).toEqual([3, 2, 1]);
    expect(vjpWith((x) => lax.cumsum(x, 1, true), [arr([1, 2, 3, 4], [2, 2])], [1, 2, 3, 4])[0]).toEqual([1, 3, 3, 7]);
    expect(vjpWith((x) => lax.cummax(x, 0), [arr([1, 3, 2, 3, 5])])[0]).toEqual([1, 3, 0, 0, 1]);
    expect(vjpWith((x) => lax.cummax(x, 0, true), [arr([1, 3, 2, 3, 5])])[0]).toEqual([0, 0, 0, 0, 5]);
    expect(vjpWith((x) => lax.cummin(x, 0, true), [arr([2, 1, 3, 1])])[0]).toEqual([0, 0, 0, 4]);
    expect(vjpWith((x) => lax.cummin(x, 1), [arr([2, 1, 3, 4, 4, 0], [2, 3])], [1, 2, 3, 4, 5, 6])[0]).toEqual([1, 5, 0, 9, 0, 6]);
  });

  it("sort and top_k send each cotangent back to the position it came from", () => {
    setBackend(backend);
    expect(vjpWith((x) => lax.sort(x), [arr([3, 1, 2])], [10, 20, 30])[0]).toEqual([30, 10, 20]);
    // Payload follows the key; the int key gets no cotangent (a zero array).
    const [gk, gv] = vjpWith((k, v) => lax.sort([k, v], { dimension: 0 })[1]!, [i32([2, 0, 1, 0]), arr([1, 2, 3, 4])], [10, 20, 30, 40]);
    expect(gk).toEqual([0, 0, 0, 0]);
    expect(gv).toEqual([40, 10, 30, 20]);
    expect(vjpWith((x) => lax.topK(x, 2)[0], [arr([1, 5, 3, 5])], [10, 20])[0]).toEqual([0, 10, 0, 20]);
    expect(vjpWith((x) => lax.topK(x, 1)[0], [arr([1, 5, 3, 9, 2, 4], [2, 3])], [7, 8])[0]).toEqual([0, 7, 0, 8, 0, 0]);
  });

  it("argmax / argmin and reduce_or are not differentiated: gradients through them are zero", () => {
    setBackend(backend);
    const f = (x: Value) => lax.mul(x, lax.broadcastInDim(lax.convertElementType(lax.argmax(x, 0), "float32"), [3], []));
    expect(vjpWith(f, [arr([1, 4, 2])], [1, 1, 1])[0]).toEqual([1, 1, 1]);
    const g = (x: Value) => lax.mul(x, lax.broadcastInDim(lax.convertElementType(lax.reduceOr(lax.gt(x, arr([3, 3, 3])), [0]), "float32"), [3], []));
    expect(vjpWith((x) => lax.reduceSum(g(x), [0]), [arr([1, 4, 2])], [1])[0]).toEqual([1, 1, 1]);
  });

  it("dot / conv with preferredElementType: the cotangents come back in the operands' dtype", () => {
    setBackend(backend);
    const a = mk([1, 2, 3, 4, 5, 6], [2, 3], "bfloat16");
    const b = mk([1, 0, -1, 2, 0.5, 1], [3, 2], "bfloat16");
    const [, back] = vjp((x: Value, y: Value) => lax.dot(x, y, "float32"), a, b);
    const [ga, gb] = back(mk([1, 1, 1, 1], [2, 2], "float32") as never) as Value[];
    expect([ga!.dtype, gb!.dtype]).toEqual(["bfloat16", "bfloat16"]);
    expect(globalThis.Array.from(nums(ga!))).toEqual([1, 1, 1.5, 1, 1, 1.5]);
    expect(globalThis.Array.from(nums(gb!))).toEqual([5, 5, 7, 7, 9, 9]);
    const x = mk([1, 2, 3, 4], [1, 1, 4], "bfloat16");
    const w = mk([1, -1], [1, 1, 2], "bfloat16");
    const [, cb] = vjp((p: Value, q: Value) => lax.convGeneralDilated(p, q, [1], "VALID", null, null, null, 1, 1, "float32"), x, w);
    const [gx, gw] = cb(mk([1, 1, 1], [1, 1, 3], "float32") as never) as Value[];
    expect([gx!.dtype, gw!.dtype]).toEqual(["bfloat16", "bfloat16"]);
    expect(globalThis.Array.from(nums(gx!))).toEqual([1, 0, 0, -1]);
    expect(globalThis.Array.from(nums(gw!))).toEqual([6, 9]);
  });
});

// --- forward vs reverse Jacobians and second derivatives (float64, ref) -----------------------

/** Central-difference directional derivative of f at x along u. */
function fdDir(f: (x: Value) => Value, x: Array, u: Float64Array): Float64Array {
  const eps = 1e-6;
  const at = (s: number) => nums(f(f64(globalThis.Array.from(nums(x), (v, k) => v + s * eps * u[k]!), [...x.shape])));
  const p = at(1);
  const m = at(-1);
  return Float64Array.from(p, (v, k) => (v - m[k]!) / (2 * eps));
}

describe("forward and reverse Jacobians agree; second derivatives match finite differences (float64, ref)", () => {
  const W = randn([4, 3], 11, "float64");
  const K = randn([4, 1, 3], 12, "float64");
  const cases: [string, (x: Value) => Value, number[]][] = [
    ["cumprod / cummax / reduce_prod", (x) => lax.concatenate([lax.cumprod(x, 1, true), lax.cummax(x, 0), lax.reshape(lax.reduceProd(x, [0]), [1, 4])], 0), [3, 4]],
    ["sort with payload / top_k", (x) => lax.concatenate([lax.sort([x, lax.mul(x, x)], { dimension: 1 })[1]!, lax.topK(x, 4)[0]], 0), [3, 4]],
    ["dot_general with batch dims", (x) => lax.dotGeneral(lax.reshape(x, [3, 4, 1]), lax.broadcastInDim(W, [3, 4, 3], [1, 2]), [[[1], [1]], [[0], [0]]]), [3, 4]],
    ["grouped conv", (x) => lax.convGeneralDilated(lax.reshape(x, [1, 2, 6]), K, [2], [[1, 1]], null, [2], ["NCW", "OIW", "NWC"], 2), [3, 4]],
  ];
  for (const [name, f, shape] of cases)
    it(name, () => {
      setBackend("ref");
      const x = randn(shape, 3, "float64");
      const jf = jacfwd(f)(x) as Value;
      const jr = jacrev(f)(x) as Value;
      expectClose(jf, jr, "jacfwd vs jacrev", 1e-9);
      // one column of the Jacobian against finite differences
      const u = Float64Array.from({ length: x.size }, (_, k) => (k === 5 ? 1 : 0));
      const col = fdDir(f, x, u);
      const jv = nums(jr);
      col.forEach((c, i) => expect(jv[i * x.size + 5]!).toBeCloseTo(c, 5));
    });

  it("grad of grad through dot_general and reduce_max", () => {
    setBackend("ref");
    const X = randn([5, 4], 21, "float64");
    // g(W) = sum_i max_j tanh(X W)_ij^2 ; h(W) = <grad g(W), V>: grad h is a Hessian-vector product.
    const g = (w: Value) => lax.reduceSum(lax.reduceMax(lax.mul(lax.tanh(lax.dot(X, w)), lax.tanh(lax.dot(X, w))), [1]), [0]);
    const V = randn([4, 3], 22, "float64");
    const h = (w: Value) => lax.reduceSum(lax.mul(grad(g)(w) as Value, V), [0, 1]);
    const hvp = nums(grad(h)(W) as Value);
    const U = nums(randn([4, 3], 23, "float64"));
    const dirs = fdDir((w) => grad(g)(w) as Value, W, U);
    const vv = nums(V);
    const lhs = dirs.reduce((s, d, k) => s + d * vv[k]!, 0);
    const rhs = hvp.reduce((s, d, k) => s + d * U[k]!, 0);
    expect(rhs).toBeCloseTo(lhs, 5);
  });
});

// --- jit on XLA against the ref backend ---------------------------------------------------------

/** Mean softmax cross-entropy of logits X W against one-hot labels Y. */
function xent(w: Value, x: Value, y: Value): Value {
  const z = lax.dot(x, w);
  const m = lax.reduceMax(z, [1]);
  const zs = lax.sub(z, lax.broadcastInDim(m, z.shape, [0]));
  const lse = lax.log(lax.reduceSum(lax.exp(zs), [1]));
  const logp = lax.sub(zs, lax.broadcastInDim(lse, z.shape, [0]));
  return lax.div(lax.neg(lax.reduceSum(lax.mul(y, logp), [0, 1])), arr([z.shape[0]!], []));
}

interface JitCase {
  name: string;
  args: () => Value[];
  f: (...xs: Value[]) => Value | Value[];
  tol?: number;
}

const oneHot = (labels: number[], k: number) => arr(labels.flatMap((l) => globalThis.Array.from({ length: k }, (_, j) => (j === l ? 1 : 0))), [labels.length, k]);

const gradCases: JitCase[] = [
  {
    name: "matmul + softmax cross-entropy: grad wrt W and X",
    args: () => [randn([4, 3], 1), randn([5, 4], 2), oneHot([0, 2, 1, 1, 0], 3)],
    f: (w, x, y) => grad(xent, { argnums: [0, 1] })(w!, x!, y!) as Value[],
  },
  {
    name: "conv NHWC with strides, feature groups and rhs dilation: grad wrt input and kernel",
    args: () => [randn([2, 7, 6, 4], 3), randn([3, 2, 2, 6], 4)],
    f: (x, w) => {
      const loss = (a: Value, b: Value) => {
        const o = lax.convGeneralDilated(a, b, [2, 1], "SAME", null, [1, 2], ["NHWC", "HWIO", "NHWC"], 2);
        return lax.reduceSum(lax.mul(o, lax.tanh(o)), [0, 1, 2, 3]);
      };
      return grad(loss, { argnums: [0, 1] })(x!, w!) as Value[];
    },
    tol: 1e-4,
  },
  {
    name: "conv with batch groups and lhs dilation: grad wrt input and kernel",
    args: () => [randn([4, 2, 5], 5), randn([6, 2, 3], 6)],
    f: (x, w) =>
      grad((a: Value, b: Value) => lax.reduceSum(lax.tanh(lax.convGeneralDilated(a, b, [1], [[1, 2]], [2], null, null, 1, 2)), [0, 1, 2]), { argnums: [0, 1] })(x!, w!) as Value[],
    tol: 1e-4,
  },
  {
    name: "sort / top_k / cumprod / cummin / reduce_prod / reduce_min through one loss",
    args: () => [randn([3, 6], 7)],
    f: (x) =>
      grad((a: Value) => {
        const s = lax.sort([a, lax.tanh(a)], { dimension: 1 })[1]!;
        const t = lax.topK(lax.mul(a, s), 3)[0];
        const c = lax.cumprod(lax.tanh(a), 0, true);
        const m = lax.cummin(a, 1);
        const all = lax.add(lax.reduceSum(t, [0, 1]), lax.add(lax.reduceProd(c, [0, 1]), lax.reduceSum(lax.mul(m, s), [0, 1])));
        return lax.add(all, lax.reduceMin(lax.mul(a, a), [0, 1]));
      })(x!) as Value,
  },
  {
    name: "grad of grad through dot_general and reduce_max",
    args: () => [randn([4, 3], 8), randn([5, 4], 9)],
    f: (w, x) => {
      const g = (v: Value) => lax.reduceSum(lax.reduceMax(lax.tanh(lax.dot(x!, lax.mul(v, v))), [1]), [0]);
      return grad((v: Value) => lax.reduceSum(lax.mul(grad(g)(v) as Value, v), [0, 1]))(w!) as Value;
    },
    tol: 1e-4,
  },
];

const vmapCases: (JitCase & { inAxes: (number | null)[] })[] = [
  {
    name: "argmax / argmin with the batch axis last and in the middle",
    args: () => [randn([3, 5, 4], 10)],
    inAxes: [2],
    f: (x) => [lax.argmax(x!, 1), lax.argmin(x!, 0), lax.reduceMax(x!, [1])],
  },
  {
    name: "sort of a batched key with an unbatched payload, along axis 0",
    args: () => [randn([6, 2, 3], 11), randn([6, 2], 12)],
    inAxes: [2, null],
    f: (k, v) => lax.sort([k!, v!], { dimension: 0 }),
  },
  {
    name: "top_k with the batch axis last (it moves) and first",
    args: () => [randn([2, 5, 3], 13), randn([3, 2, 5], 14)],
    inAxes: [2, 0],
    f: (x, y) => [...lax.topK(x!, 2), ...lax.topK(y!, 3)],
  },
  {
    name: "cumsum / cummax / cumprod with the batch axis at 1",
    args: () => [randn([4, 3, 5], 15)],
    inAxes: [1],
    f: (x) => [lax.cumsum(x!, 1, true), lax.cummax(x!, 0), lax.cumprod(x!, 1)],
  },
  {
    name: "dot_general: rhs-only batch, lhs-only batch, both",
    args: () => [randn([4, 3], 16), randn([3, 5, 2], 17), randn([4, 5, 3], 18)],
    inAxes: [null, 1, 1],
    f: (a, b, c) => [lax.dot(a!, b!), lax.dot(c!, lax.transpose(a!, [1, 0])), lax.dot(c!, lax.transpose(c!, [1, 0])), lax.dot(c!, b!)],
  },
  {
    name: "conv: rhs-only batch with feature groups, both batched",
    args: () => [randn([2, 4, 6], 19), randn([3, 4, 2, 2], 20)],
    inAxes: [null, 0],
    f: (x, w) => [lax.convGeneralDilated(x!, w!, [1], "SAME", null, null, null, 2), lax.convGeneralDilated(lax.reshape(w!, [4, 2, 2]), w!, [1], "VALID")],
  },
  {
    name: "per-example gradients of a matmul + softmax loss (vmap of grad)",
    args: () => [randn([4, 3], 21), randn([6, 4], 22), oneHot([0, 1, 2, 2, 1, 0], 3)],
    inAxes: [null, 0, 0],
    f: (w, x, y) => grad(xent)(w!, lax.reshape(x!, [1, 4]), lax.reshape(y!, [1, 3])) as Value,
  },
];

describe.skipIf(!withXla)("jit on XLA equals the ref backend", () => {
  for (const c of gradCases)
    it(`jit(grad): ${c.name}`, () => {
      setBackend("ref");
      const want = asList(c.f(...c.args()));
      setBackend("xla");
      const got = asList(jit((...xs: Value[]) => asList(c.f(...xs)))(...c.args()));
      got.forEach((g, k) => expectClose(g, want[k]!, `output ${k}`, c.tol ?? 1e-5));
    });
  for (const c of vmapCases)
    it(`jit(vmap): ${c.name}`, () => {
      setBackend("ref");
      const run = vmap((...xs: Value[]) => asList(c.f(...xs)), { inAxes: c.inAxes });
      const want = asList(run(...c.args()));
      setBackend("xla");
      const got = asList(jit(run)(...c.args()));
      got.forEach((g, k) => expectClose(g, want[k]!, `output ${k}`, c.tol ?? 1e-5));
    });
});
