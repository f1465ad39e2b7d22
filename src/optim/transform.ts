// The gradient transformations optax's aliases are chains of, with optax's arithmetic in the
// same order (so trajectories agree with optax to float rounding).
import { Value } from "../core/values.js";
import type { DType } from "../xla/dtype.js";
import { lax } from "../lax/index.js";
import { numpy as np } from "../numpy/index.js";
import { flatten, map } from "../pytree/index.js";
import { globalNorm, isSchedule, safeIncrement, transformation, zeroCount, type EmptyState, type GradientTransformation, type Scalar, type ScalarOrSchedule, type Schedule } from "./base.js";

const empty = (): EmptyState => ({});

/** updates · stepSize. */
export function scale(stepSize: Scalar): GradientTransformation<EmptyState> {
  return { init: empty, update: (u, s) => [map((g: Value) => np.multiply(stepSize, g), u), s] };
}

export interface CountState {
  count: Value;
}

/** updates · stepSizeFn(count), the step size cast to each update's dtype. */
export function scaleBySchedule(stepSizeFn: Schedule): GradientTransformation<CountState> {
  return {
    init: () => ({ count: zeroCount() }),
    update(u, s) {
      const step = stepSizeFn(s.count);
      return [map((g: Value) => np.multiply(np.astype(step, g.dtype), g), u), { count: safeIncrement(s.count) }];
    },
  };
}

/** −learningRate · updates (flipSign false: +learningRate); a schedule gives scaleBySchedule. */
export function scaleByLearningRate(learningRate: ScalarOrSchedule, opts: { flipSign?: boolean } = {}): GradientTransformation {
  const m = (opts.flipSign ?? true) ? -1 : 1;
  if (isSchedule(learningRate)) return scaleBySchedule((c) => np.multiply(m, learningRate(c)));
  return scale(typeof learningRate === "number" ? m * learningRate : np.multiply(m, learningRate));
}

// 1 − x: in double precision for a JS number, as Python computes it before JAX rounds it.
const oneMinus = (x: Scalar): Scalar => (typeof x === "number" ? 1 - x : np.subtract(1, x));

// (1 − decay)·g^order + decay·t, as optax.tree.update_moment.
const moment = (u: unknown, t: unknown, decay: Scalar, order: 1 | 2) =>
  map((g: Value, m: Value) => np.add(np.multiply(oneMinus(decay), order === 1 ? g : np.square(g)), np.multiply(decay, m)), u, t);

// moment / (1 − decay^count), the correction computed in float32 then cast to the moment's dtype.
const biasCorrection = (t: unknown, decay: Scalar, count: Value) => {
  const bc = np.subtract(1, np.power(decay, np.astype(count, "float32")));
  return map((m: Value) => np.divide(m, np.astype(bc, m.dtype)), t);
};

const castTree = (t: unknown, dtype: DType | undefined) => (dtype ? map((x: Value) => np.astype(x, dtype), t) : t);
const zerosLike = (t: unknown, dtype?: DType) => map((x: Value) => np.zerosLike(x, dtype), t);

export interface ScaleByAdamOptions {
  b1?: Scalar;
  b2?: Scalar;
  eps?: Scalar;
  epsRoot?: Scalar;
  /** dtype of the first moment (default: the params'). */
  muDtype?: DType;
  nesterov?: boolean;
}
export interface AdamState {
  count: Value;
  mu: unknown;
  nu: unknown;
}

/** Adam's rescaling: bias-corrected mû / (sqrt(nû + epsRoot) + eps). */
export function scaleByAdam(opts: ScaleByAdamOptions = {}): GradientTransformation<AdamState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0, muDtype, nesterov = false } = opts;
  return transformation<AdamState>({
    init: (params) => ({ count: zeroCount(), mu: zerosLike(params, muDtype), nu: zerosLike(params) }),
    update(u, s) {
      const mu = moment(u, s.mu, b1, 1);
      const nu = moment(u, s.nu, b2, 2);
      const count = safeIncrement(s.count);
      const muHat = nesterov
        ? map(
            (m: Value, g: Value) => np.add(np.multiply(b1, m), np.multiply(oneMinus(b1), g)),
            biasCorrection(mu, b1, safeIncrement(count)),
            biasCorrection(u, b1, count),
          )
        : biasCorrection(mu, b1, count);
      const nuHat = biasCorrection(nu, b2, count);
      const out = map((m: Value, v: Value) => np.divide(m, np.add(np.sqrt(np.add(v, epsRoot)), eps)), muHat, nuHat);
      return [out, { count, mu: castTree(mu, muDtype), nu }];
    },
  });
}

export interface ScaleByRmsOptions {
  decay?: Scalar;
  eps?: Scalar;
  initialScale?: Scalar;
  /** rsqrt(ν + eps) (default, as optax) rather than 1 / (sqrt(ν) + eps). */
  epsInSqrt?: boolean;
  biasCorrection?: boolean;
}
export interface RmsState {
  nu: unknown;
  count?: Value;
}

/** RMSProp's rescaling by the running mean of squared gradients. */
export function scaleByRms(opts: ScaleByRmsOptions = {}): GradientTransformation<RmsState> {
  const { decay = 0.9, eps = 1e-8, initialScale = 0, epsInSqrt = true, biasCorrection: bc = false } = opts;
  return transformation<RmsState>({
    init: (params) => {
      const nu = map((x: Value) => np.fullLike(x, initialScale), params);
      return bc ? { count: zeroCount(), nu } : { nu };
    },
    update(u, s) {
      const nu = moment(u, s.nu, decay, 2);
      const count = bc ? safeIncrement(s.count!) : undefined;
      const nuHat = bc ? biasCorrection(nu, decay, count!) : nu;
      const out = map(
        (n: Value, g: Value) => np.multiply(epsInSqrt ? lax.rsqrt(np.add(n, eps)) : np.divide(1, np.add(np.sqrt(n), eps)), g),
        nuHat,
        u,
      );
      return [out, bc ? { count: count!, nu } : { nu }];
    },
  });
}

export interface StddevState {
  mu: unknown;
  nu: unknown;
  count?: Value;
}

/** Centered RMSProp's rescaling: by the running standard deviation of the gradients. */
export function scaleByStddev(opts: ScaleByRmsOptions = {}): GradientTransformation<StddevState> {
  const { decay = 0.9, eps = 1e-8, initialScale = 0, epsInSqrt = true, biasCorrection: bc = false } = opts;
  return transformation<StddevState>({
    init: (params) => {
      const mu = zerosLike(params);
      const nu = map((x: Value) => np.fullLike(x, initialScale), params);
      return bc ? { count: zeroCount(), mu, nu } : { mu, nu };
    },
    update(u, s) {
      const mu = moment(u, s.mu, decay, 1);
      const nu = moment(u, s.nu, decay, 2);
      const count = bc ? safeIncrement(s.count!) : undefined;
      const muHat = bc ? biasCorrection(mu, decay, count!) : mu;
      const nuHat = bc ? biasCorrection(nu, decay, count!) : nu;
      const out = map(
        (m: Value, n: Value, g: Value) => {
          const v = np.subtract(n, np.square(m));
          return np.multiply(epsInSqrt ? lax.rsqrt(np.add(v, eps)) : np.divide(1, np.add(np.sqrt(v), eps)), g);
        },
        muHat,
        nuHat,
        u,
      );
      return [out, bc ? { count: count!, mu, nu } : { mu, nu }];
    },
  });
}

export interface TraceState {
  trace: unknown;
}

/** Momentum: t ← g + decay·t; the update is t (or g + decay·t with nesterov). */
export function trace(opts: { decay: Scalar; nesterov?: boolean; accumulatorDtype?: DType }): GradientTransformation<TraceState> {
  const { decay, nesterov = false, accumulatorDtype } = opts;
  const f = (g: Value, t: Value) => np.add(g, np.multiply(decay, t));
  return {
    init: (params) => ({ trace: zerosLike(params, accumulatorDtype) }),
    update(u, s) {
      const t = map(f, u, s.trace);
      const out = nesterov ? map(f, u, t) : t;
      return [out, { trace: castTree(t, accumulatorDtype) }];
    },
  };
}

/** Mask: a tree of booleans shaped like the params, or a function of the params (or updates) giving one. */
export type Mask = unknown | ((tree: unknown) => unknown);

function maskFlags(what: string, mask: Mask, tree: unknown): boolean[] {
  const m = typeof mask === "function" ? (mask as (t: unknown) => unknown)(tree) : mask;
  const [ls, td] = flatten(tree);
  const [flags, mtd] = flatten(m, (x) => typeof x === "boolean");
  if (mtd !== td || flags.some((f) => typeof f !== "boolean"))
    throw new TypeError(`${what}: the mask must have the params' structure with a boolean per leaf; params are ${td.toString()}, the mask is ${mtd.toString()}`);
  if (ls.length !== flags.length) throw new TypeError(`${what}: the mask has ${flags.length} flags for ${ls.length} leaves`);
  return flags as boolean[];
}

// Unmasked leaves become null (an empty node), so the inner transformation never sees them.
function maskTree(tree: unknown, flags: readonly boolean[]): unknown {
  const [ls, td] = flatten(tree);
  return td.unflatten(ls.map((l, i) => (flags[i] ? l : null)));
}

/** Applies `inner` only to the leaves where the mask is true; the others pass through unchanged. */
export function masked<S>(inner: GradientTransformation<S>, mask: Mask): GradientTransformation<{ innerState: S }> {
  return transformation<{ innerState: S }>({
    init: (params) => ({ innerState: inner.init(maskTree(params, maskFlags("optim.masked", mask, params))) }),
    update(u, s, params) {
      const flags = maskFlags("optim.masked", mask, u);
      const [newMasked, innerState] = inner.update(maskTree(u, flags), s.innerState, params === undefined ? undefined : maskTree(params, flags));
      const [ls, td] = flatten(u);
      const fresh = flatten(newMasked)[0];
      let j = 0;
      return [td.unflatten(ls.map((l, i) => (flags[i] ? fresh[j++] : l))), { innerState }];
    },
  });
}

/** updates + weightDecay·params (decoupled weight decay, as in AdamW); optionally masked. */
export function addDecayedWeights(weightDecay: ScalarOrSchedule = 0, mask?: Mask): GradientTransformation<{ count?: Value } | { innerState: { count?: Value } }> {
  const t = transformation<{ count?: Value }>({
    init: () => (isSchedule(weightDecay) ? { count: zeroCount() } : {}),
    update(u, s, params) {
      if (params === undefined) throw new TypeError("optim.addDecayedWeights: update needs the params (update(grads, state, params))");
      const next = isSchedule(weightDecay) ? { count: safeIncrement(s.count!) } : s;
      if (weightDecay === 0) return [u, next];
      const wd = isSchedule(weightDecay) ? weightDecay(s.count!) : weightDecay;
      return [map((g: Value, p: Value) => np.add(g, np.multiply(wd, p)), u, params), next];
    },
  });
  return mask === undefined ? t : masked(t, mask);
}

/** Clips every update element to [−maxDelta, maxDelta]. */
export function clip(maxDelta: Scalar): GradientTransformation<EmptyState> {
  return { init: empty, update: (u, s) => [map((g: Value) => np.clip(g, typeof maxDelta === "number" ? -maxDelta : np.negative(maxDelta), maxDelta), u), s] };
}

/** Rescales the updates so their global norm is at most maxNorm (unchanged when it already is). */
export function clipByGlobalNorm(maxNorm: Scalar): GradientTransformation<EmptyState> {
  return {
    init: empty,
    update(u, s) {
      const norm = globalNorm(u);
      const keep = np.less(norm, maxNorm);
      return [map((t: Value) => np.where(keep, t, np.multiply(np.divide(t, np.astype(norm, t.dtype)), maxNorm)), u), s];
    },
  };
}
