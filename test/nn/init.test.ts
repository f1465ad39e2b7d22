// Initializers' properties (orthogonality over random shapes, variances, truncation bounds,
// the traced QR agreeing with the host one) and the modules' contract (shapes, params,
// RL-style per-layer inits, grads, vmap over keys and over params, errors).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grad, jit, vmap, type Value } from "../../src/core/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import * as tree from "../../src/pytree/index.js";
import { nn } from "../../src/nn/index.js";
import { qrPositive, qrPositiveHost } from "../../src/nn/qr.js";
import { values } from "../optim/fixture.js";

const maxAbsDiff = (a: Value, b: Value) => Math.max(0, ...values(np.abs(np.subtract(a, b))));
/** QᵀQ (rows ≥ cols) or QQᵀ (wide) minus gain²·I, as the largest |entry| (on the host: no compiles). */
function orthoError(q: Value, gain: number): number {
  const [r, c] = q.shape as [number, number];
  const v = values(q);
  const [n, m, at] = r >= c ? [r, c, (i: number, j: number) => v[i * c + j]!] : [c, r, (i: number, j: number) => v[j * c + i]!];
  let worst = 0;
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += at(i, a) * at(i, b);
      worst = Math.max(worst, Math.abs(s - (a === b ? gain * gain : 0)));
    }
  return worst;
}

function moments(x: Value): { mean: number; variance: number; maxAbs: number } {
  const v = values(x);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length, maxAbs: Math.max(...v.map(Math.abs)) };
}

describe("orthogonal", () => {
  it("QᵀQ = gain²·I over random shapes and gains (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom(1, Math.SQRT2, 0.01, 3), fc.nat(1000), (r, c, gain, seed) => {
        const q = nn.orthogonal(gain)(random.key(seed), [r, c]);
        expect(q.shape).toEqual([r, c]);
        expect(orthoError(q, gain)).toBeLessThan(2e-6 * Math.max(1, gain * gain));
      }),
      { numRuns: 12 },
    );
  });

  it("conv kernels: orthonormal over (h·w·in) × out, and over columnAxis", () => {
    const k = nn.orthogonal(Math.SQRT2)(random.key(3), [3, 3, 4, 8]);
    expect(orthoError(np.reshape(k, [36, 8]), Math.SQRT2)).toBeLessThan(5e-6);
    const k0 = nn.orthogonal(1, 0)(random.key(4), [5, 3, 4]);
    expect(orthoError(np.transpose(np.reshape(np.moveaxis(k0, 0, -1), [12, 5])), 1)).toBeLessThan(5e-6);
  });

  it("the traced (lax) QR equals the host QR, under jit and under vmap", () => {
    const keys = random.split(random.key(7), 3);
    const init = nn.orthogonal(0.5);
    const jitted = jit((k: Value) => init(k, [7, 5]))(keys.get(1));
    const eager = init(keys.get(1), [7, 5]);
    expect(maxAbsDiff(jitted, eager)).toBeLessThan(2e-6);
    const batched = vmap((k: Value) => init(k, [7, 5]))(keys);
    expect(batched.shape).toEqual([3, 7, 5]);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(batched.get(i), init(keys.get(i), [7, 5]))).toBeLessThan(2e-6);
  });

  it("qrPositive (lax) and qrPositiveHost agree, including rank-deficient and negative-pivot inputs", () => {
    const a = np.array(
      [
        [-2, 1, 1],
        [0, 0, 2],
        [0, 3, 3],
        [1, 1, 1],
      ],
      "float32",
    );
    const host = np.array(qrPositiveHost(values(a), 4, 3), "float32").reshape([4, 3]);
    expect(maxAbsDiff(qrPositive(a), host)).toBeLessThan(1e-6);
    // Q·R reproduces A with R = QᵀA upper triangular with a non-negative diagonal.
    const R = values(np.matmul(np.transpose(host), a));
    expect(R[0]! >= 0 && R[4]! >= 0 && R[8]! >= 0).toBe(true);
    expect(Math.abs(R[3]!) + Math.abs(R[6]!) + Math.abs(R[7]!)).toBeLessThan(1e-5);
    const zeroCol = np.array([[1, 0], [2, 0], [3, 0]], "float32");
    expect(values(np.isfinite(qrPositive(zeroCol))).every(Boolean)).toBe(true);
    expect(() => nn.orthogonal()(random.key(0), [5])).toThrow(/rank >= 2/);
  });
});

describe("variance scaling", () => {
  const cases = [
    { name: "lecunNormal", init: nn.lecunNormal(), shape: [256, 128], variance: 1 / 256, bound: (2 / 0.87962566103423978) * Math.sqrt(1 / 256) },
    { name: "heNormal (conv)", init: nn.heNormal(), shape: [3, 3, 16, 64], variance: 2 / 144, bound: (2 / 0.87962566103423978) * Math.sqrt(2 / 144) },
    { name: "heUniform", init: nn.heUniform(), shape: [256, 128], variance: 2 / 256, bound: Math.sqrt(6 / 256) },
    { name: "glorotUniform", init: nn.glorotUniform(), shape: [200, 100], variance: 2 / 300, bound: Math.sqrt(6 / 300) },
    { name: "glorotNormal", init: nn.glorotNormal(), shape: [200, 100], variance: 2 / 300, bound: (2 / 0.87962566103423978) * Math.sqrt(2 / 300) },
    { name: "lecunUniform", init: nn.lecunUniform(), shape: [300, 100], variance: 1 / 300, bound: Math.sqrt(3 / 300) },
  ];
  for (const c of cases)
    it(`${c.name}: variance within 5%, values within the truncation / uniform bound`, () => {
      const m = moments(c.init(random.key(11), c.shape));
      expect(Math.abs(m.mean)).toBeLessThan(3 * Math.sqrt(c.variance / 20000));
      expect(Math.abs(m.variance / c.variance - 1)).toBeLessThan(0.05);
      expect(m.maxAbs).toBeLessThanOrEqual(c.bound * (1 + 1e-6));
      // Truncation is tight: some samples come close to the bound.
      expect(m.maxAbs).toBeGreaterThan(c.bound * 0.9);
    });

  it("computeFans follows JAX (receptive field, custom axes, rank errors)", () => {
    expect(nn.computeFans([3, 3, 16, 32])).toEqual([144, 288]);
    expect(nn.computeFans([9, 4], -2, 0)).toEqual([4, 4]);
    expect(() => nn.computeFans([7])).toThrow(/rank >= 2/);
    expect(() => nn.varianceScaling(1, "fanMid" as never, "normal")).toThrow(/invalid mode/);
  });

  it("constant, zeros, ones, uniform(scale)", () => {
    expect(values(nn.constant(0.5)(random.key(0), [2, 2]))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(values(nn.zeros(random.key(0), [3]))).toEqual([0, 0, 0]);
    expect(values(nn.ones(random.key(0), [2]))).toEqual([1, 1]);
    const u = values(nn.uniform(0.1)(random.key(1), [1000]));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(0.1);
  });
});

/** The shape apply returns, from tracing only (no compile). */
const tracedShape = (m: nn.Module, params: unknown, x: Value) => jit((p: unknown, v: Value) => m.apply(p, v)).lower(params, x).jaxpr.outAvals[0]!.shape;

describe("modules", () => {
  it("outputShape matches apply for the encoders at their usual sizes", () => {
    const cases: [nn.Module, number[]][] = [
      [nn.NatureCNN({ kernelInit: nn.zeros }), [2, 84, 84, 4]],
      [nn.ImpalaCNN({ kernelInit: nn.zeros }), [3, 64, 64, 3]],
      [nn.ImpalaCNN({ kernelInit: nn.zeros, features: 0 }), [64, 64, 3]],
      [nn.Sequential([nn.Conv2d({ features: 5, kernelSize: 3, strides: 2, kernelInit: nn.zeros }), "relu", nn.flatten, nn.Dense({ features: 7, kernelInit: nn.zeros })]), [4, 2, 11, 9, 3]],
    ];
    for (const [m, s] of cases) {
      const p = m.init(random.key(0), s);
      expect(tracedShape(m, p, np.zeros(s)), m.name).toEqual(m.outputShape(s));
    }
    expect(nn.NatureCNN().outputShape([84, 84, 4])).toEqual([512]);
    expect(nn.ImpalaCNN({ features: 0 }).outputShape([64, 64, 3])).toEqual([8 * 8 * 32]);
  });

  it("RL-style per-layer inits: orthogonal √2 torso, 0.01 policy head, 1.0 value head", () => {
    const torso = { hiddenSizes: [64, 64], activation: "tanh", kernelInit: nn.orthogonal(Math.SQRT2) } as const;
    const actor = nn.MLP({ ...torso, outputSize: 6, lastKernelInit: nn.orthogonal(0.01) });
    const critic = nn.MLP({ ...torso, outputSize: 1, lastKernelInit: nn.orthogonal(1.0) });
    const [ka, kc] = nn.splitKeys(random.key(0), 2);
    const pa = actor.init(ka!, [8]);
    const pc = critic.init(kc!, [8]);
    expect(pa.map((l) => l.kernel.shape)).toEqual([
      [8, 64],
      [64, 64],
      [64, 6],
    ]);
    expect(orthoError(pa[1]!.kernel, Math.SQRT2)).toBeLessThan(1e-5);
    expect(orthoError(pa[2]!.kernel, 0.01)).toBeLessThan(1e-7);
    expect(orthoError(pc[2]!.kernel, 1)).toBeLessThan(2e-6);
    expect(values(pa[0]!.bias!).every((b) => b === 0)).toBe(true);
    expect(nn.paramCount(pa)).toBe(8 * 64 + 64 + 64 * 64 + 64 + 64 * 6 + 6);
    // Different keys, different params; the same key, the same params.
    expect(maxAbsDiff(actor.init(ka!, [8])[0]!.kernel, pa[0]!.kernel)).toBe(0);
  });

  it("Sequential: params are one entry per layer, activations by name or function", () => {
    const m = nn.Sequential([nn.Dense(4), "relu", nn.Dense({ features: 2, useBias: false }), nn.tanh, nn.LayerNorm()]);
    const p = m.init(random.key(1), [3]);
    expect(p.length).toBe(5);
    expect(tree.flattenWithPath(p)[0].map(([path]) => tree.keyPathString(path))).toEqual(["0.bias", "0.kernel", "2.kernel", "4.bias", "4.scale"]);
    const x = np.array([
      [1, -2, 0.5],
      [0, 1, 2],
    ]);
    const p0 = p[0] as nn.DenseParams;
    const p2 = p[2] as nn.DenseParams;
    const h = np.tanh(np.matmul(np.relu(np.add(np.matmul(x, p0.kernel), p0.bias!)), p2.kernel));
    const ln = nn.LayerNorm().apply(p[4] as never, h);
    expect(maxAbsDiff(m.apply(p, x), ln)).toBeLessThan(1e-6);
  });

  it("grads through Conv2d, maxPool and LayerNorm equal central finite differences (float64)", () => {
    const conv = nn.Conv2d({ features: 2, kernelSize: 3, strides: 1, dtype: "float64" });
    const ln = nn.LayerNorm({ dtype: "float64" });
    const x = np.astype(random.normal(random.key(2), [1, 5, 5, 2]), "float64");
    const pc = conv.init(random.key(3), x.shape);
    const pl = ln.init(random.key(4), [2]);
    const loss = (k: Value) => np.sum(np.square(ln.apply(pl, nn.maxPool(conv.apply({ kernel: k, bias: pc.bias }, x), 3, 2, "SAME"))));
    const g = values(jit(grad(loss))(pc.kernel));
    const lossJ = jit(loss);
    const k0 = values(pc.kernel);
    const eps = 1e-6;
    for (const i of [0, 7, 13, 20, 35]) {
      const bump = (d: number) => lossJ(np.array(k0.map((v, j) => (j === i ? v + d : v)), "float64").reshape(pc.kernel.shape));
      const fd = (values(bump(eps))[0]! - values(bump(-eps))[0]!) / (2 * eps);
      expect(Math.abs(fd - g[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
    }
  });

  it("vmap: an ensemble of inits over keys, and apply over stacked params", () => {
    const mlp = nn.MLP({ hiddenSizes: [5], outputSize: 2 });
    const keys = random.split(random.key(9), 4);
    const stacked = jit(vmap((k: Value) => mlp.init(k, [3])))(keys) as nn.MLPParams;
    expect(stacked[0]!.kernel.shape).toEqual([4, 3, 5]);
    const x = random.normal(random.key(10), [6, 3]);
    const ys = jit(vmap((p: nn.MLPParams) => mlp.apply(p, x)))(stacked);
    expect(ys.shape).toEqual([4, 6, 2]);
    const one = mlp.init(keys.get(2), [3]);
    expect(maxAbsDiff(stacked[0]!.kernel.get(2), one[0]!.kernel)).toBeLessThan(1e-6);
    expect(maxAbsDiff(ys.get(2), mlp.apply(one, x))).toBeLessThan(1e-5);
  });

  it("errors say which layer, what was expected and what came", () => {
    const d = nn.Dense(4);
    const p = d.init(random.key(0), [3]);
    expect(() => d.apply(p, np.ones([2, 5]))).toThrow(/Dense\(4\).*trailing dims must be \[3\].*\[2, 5\]/);
    expect(() => nn.Conv2d({ features: 2, kernelSize: 3 }).init(random.key(0), [4, 4])).toThrow(/rank >= 3/);
    expect(() => nn.Dense({ features: 0 })).toThrow(/positive integer/);
    expect(() => nn.MLP({ hiddenSizes: [4], activation: "swishy" })).toThrow(/unknown activation "swishy"/);
    expect(() => nn.Sequential([nn.Dense(2)]).apply([] as never, np.ones([2]))).toThrow(/array of 1 entries/);
    expect(() => nn.Embedding({ numEmbeddings: 3, features: 2 }).apply({ embedding: np.ones([3, 2]) }, np.ones([2]))).toThrow(/integer indices/);
  });
});
