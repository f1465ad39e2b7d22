// optim against optax: whole trajectories (params and updates after every step, each step
// jitted with donated params and state), schedules and global-norm clipping, from
// test/fixtures/optim.json (tools/fixtures_optim.py).
import { describe, expect, it } from "vitest";
import { jit, type Value } from "../../src/core/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { optim, type GradientTransformation } from "../../src/optim/index.js";
import { expectTreeClose, fxArray, fxTree, loadFixture, values, type FxArray } from "./fixture.js";

interface Traj {
  id: string;
  call: string;
  params0: unknown;
  grads: unknown[];
  params: unknown[];
  updates: unknown[];
  hyperparams?: Record<string, FxArray>[];
}
const fx = loadFixture<{ trajectories: Traj[]; schedules: { id: string; call: string; counts: FxArray; values: FxArray }[]; global_norm_clip: any[] }>("optim.json");

const warmupCos = () => optim.warmupCosineDecaySchedule({ initValue: 0, peakValue: 0.05, warmupSteps: 3, decaySteps: 10, endValue: 0.001 });
const OPTS: Record<string, () => GradientTransformation> = {
  "sgd/plain": () => optim.sgd({ learningRate: 0.1 }),
  "sgd/momentum": () => optim.sgd({ learningRate: 0.1, momentum: 0.9 }),
  "sgd/nesterov": () => optim.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
  "adam/default": () => optim.adam({ learningRate: 0.01 }),
  "adam/b1_b2_eps": () => optim.adam({ learningRate: 0.003, b1: 0.8, b2: 0.99, eps: 1e-5, epsRoot: 1e-8 }),
  "adam/nesterov": () => optim.adam({ learningRate: 0.01, nesterov: true }),
  "adam/schedule": () => optim.adam({ learningRate: warmupCos() }),
  "adamw/default": () => optim.adamw({ learningRate: 0.01 }),
  "adamw/wd0.1": () => optim.adamw({ learningRate: 0.01, weightDecay: 0.1 }),
  "adamw/mask": () => optim.adamw({ learningRate: 0.01, weightDecay: 0.5, mask: { b: false, w: true } }),
  "rmsprop/default": () => optim.rmsprop({ learningRate: 0.01 }),
  "rmsprop/centered": () => optim.rmsprop({ learningRate: 0.01, centered: true }),
  "rmsprop/momentum_nesterov": () => optim.rmsprop({ learningRate: 0.01, decay: 0.95, momentum: 0.9, nesterov: true }),
  "rmsprop/eps_outside_bias_corr": () => optim.rmsprop({ learningRate: 0.01, eps: 1e-3, initialScale: 0.1, epsInSqrt: false, biasCorrection: true }),
  "rmsprop/centered_eps_outside": () => optim.rmsprop({ learningRate: 0.01, decay: 0.8, eps: 1e-4, initialScale: 0.5, centered: true, epsInSqrt: false }),
  "chain/clip_global_norm_adam": () => optim.chain(optim.clipByGlobalNorm(1.0), optim.adam({ learningRate: 0.01 })),
  "chain/clip_sgd": () => optim.chain(optim.clip(0.5), optim.sgd({ learningRate: 0.1 })),
  "inject/adam_linear": () =>
    optim.injectHyperparams(optim.adam)({ learningRate: optim.linearSchedule({ initValue: 0.02, endValue: 0.002, transitionSteps: 8, transitionBegin: 2 }), b1: 0.85 }),
  "inject/sgd_const": () => optim.injectHyperparams(optim.sgd)({ learningRate: 0.05, momentum: 0.9 }),
};
const camel = (k: string) => k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

describe("optimizer trajectories equal optax's", () => {
  for (const c of fx.trajectories) {
    it(`${c.id}: ${c.call}`, () => {
      const opt = OPTS[c.id];
      expect(opt, `no xla-ts optimizer for fixture ${c.id}`).toBeDefined();
      const tx = opt!();
      let params = fxTree(c.params0);
      let state = tx.init(params);
      const step = jit(
        (p: unknown, s: unknown, g: unknown) => {
          const [u, s2] = tx.update(g, s, p);
          return [optim.applyUpdates(p, u), s2, u];
        },
        { donate: [0, 1] },
      );
      c.grads.forEach((g, t) => {
        const [p2, s2, u] = step(params, state, fxTree(g)) as [unknown, any, unknown];
        params = p2;
        state = s2;
        expectTreeClose(u, fxTree(c.updates[t]), 2e-6, 1e-8, `${c.id} updates at step ${t}`);
        expectTreeClose(params, fxTree(c.params[t]), 2e-6, 1e-7, `${c.id} params at step ${t}`);
        if (c.hyperparams) {
          for (const [k, v] of Object.entries(c.hyperparams[t]!)) {
            const ours = (state as { hyperparams: Record<string, Value | undefined> }).hyperparams[camel(k)];
            expect(ours, `hyperparam ${k}`).toBeDefined();
            expect(values(ours!)[0]).toBe(values(fxArray(v))[0]!);
          }
        }
      });
      expect(step.cacheSize).toBe(1);
    });
  }
});

const SCHEDULES: Record<string, () => (c: Value | number) => Value> = {
  constant: () => optim.constantSchedule(0.3),
  linear: () => optim.linearSchedule({ initValue: 1.0, endValue: 0.1, transitionSteps: 100 }),
  "linear/begin": () => optim.linearSchedule({ initValue: 0.5, endValue: 1.5, transitionSteps: 50, transitionBegin: 10 }),
  polynomial: () => optim.polynomialSchedule({ initValue: 1.0, endValue: 0.01, power: 2, transitionSteps: 100, transitionBegin: 5 }),
  piecewise: () => optim.piecewiseConstantSchedule(0.1, { 10: 0.5, 50: 0.1, 100: 2.0 }),
  exponential: () => optim.exponentialDecay({ initValue: 1.0, transitionSteps: 10, decayRate: 0.9 }),
  "exponential/staircase": () => optim.exponentialDecay({ initValue: 2.0, transitionSteps: 20, decayRate: 0.5, transitionBegin: 5, staircase: true, endValue: 0.1 }),
  "exponential/growth": () => optim.exponentialDecay({ initValue: 0.1, transitionSteps: 10, decayRate: 1.5, endValue: 1.0 }),
  cosine: () => optim.cosineDecaySchedule({ initValue: 1.0, decaySteps: 100 }),
  "cosine/alpha_exp": () => optim.cosineDecaySchedule({ initValue: 0.5, decaySteps: 100, alpha: 0.1, exponent: 2.0 }),
  warmup_cosine: () => optim.warmupCosineDecaySchedule({ initValue: 0, peakValue: 1, warmupSteps: 10, decaySteps: 100, endValue: 0.05 }),
  warmup_exponential: () => optim.warmupExponentialDecaySchedule({ initValue: 0, peakValue: 1, warmupSteps: 10, transitionSteps: 20, decayRate: 0.5, transitionBegin: 5 }),
  join: () => optim.joinSchedules([optim.constantSchedule(1.0), optim.linearSchedule({ initValue: 1, endValue: 0, transitionSteps: 50 })], [20]),
};

describe("schedules equal optax's", () => {
  for (const c of fx.schedules) {
    it(`${c.id}: ${c.call}`, () => {
      const sched = SCHEDULES[c.id]!();
      const counts = values(fxArray(c.counts));
      const want = values(fxArray(c.values));
      // One compiled program for every count: the count is a traced int32 argument.
      const f = jit((n: Value) => sched(n));
      counts.forEach((n, i) => {
        const got = values(f(np.array(n, "int32")))[0]!;
        expect(Math.abs(got - want[i]!), `${c.id} at count ${n}: ${got} vs ${want[i]}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(want[i]!)));
      });
      expect(f.cacheSize).toBe(1);
      // Eager with a JS-number count too.
      expect(values(sched(counts[4]!))[0]).toBeCloseTo(want[4]!, 5);
    });
  }
});

describe("clipByGlobalNorm and globalNorm equal optax's", () => {
  for (const c of fx.global_norm_clip) {
    it(c.id, () => {
      const u = fxTree(c.updates);
      const [out, s] = optim.clipByGlobalNorm(c.max_norm).update(u, {});
      expect(s).toEqual({});
      expectTreeClose(out, fxTree(c.out), 1e-6, 1e-7, c.id);
      expect(values(optim.globalNorm(u))[0]).toBeCloseTo(values(fxArray(c.norm))[0]!, 5);
    });
  }
});
