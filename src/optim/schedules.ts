// Schedules as optax's: pure functions of an int32 step count built from array ops, so a
// schedule inside a jitted train step is traced once and never forces a recompile. A JS-number
// count is accepted for convenience (it becomes an int32 array).
import type { Value } from "../core/values.js";
import { numpy as np } from "../numpy/index.js";
import { asCount, type Schedule } from "./base.js";

const f32 = (v: number) => np.array(v, "float32");

function checkSteps(who: string, name: string, v: number): void {
  if (!(v > 0)) throw new TypeError(`optim.${who}: ${name} must be positive, got ${v}`);
}

/** The same value at every step. */
export function constantSchedule(value: number): Schedule {
  return () => f32(value);
}

/**
 * (init − end)·(1 − t/transitionSteps)^power + end, with t = clip(count − transitionBegin, 0,
 * transitionSteps) (optax.polynomial_schedule).
 */
export function polynomialSchedule(opts: { initValue: number; endValue: number; power: number; transitionSteps: number; transitionBegin?: number }): Schedule {
  const { initValue, endValue, power, transitionSteps } = opts;
  if (transitionSteps <= 0) return constantSchedule(initValue); // as optax
  const transitionBegin = Math.max(0, opts.transitionBegin ?? 0);
  return (c) => {
    const t = np.clip(np.subtract(asCount(c), transitionBegin), 0, transitionSteps);
    const frac = np.subtract(1, np.divide(t, transitionSteps));
    return np.add(np.multiply(initValue - endValue, np.power(frac, power)), endValue);
  };
}

/** Linear from initValue to endValue over transitionSteps, after transitionBegin (optax.linear_schedule). */
export function linearSchedule(opts: { initValue: number; endValue: number; transitionSteps: number; transitionBegin?: number }): Schedule {
  return polynomialSchedule({ ...opts, power: 1 });
}

/**
 * A step schedule: initValue, multiplied by `scale` once the count reaches each boundary
 * (`{ 1000: 0.1, 2000: 0.1 }`: ×0.1 from step 1000, ×0.01 from 2000) (optax.piecewise_constant_schedule).
 */
export function piecewiseConstantSchedule(initValue: number, boundariesAndScales: Record<number, number> = {}): Schedule {
  const entries = Object.entries(boundariesAndScales)
    .map(([b, s]) => [Number(b), s] as const)
    .sort((a, b) => a[0] - b[0]);
  for (const [, s] of entries) if (s < 0) throw new TypeError(`optim.piecewiseConstantSchedule: scales must be non-negative, got ${s}`);
  return (c) => {
    const count = asCount(c);
    let v: Value = f32(initValue);
    for (const [threshold, s] of entries) {
      const ind = np.maximum(0, np.sign(np.subtract(threshold, count)));
      v = np.add(np.multiply(v, ind), np.multiply(np.multiply(np.subtract(1, ind), s), v));
    }
    return np.astype(v, "float32");
  };
}

/**
 * initValue · decayRate^((count − transitionBegin) / transitionSteps) (floored with
 * staircase), initValue before transitionBegin, bounded by endValue (optax.exponential_decay).
 */
export function exponentialDecay(opts: {
  initValue: number;
  transitionSteps: number;
  decayRate: number;
  transitionBegin?: number;
  staircase?: boolean;
  endValue?: number;
}): Schedule {
  const { initValue, transitionSteps, decayRate, staircase = false, endValue } = opts;
  // As optax: degenerate settings give a constant schedule, a negative begin counts from 0.
  if (transitionSteps <= 0 || decayRate === 0) return constantSchedule(initValue);
  const transitionBegin = Math.max(0, opts.transitionBegin ?? 0);
  return (c) => {
    const dec = np.subtract(asCount(c), transitionBegin);
    let p = np.divide(dec, transitionSteps);
    if (staircase) p = np.floor(p);
    let v = np.where(np.lessEqual(dec, 0), initValue, np.multiply(initValue, np.power(decayRate, p)));
    if (endValue !== undefined) v = decayRate < 1 ? np.maximum(v, endValue) : np.minimum(v, endValue);
    return np.astype(v, "float32");
  };
}

/** initValue · ((1 − alpha)·(½(1 + cos(π·min(count, decaySteps)/decaySteps)))^exponent + alpha) (optax.cosine_decay_schedule). */
export function cosineDecaySchedule(opts: { initValue: number; decaySteps: number; alpha?: number; exponent?: number }): Schedule {
  const { initValue, decaySteps, alpha = 0, exponent = 1 } = opts;
  checkSteps("cosineDecaySchedule", "decaySteps", decaySteps);
  return (c) => {
    const count = np.minimum(np.astype(asCount(c), "float32"), decaySteps);
    const cosine = np.multiply(0.5, np.add(1, np.cos(np.divide(np.multiply(Math.PI, count), decaySteps))));
    const decayed = np.add(np.multiply(1 - alpha, np.power(cosine, exponent)), alpha);
    return np.multiply(initValue, decayed);
  };
}

/** schedules[0] until boundaries[0], then schedules[1] (counted from that boundary), ... (optax.join_schedules). */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  if (schedules.length !== boundaries.length + 1)
    throw new TypeError(`optim.joinSchedules: needs one more schedule than boundaries, got ${schedules.length} and ${boundaries.length}`);
  return (c) => {
    const count = asCount(c);
    let out = schedules[0]!(count);
    boundaries.forEach((b, i) => {
      out = np.where(np.less(count, b), out, schedules[i + 1]!(np.subtract(count, b)));
    });
    return out;
  };
}

/**
 * Linear warmup from initValue to peakValue over warmupSteps, then cosine decay to endValue
 * at decaySteps (counted from step 0, warmup included) (optax.warmup_cosine_decay_schedule).
 */
export function warmupCosineDecaySchedule(opts: {
  initValue: number;
  peakValue: number;
  warmupSteps: number;
  decaySteps: number;
  endValue?: number;
  exponent?: number;
}): Schedule {
  const { initValue, peakValue, warmupSteps, decaySteps, endValue = 0, exponent = 1 } = opts;
  const alpha = peakValue === 0 ? 0 : endValue / peakValue;
  return joinSchedules(
    [
      linearSchedule({ initValue, endValue: peakValue, transitionSteps: warmupSteps }),
      cosineDecaySchedule({ initValue: peakValue, decaySteps: decaySteps - warmupSteps, alpha, exponent }),
    ],
    [warmupSteps],
  );
}

/** Linear warmup to peakValue, then exponential decay (optax.warmup_exponential_decay_schedule). */
export function warmupExponentialDecaySchedule(opts: {
  initValue: number;
  peakValue: number;
  warmupSteps: number;
  transitionSteps: number;
  decayRate: number;
  transitionBegin?: number;
  staircase?: boolean;
  endValue?: number;
}): Schedule {
  const { initValue, peakValue, warmupSteps, ...rest } = opts;
  return joinSchedules(
    [linearSchedule({ initValue, endValue: peakValue, transitionSteps: warmupSteps }), exponentialDecay({ initValue: peakValue, ...rest })],
    [warmupSteps],
  );
}
