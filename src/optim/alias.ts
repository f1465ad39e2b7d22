// The usual optimizers, as optax's aliases: chains of the transformations in transform.ts.
// Options are records (so injectHyperparams can replace any numeric one by an array).
import type { DType } from "../xla/dtype.js";
import { chain, identity, type GradientTransformation, type Scalar, type ScalarOrSchedule } from "./base.js";
import { addDecayedWeights, scaleByAdam, scaleByLearningRate, scaleByRms, scaleByStddev, trace, type Mask } from "./transform.js";

export interface SgdOptions {
  learningRate: ScalarOrSchedule;
  /** Momentum decay (none by default: plain SGD). */
  momentum?: Scalar;
  nesterov?: boolean;
  accumulatorDtype?: DType;
}

// Each factory carries its defaults, so injectHyperparams moves them into the state as optax does.
const withDefaults = <F extends object>(f: F, defaults: Record<string, unknown>) => Object.assign(f, { defaults: Object.freeze(defaults) });

/** Stochastic gradient descent, with optional (Nesterov) momentum. */
export const sgd = withDefaults(function sgd(opts: SgdOptions): GradientTransformation {
  const { learningRate, momentum, nesterov = false, accumulatorDtype } = opts;
  return chain(momentum === undefined ? identity() : trace({ decay: momentum, nesterov, accumulatorDtype }), scaleByLearningRate(learningRate));
}, { nesterov: false });

export interface AdamOptions {
  learningRate: ScalarOrSchedule;
  b1?: Scalar;
  b2?: Scalar;
  eps?: Scalar;
  epsRoot?: Scalar;
  muDtype?: DType;
  nesterov?: boolean;
}

const ADAM_DEFAULTS = { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0, nesterov: false };

/** Adam (Kingma & Ba), optax's defaults: b1 0.9, b2 0.999, eps 1e-8 outside the sqrt. */
export const adam = withDefaults(function adam(opts: AdamOptions): GradientTransformation {
  const { learningRate, ...rest } = opts;
  return chain(scaleByAdam(rest), scaleByLearningRate(learningRate));
}, ADAM_DEFAULTS);

export interface AdamWOptions extends AdamOptions {
  /** Decoupled weight decay (default 1e-4, as optax), multiplied by the learning rate. */
  weightDecay?: ScalarOrSchedule;
  /** Which params decay: a tree of booleans like the params, or a function of them returning one. */
  mask?: Mask;
}

/** Adam with decoupled weight decay (Loshchilov & Hutter): update = −lr·(adam + wd·params). */
export const adamw = withDefaults(function adamw(opts: AdamWOptions): GradientTransformation {
  const { learningRate, weightDecay = 1e-4, mask, ...rest } = opts;
  return chain(scaleByAdam(rest), addDecayedWeights(weightDecay, mask), scaleByLearningRate(learningRate));
}, { ...ADAM_DEFAULTS, weightDecay: 1e-4 });

export interface RmspropOptions {
  learningRate: ScalarOrSchedule;
  decay?: Scalar;
  eps?: Scalar;
  initialScale?: Scalar;
  /** rsqrt(ν + eps) (default, as optax and TF) rather than 1 / (sqrt(ν) + eps) (as PyTorch). */
  epsInSqrt?: boolean;
  /** Divide by the gradients' running stddev instead of their RMS. */
  centered?: boolean;
  momentum?: Scalar;
  nesterov?: boolean;
  biasCorrection?: boolean;
}

/** RMSProp with optax's defaults (decay 0.9, eps 1e-8 inside the sqrt, no momentum). */
export const rmsprop = withDefaults(function rmsprop(opts: RmspropOptions): GradientTransformation {
  const { learningRate, decay = 0.9, eps = 1e-8, initialScale = 0, epsInSqrt = true, centered = false, momentum, nesterov = false, biasCorrection = false } = opts;
  const o = { decay, eps, initialScale, epsInSqrt, biasCorrection };
  return chain(
    centered ? scaleByStddev(o) : scaleByRms(o),
    scaleByLearningRate(learningRate),
    momentum === undefined ? identity() : trace({ decay: momentum, nesterov }),
  );
}, { decay: 0.9, eps: 1e-8, initialScale: 0, epsInSqrt: true, centered: false, nesterov: false, biasCorrection: false });
