// The optimizers the on-policy actor-critics offer (A2C, IMPALA): RMSprop as Stable-Baselines3
// configures it (PyTorch's, ε outside the square root) or Adam, after global-norm gradient
// clipping, with a learning rate that may anneal linearly to zero over the run's iterations.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { optim, type GradientTransformation } from "../../optim/index.js";
import type { Schema } from "./config.js";

type Num = number | Value;

export interface OnPolicyOptimizerOptions {
  optimizer: "rmsprop" | "adam";
  lr: Num;
  /** Anneal the learning rate linearly to 0 over `iterations` iterations of `updatesPerIteration` updates (held within an iteration). */
  annealLr: boolean;
  iterations: number;
  updatesPerIteration: number;
  adamEps: number;
  rmsAlpha: number;
  rmsEps: number;
  rmsEpsInSqrt: boolean;
  maxGradNorm: Num | null;
}

/** The optimizer options' schema entries, with per-algorithm defaults. */
export function optimizerSchema(d: { optimizer: "rmsprop" | "adam"; lr: number; adamEps: number; maxGradNorm: number | null; annealLr: boolean }): Schema {
  return {
    optimizer: { kind: "enum", default: d.optimizer, values: ["rmsprop", "adam"], doc: "rmsprop (PyTorch's, as Stable-Baselines3) or adam" },
    lr: { kind: "number", default: d.lr, gt: 0, doc: "learning rate" },
    annealLr: { kind: "bool", default: d.annealLr, doc: "anneal the learning rate linearly to 0 over the run" },
    rmsAlpha: { kind: "number", default: 0.99, min: 0, max: 1, doc: "RMSprop's decay of the squared-gradient average (PyTorch's alpha)" },
    rmsEps: { kind: "number", default: 1e-5, gt: 0, doc: "RMSprop's ε" },
    rmsEpsInSqrt: { kind: "bool", default: false, doc: "RMSprop: 1/√(ν + ε) as TensorFlow and optax (false: 1/(√ν + ε) as PyTorch)" },
    adamEps: { kind: "number", default: d.adamEps, gt: 0, doc: "Adam's ε" },
    maxGradNorm: { kind: "number", default: d.maxGradNorm, gt: 0, nullable: true, doc: "clip gradients to this global norm; null: no clipping" },
  };
}

/** The learning rate after `iterations` iterations (constant within one, 0 at the end). */
export function annealedLr(o: Pick<OnPolicyOptimizerOptions, "lr" | "annealLr" | "iterations">, iterations: Num): Value {
  if (!o.annealLr) return np.astype(np.asArray(o.lr), "float32");
  const frac = np.subtract(1, np.divide(np.astype(np.asArray(iterations), "float32"), Math.max(1, o.iterations)));
  return np.multiply(o.lr, np.maximum(frac, 0));
}

export function onPolicyOptimizer(o: OnPolicyOptimizerOptions): GradientTransformation {
  const learningRate = o.annealLr ? (count: Value | number) => annealedLr(o, np.floorDivide(np.asArray(count), o.updatesPerIteration)) : o.lr;
  const base =
    o.optimizer === "adam"
      ? optim.adam({ learningRate, eps: o.adamEps })
      : optim.rmsprop({ learningRate, decay: o.rmsAlpha, eps: o.rmsEps, epsInSqrt: o.rmsEpsInSqrt });
  return o.maxGradNorm === null ? base : optim.chain(optim.clipByGlobalNorm(o.maxGradNorm), base);
}
