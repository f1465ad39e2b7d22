// optim: optax-shaped gradient transformations. An optimizer is { init(params) -> state,
// update(grads, state, params?) -> [updates, state] }; applyUpdates(params, updates) adds
// them. States are pytrees of arrays, so a whole train step jits and donates.
import * as base from "./base.js";
import * as t from "./transform.js";
import * as a from "./alias.js";
import * as s from "./schedules.js";
import { injectHyperparams } from "./inject.js";
import { pmeanGradients } from "./parallel.js";

export type { GradientTransformation, Schedule, Scalar, ScalarOrSchedule, EmptyState } from "./base.js";
export type { AdamState, CountState, RmsState, StddevState, TraceState, ScaleByAdamOptions, ScaleByRmsOptions, Mask } from "./transform.js";
export type { SgdOptions, AdamOptions, AdamWOptions, RmspropOptions } from "./alias.js";
export type { InjectHyperparamsState, InjectOptions } from "./inject.js";

export const optim = {
  // combinators and helpers
  chain: base.chain,
  identity: base.identity,
  applyUpdates: base.applyUpdates,
  globalNorm: base.globalNorm,
  incrementalUpdate: base.incrementalUpdate,
  periodicUpdate: base.periodicUpdate,
  safeIncrement: base.safeIncrement,
  // transformations
  scale: t.scale,
  scaleByLearningRate: t.scaleByLearningRate,
  scaleBySchedule: t.scaleBySchedule,
  scaleByAdam: t.scaleByAdam,
  scaleByRms: t.scaleByRms,
  scaleByStddev: t.scaleByStddev,
  trace: t.trace,
  addDecayedWeights: t.addDecayedWeights,
  masked: t.masked,
  clip: t.clip,
  clipByGlobalNorm: t.clipByGlobalNorm,
  pmeanGradients,
  // optimizers
  sgd: a.sgd,
  adam: a.adam,
  adamw: a.adamw,
  rmsprop: a.rmsprop,
  injectHyperparams,
  // schedules
  constantSchedule: s.constantSchedule,
  polynomialSchedule: s.polynomialSchedule,
  linearSchedule: s.linearSchedule,
  piecewiseConstantSchedule: s.piecewiseConstantSchedule,
  exponentialDecay: s.exponentialDecay,
  cosineDecaySchedule: s.cosineDecaySchedule,
  warmupCosineDecaySchedule: s.warmupCosineDecaySchedule,
  warmupExponentialDecaySchedule: s.warmupExponentialDecaySchedule,
  joinSchedules: s.joinSchedules,
};

/** The types under the namespace too: `optim.GradientTransformation`, `optim.Schedule`, ... */
export declare namespace optim {
  type GradientTransformation<S = unknown> = base.GradientTransformation<S>;
  type Schedule = base.Schedule;
  type Scalar = base.Scalar;
  type ScalarOrSchedule = base.ScalarOrSchedule;
  type AdamState = t.AdamState;
  type InjectHyperparamsState<S = unknown> = import("./inject.js").InjectHyperparamsState<S>;
}
