// optim beyond the optax fixtures: masks, injected hyperparameters changed between jitted
// steps, target-network updates, vmap over a population, and the error messages.
import { describe, expect, it } from "vitest";
import { jit, vmap, type Value } from "../../src/core/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { optim } from "../../src/optim/index.js";
import { expectTreeClose, values } from "./fixture.js";

const params = () => ({ dense: { kernel: np.array([[1, -2], [3, 0.5]], "float32"), bias: np.array([0.5, -1], "float32") } });
const grads = () => ({ dense: { kernel: np.array([[0.1, 0.2], [-0.3, 0.4]], "float32"), bias: np.array([1, 2], "float32") } });

describe("masks", () => {
  it("a mask function: weight decay on kernels only", () => {
    const p = params();
    const g = grads();
    const tx = optim.addDecayedWeights(0.1, (_t: any) => ({ dense: { kernel: true, bias: false } }));
    const [u] = tx.update(g, tx.init(p), p);
    expectTreeClose(u, { dense: { kernel: np.add(g.dense.kernel, np.multiply(0.1, p.dense.kernel)), bias: g.dense.bias } }, 1e-7, 0);
  });

  it("masked() keeps the unmasked leaves out of the inner state and passes them through", () => {
    const tx = optim.masked(optim.sgd({ learningRate: 1, momentum: 0.5 }), { dense: { kernel: false, bias: true } });
    const p = params();
    const s = tx.init(p);
    expect((s.innerState as any)[0].trace.dense.kernel).toBeNull();
    const [u, s2] = tx.update(grads(), s, p);
    expectTreeClose(u, { dense: { kernel: grads().dense.kernel, bias: np.negative(grads().dense.bias) } }, 1e-7, 0);
    const [u2] = tx.update(grads(), s2, p);
    expect(values(u2.dense.bias)).toEqual([-1.5, -3]);
  });

  it("a mask of the wrong structure says so", () => {
    const tx = optim.adamw({ learningRate: 0.1, mask: { dense: { kernel: true } } });
    expect(() => tx.init(params())).toThrow(/mask must have the params' structure/);
  });
});

describe("injectHyperparams", () => {
  it("the learning rate in the state can be changed between jitted steps without retracing", () => {
    const tx = optim.injectHyperparams(optim.adam)({ learningRate: 0.1 });
    const step = jit((p: any, s: any, g: any) => {
      const [u, s2] = tx.update(g, s, p);
      return [optim.applyUpdates(p, u), s2];
    });
    let [p, s] = [params(), tx.init(params())];
    expect(Object.keys(s.hyperparams).sort()).toEqual(["b1", "b2", "eps", "epsRoot", "learningRate"]);
    [p, s] = step(p, s, grads()) as [any, any];
    const frozen = { ...s, hyperparams: { ...s.hyperparams, learningRate: np.array(0, "float32") } };
    const [p2, s2] = step(p, frozen, grads()) as [any, any];
    expectTreeClose(p2, p, 0, 0);
    expect(values(s2.count)).toEqual([2]);
    expect(step.cacheSize).toBe(1);
  });

  it("a schedule given as an option is evaluated at the injected count", () => {
    const sched = optim.piecewiseConstantSchedule(1, { 2: 0.5 });
    const tx = optim.injectHyperparams(optim.sgd)({ learningRate: sched });
    let s = tx.init(params());
    const lrs: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [u, s2] = tx.update(grads(), s, params());
      s = s2;
      lrs.push(values(s.hyperparams.learningRate)[0]!);
      expect(values(u.dense.bias)).toEqual(values(grads().dense.bias).map((v) => -v * lrs[i]!));
    }
    expect(lrs).toEqual([1, 1, 0.5, 0.5]);
  });
});

describe("helpers", () => {
  it("incrementalUpdate (Polyak) and periodicUpdate (traced step)", () => {
    const a = { w: np.array([1, 2], "float32") };
    const b = { w: np.array([3, 6], "float32") };
    expect(values(optim.incrementalUpdate(a, b, 0.25).w)).toEqual([2.5, 5]);
    const f = jit((step: Value) => optim.periodicUpdate(a, b, step, 3).w);
    expect(values(f(np.array(6, "int32")))).toEqual([1, 2]);
    expect(values(f(np.array(7, "int32")))).toEqual([3, 6]);
  });

  it("scaleByLearningRate with a schedule counts steps; flipSign false keeps the sign", () => {
    const tx = optim.scaleByLearningRate((c) => np.add(1, np.astype(optim.safeIncrement(np.asArray(c)), "float32")), { flipSign: false });
    let s = tx.init({});
    const out: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [u, s2] = tx.update({ g: np.array([2], "float32") }, s);
      s = s2;
      out.push(values(u.g)[0]!);
    }
    expect(out).toEqual([4, 6, 8]);
    expect(values(optim.safeIncrement(np.array(2147483647, "int32")))).toEqual([2147483647]);
  });

  it("vmap over a population: per-member Adam states and updates", () => {
    const tx = optim.adam({ learningRate: 0.1 });
    const ps = { w: random.normal(random.key(0), [3, 4]) };
    const gs = { w: random.normal(random.key(1), [3, 4]) };
    const states = vmap((p: any) => tx.init(p))(ps);
    const [us] = vmap((g: any, s: any, p: any) => tx.update(g, s, p))(gs, states, ps) as [any, any];
    for (let i = 0; i < 3; i++) {
      const p = { w: ps.w.get(i) };
      const [u] = tx.update({ w: gs.w.get(i) }, tx.init(p), p);
      expectTreeClose({ w: us.w.get(i) }, u, 1e-6, 1e-8);
    }
  });
});

describe("errors", () => {
  it("say what was wrong and what to do", () => {
    const tx = optim.chain(optim.clip(1), optim.sgd({ learningRate: 1 }));
    expect(() => tx.update(grads(), [{}], params())).toThrow(/array of 2 states from this chain's init/);
    expect(() => optim.adamw({ learningRate: 1 }).update(grads(), optim.adamw({ learningRate: 1 }).init(params()))).toThrow(/needs the params/);
    expect(() => optim.cosineDecaySchedule({ initValue: 1, decaySteps: 0 })).toThrow(/decaySteps must be positive/);
    expect(() => optim.joinSchedules([optim.constantSchedule(1)], [3])).toThrow(/one more schedule than boundaries/);
  });
});
