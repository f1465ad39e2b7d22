// End to end: a two-hidden-layer MLP classifier fitted to two interleaved spirals (made with
// random) by Adam with a warmup-cosine learning rate, the whole loop jitted (a forLoop of
// train steps per call, params and optimizer state donated); asserts ≥ 95% accuracy.
import { describe, expect, it } from "vitest";
import { jit, valueAndGrad, type Value } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { nn } from "../../src/nn/index.js";
import { optim } from "../../src/optim/index.js";
import { values } from "../optim/fixture.js";

/** n points per class on two spirals (1.25 turns, the second rotated by π), with noise. */
function spirals(key: Value, n: number): { x: Value; y: Value } {
  const [kt, kn] = nn.splitKeys(key, 2);
  const t = np.sqrt(random.uniform(kt!, [n]));
  const theta = np.multiply(t, 2.5 * Math.PI);
  const r = np.add(0.15, t);
  const a = np.stack([np.multiply(r, np.cos(theta)), np.multiply(r, np.sin(theta))], 1);
  const pts = np.concatenate([a, np.negative(a)], 0);
  const x = np.add(pts, np.multiply(0.02, random.normal(kn!, [2 * n, 2])));
  const y = np.concatenate([np.zeros([n], "int32"), np.ones([n], "int32")], 0);
  return { x, y };
}

describe("training", () => {
  it("a jitted Adam loop fits an MLP classifier to two spirals with ≥ 95% accuracy", () => {
    const [kData, kInit, kTest] = nn.splitKeys(random.key(0), 3);
    const { x, y } = spirals(kData!, 200);
    const model = nn.MLP({ hiddenSizes: [64, 64], activation: "relu", outputSize: 2 });
    const params0 = model.init(kInit!, [2]);

    const steps = 600;
    const chunk = 100;
    const tx = optim.injectHyperparams(optim.adam)({
      learningRate: optim.warmupCosineDecaySchedule({ initValue: 0, peakValue: 0.02, warmupSteps: 50, decaySteps: steps, endValue: 0.001 }),
    });
    const lossFn = (p: nn.MLPParams, xb: Value, yb: Value) => {
      const logp = np.logSoftmax(model.apply(p, xb));
      return np.negative(np.mean(np.sum(np.multiply(np.oneHot(yb, 2), logp), -1)));
    };
    const accuracy = (p: nn.MLPParams, xb: Value, yb: Value) => np.mean(np.astype(np.equal(np.argmax(model.apply(p, xb), -1), yb), "float32"));
    type Carry = [nn.MLPParams, optim.InjectHyperparamsState, Value];
    const train = jit(
      (p: nn.MLPParams, s: optim.InjectHyperparamsState, xb: Value, yb: Value) =>
        lax.forLoop<Carry>(
          0,
          chunk,
          (_i, [pi, si]) => {
            const [loss, g] = valueAndGrad(lossFn)(pi, xb, yb);
            const [u, s2] = tx.update(g, si, pi);
            return [optim.applyUpdates(pi, u), s2, loss as Value];
          },
          [p, s, np.zeros([], "float32")],
        ),
      { donate: [0, 1] },
    );

    let params = params0;
    let state = tx.init(params);
    const before = values(accuracy(params, x, y))[0]!;
    const loss0 = values(lossFn(params, x, y))[0]!;
    const losses: number[] = [];
    for (let i = 0; i < steps / chunk; i++) {
      const [p, s, loss] = train(params, state, x, y);
      params = p;
      state = s;
      losses.push(values(loss)[0]!);
    }
    expect(train.cacheSize).toBe(1);
    expect(values(state.count)[0]).toBe(steps);
    // The learning rate used by the last step, readable from the state: the schedule at step 599.
    expect(values(state.hyperparams.learningRate)[0]).toBeCloseTo(values(optim.warmupCosineDecaySchedule({ initValue: 0, peakValue: 0.02, warmupSteps: 50, decaySteps: steps, endValue: 0.001 })(steps - 1))[0]!, 6);
    expect(loss0).toBeGreaterThan(0.5);
    expect(losses[losses.length - 1]!).toBeLessThan(0.05);
    const test = spirals(kTest!, 200);
    const trainAcc = values(accuracy(params, x, y))[0]!;
    const testAcc = values(accuracy(params, test.x, test.y))[0]!;
    expect(before).toBeLessThan(0.8);
    expect(trainAcc).toBeGreaterThanOrEqual(0.95);
    expect(testAcc).toBeGreaterThanOrEqual(0.95);
  });
});
