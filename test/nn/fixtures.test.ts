// nn against JAX: layers, encoders and activations on given params and inputs, and the
// initializers' values for the same key (xla-ts's PRNG is bit-exact with JAX's), from
// test/fixtures/nn.json (tools/fixtures_nn.py).
import { describe, expect, it } from "vitest";
import { jit, type Value } from "../../src/core/index.js";
import { random } from "../../src/random/index.js";
import * as tree from "../../src/pytree/index.js";
import { nn, type Initializer, type Module } from "../../src/nn/index.js";
import { fxArray, fxTree, loadFixture, values, type FxArray } from "../optim/fixture.js";

interface Case {
  id: string;
  kind: string;
  config: any;
  params: unknown;
  x: FxArray;
  y: FxArray;
}
const fx = loadFixture<{ layers: Case[]; encoders: Case[]; activations: any[]; initializers: any[] }>("nn.json");

/** |a − b| ≤ tol · max(1, max|b|) elementwise, and equal shapes. */
function expectClose(a: Value, b: Value, tol: number, what: string): void {
  expect(a.shape, what).toEqual(b.shape);
  const av = values(a);
  const bv = values(b);
  const scale = Math.max(1, ...bv.map(Math.abs));
  let worst = 0;
  av.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - bv[i]!))));
  expect(worst / scale, `${what}: worst |diff| ${worst}`).toBeLessThanOrEqual(tol);
}

// `kernelInit` overrides the default (orthogonal for the encoders) where only shapes matter.
function moduleFor(c: Case, kernelInit?: Initializer): Module {
  const k = kernelInit ? { ...c.config, kernelInit } : c.config;
  switch (c.kind) {
    case "dense":
      return nn.Dense(k);
    case "conv":
      return nn.Conv2d(k);
    case "layer_norm":
      return nn.LayerNorm(k);
    case "embedding":
      return nn.Embedding(k);
    case "max_pool":
      return nn.MaxPool(k.window, k.strides, k.padding);
    case "nature_cnn":
      return nn.NatureCNN(k);
    case "impala_cnn":
      return nn.ImpalaCNN(k);
    case "mlp":
      return nn.MLP(k);
  }
  throw new Error(`unknown kind ${c.kind}`);
}

const EAGER = new Set(["dense/3d_nobias", "conv/3x3_s2_same", "conv/two_batch_axes", "max_pool/3x3_s2_same", "layer_norm/default", "embedding"]);

describe("layers and encoders equal JAX's computation", () => {
  for (const c of [...fx.layers, ...fx.encoders]) {
    it(c.id, () => {
      const m = moduleFor(c);
      const params = fxTree(c.params);
      const x = fxArray(c.x);
      const want = fxArray(c.y);
      expect(m.outputShape(x.shape)).toEqual(want.shape);
      // init makes params of the fixture's structure and shapes.
      const fresh = moduleFor(c, nn.zeros).init(random.key(0), x.shape);
      expect(tree.map((l: Value) => l.shape, fresh)).toEqual(tree.map((l: Value) => l.shape, params));
      // Eager (one program per op) for one case of each layer; everything jitted.
      if (EAGER.has(c.id)) expectClose(m.apply(params, x), want, 2e-5, `${c.id} eager`);
      expectClose(jit((p: unknown, v: Value) => m.apply(p, v))(params, x), want, 2e-5, `${c.id} jit`);
    });
  }
});

describe("activations equal jax.nn's", () => {
  for (const c of fx.activations) {
    it(c.id, () => {
      const x = fxArray(c.x);
      const f = (nn as any)[c.fn] as (...a: unknown[]) => Value;
      const extra = c.fn === "elu" ? [c.kwargs.alpha ?? 1] : c.fn === "leakyRelu" ? [c.kwargs.negativeSlope ?? 0.01] : c.fn === "gelu" ? [c.kwargs.approximate] : [];
      const y = f(x, ...extra);
      const want = values(fxArray(c.y));
      values(y).forEach((v, i) => expect(Math.abs(v - want[i]!), `${c.id} at x=${values(x)[i]}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(want[i]!))));
    });
  }
});

const INITS: Record<string, () => Initializer> = {
  lecun_normal: () => nn.lecunNormal(),
  lecun_uniform: () => nn.lecunUniform(),
  he_normal: () => nn.heNormal(),
  he_uniform: () => nn.heUniform(),
  glorot_normal: () => nn.glorotNormal(),
  glorot_uniform: () => nn.glorotUniform(),
  "variance_scaling/fan_out_normal": () => nn.varianceScaling(0.5, "fanOut", "normal"),
  "variance_scaling/embed": () => nn.varianceScaling(1, "fanIn", "normal", { outAxis: 0 }),
  uniform: () => nn.uniform(0.05),
  normal: () => nn.normal(0.1),
  truncated_normal: () => nn.truncatedNormal(0.3),
  constant: () => nn.constant(0.7),
  "orthogonal/sqrt2_tall": () => nn.orthogonal(Math.SQRT2),
  "orthogonal/wide": () => nn.orthogonal(1),
  "orthogonal/square_0.01": () => nn.orthogonal(0.01),
  "orthogonal/conv": () => nn.orthogonal(Math.SQRT2),
  "orthogonal/column_axis0": () => nn.orthogonal(1, 0),
};

describe("initializers give JAX's values for the same key", () => {
  for (const c of fx.initializers) {
    it(`${c.id}: ${c.call}`, () => {
      const y = INITS[c.id]!()(random.key(c.seed), c.shape);
      // Samplers are bit-exact up to XLA's transcendental rounding; the Householder QR differs
      // from LAPACK's in rounding only.
      expectClose(y, fxArray(c.y), c.id.startsWith("orthogonal") ? 2e-5 : 1e-6, c.id);
    });
  }
});
