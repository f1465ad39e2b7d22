// Normal(loc, scale) with diagonal covariance, and TanhNormal (tanh of a Normal sample).
// `eventNdims` trailing axes form one event (summed in logProb / entropy / kl), as
// distrax.Independent does: eventNdims 1 is distrax.MultivariateNormalDiag / SB3's
// DiagGaussianDistribution over an action vector.
import type { Value } from "../core/values.js";
import { numpy as np, type ArrayLike } from "../numpy/index.js";
import { registerPytreeNode } from "../pytree/index.js";
import { random } from "../random/index.js";
import { LOG_2PI, bcast, checkEventNdims, checkSame, commonFloat, epsOf, floatParam, rebuild, sampleShapeOf, sumEvent } from "./util.js";

export interface EventOptions {
  /** How many trailing axes make up one event (default 0: every element is independent). */
  eventNdims?: number;
}

function params(where: string, loc: ArrayLike, scale: ArrayLike, opts: EventOptions) {
  let l = floatParam(where, "loc", loc);
  let s = floatParam(where, "scale", scale);
  const dt = commonFloat(l, s);
  l = np.astype(l, dt);
  s = np.astype(s, dt);
  const shape = np.broadcastShapes(l.shape as number[], s.shape as number[]);
  return { loc: l, scale: s, eventNdims: checkEventNdims(where, opts.eventNdims, shape) };
}

// Per-element pieces (before the event sum), shared by Normal and TanhNormal.
function elemLogProb(loc: Value, scale: Value, x: ArrayLike): Value {
  const z = np.divide(np.subtract(x, loc), scale);
  return np.subtract(np.multiply(np.square(z), -0.5), np.add(np.log(scale), 0.5 * LOG_2PI));
}
function elemEntropy(loc: Value, scale: Value): Value {
  const shape = np.broadcastShapes(loc.shape as number[], scale.shape as number[]);
  return bcast(np.add(np.log(scale), 0.5 + 0.5 * LOG_2PI), shape);
}
function elemKl(l1: Value, s1: Value, l2: Value, s2: Value): Value {
  const r = np.divide(s1, s2);
  const d = np.divide(np.subtract(l1, l2), s2);
  // log(s2/s1) + (s1² + (l1-l2)²) / (2 s2²) - 1/2
  return np.add(np.multiply(np.add(np.square(r), np.square(d)), 0.5), np.subtract(np.negative(np.log(r)), 0.5));
}
/** Standard-normal noise of shape [...sampleShape, ...shape] (the reparameterization). */
function noise(where: string, key: Value, loc: Value, scale: Value, sampleShape?: number | readonly number[]): Value {
  const shape = np.broadcastShapes(loc.shape as number[], scale.shape as number[]);
  return random.normal(key, [...sampleShapeOf(where, sampleShape), ...shape], loc.dtype);
}

/** Shared by Normal and TanhNormal: parameters and shapes of a location-scale family. */
abstract class LocScale {
  readonly loc: Value;
  readonly scale: Value;
  readonly eventNdims: number;

  constructor(name: string, loc: ArrayLike, scale: ArrayLike, opts: EventOptions) {
    const p = params(name, loc, scale, opts);
    this.loc = p.loc;
    this.scale = p.scale;
    this.eventNdims = p.eventNdims;
    Object.freeze(this);
  }

  /** The broadcast shape of loc and scale (batch shape followed by event shape). */
  get shape(): number[] {
    return np.broadcastShapes(this.loc.shape as number[], this.scale.shape as number[]);
  }
  get batchShape(): number[] {
    return this.shape.slice(0, this.shape.length - this.eventNdims);
  }
  get eventShape(): number[] {
    return this.shape.slice(this.shape.length - this.eventNdims);
  }
}

export class Normal extends LocScale {
  constructor(loc: ArrayLike, scale: ArrayLike, opts: EventOptions = {}) {
    super("Normal", loc, scale, opts);
  }

  logProb(x: ArrayLike): Value {
    return sumEvent(elemLogProb(this.loc, this.scale, x), this.eventNdims);
  }
  prob(x: ArrayLike): Value {
    return np.exp(this.logProb(x));
  }
  entropy(): Value {
    return sumEvent(elemEntropy(this.loc, this.scale), this.eventNdims);
  }

  /** loc + scale·ε with ε ~ N(0, 1): differentiable in loc and scale. */
  sample(key: Value, sampleShape?: number | readonly number[]): Value {
    return np.add(this.loc, np.multiply(this.scale, noise("Normal.sample", key, this.loc, this.scale, sampleShape)));
  }
  /** [samples, their log-probabilities] (the log-probability computed from ε directly). */
  sampleAndLogProb(key: Value, sampleShape?: number | readonly number[]): [Value, Value] {
    const eps = noise("Normal.sampleAndLogProb", key, this.loc, this.scale, sampleShape);
    const x = np.add(this.loc, np.multiply(this.scale, eps));
    const lp = np.subtract(np.multiply(np.square(eps), -0.5), np.add(np.log(this.scale), 0.5 * LOG_2PI));
    return [x, sumEvent(lp, this.eventNdims)];
  }

  mode(): Value {
    return bcast(this.loc, this.shape);
  }
  mean(): Value {
    return this.mode();
  }
  stddev(): Value {
    return bcast(this.scale, this.shape);
  }
  variance(): Value {
    return np.square(this.stddev());
  }

  /** KL(this ‖ other), closed form. */
  kl(other: Normal): Value {
    const q = checkSame("Normal.kl", Normal, other);
    if (q.eventNdims !== this.eventNdims) throw new TypeError(`Normal.kl: eventNdims ${this.eventNdims} vs ${q.eventNdims}`);
    return sumEvent(elemKl(this.loc, this.scale, q.loc, q.scale), this.eventNdims);
  }
}

/** log|d tanh(u)/du| = log(1 - tanh²u), in the stable form 2(log 2 - u - softplus(-2u)). */
export function tanhLogDetJacobian(u: ArrayLike): Value {
  return np.multiply(np.subtract(np.subtract(Math.LN2, u), np.softplus(np.multiply(u, -2))), 2);
}

/**
 * y = tanh(u), u ~ Normal(loc, scale): the squashed Gaussian of SAC-style policies.
 * log p(y) = log N(u) - log(1 - tanh²u), summed over the event axes.
 */
export class TanhNormal extends LocScale {
  constructor(loc: ArrayLike, scale: ArrayLike, opts: EventOptions = {}) {
    super("TanhNormal", loc, scale, opts);
  }
  /** The Normal before the squashing. */
  base(): Normal {
    return rebuild(Normal, { loc: this.loc, scale: this.scale, eventNdims: this.eventNdims });
  }

  /**
   * log p(y). Pass the pre-tanh value `preTanh` when you have it (from `sampleWithPreTanh`):
   * recovering u = atanh(y) loses precision near ±1, where y is clipped to 1 - eps.
   */
  logProb(y: ArrayLike, preTanh?: ArrayLike): Value {
    let u: Value;
    if (preTanh !== undefined) u = np.asArray(preTanh);
    else {
      const lim = 1 - epsOf(this.loc.dtype);
      u = np.arctanh(np.clip(y, -lim, lim));
    }
    const lp = np.subtract(elemLogProb(this.loc, this.scale, u), tanhLogDetJacobian(u));
    return sumEvent(lp, this.eventNdims);
  }
  prob(y: ArrayLike, preTanh?: ArrayLike): Value {
    return np.exp(this.logProb(y, preTanh));
  }

  /** tanh(loc + scale·ε): squashed, reparameterized samples. */
  sample(key: Value, sampleShape?: number | readonly number[]): Value {
    return this.sampleWithPreTanh(key, sampleShape)[0];
  }
  /** [y = tanh(u), u]: the squashed sample and the Normal sample it came from. */
  sampleWithPreTanh(key: Value, sampleShape?: number | readonly number[]): [Value, Value] {
    const u = np.add(this.loc, np.multiply(this.scale, noise("TanhNormal.sample", key, this.loc, this.scale, sampleShape)));
    return [np.tanh(u), u];
  }
  /** [y, log p(y)], the log-probability computed from the pre-tanh sample (no atanh). */
  sampleAndLogProb(key: Value, sampleShape?: number | readonly number[]): [Value, Value] {
    const [y, u] = this.sampleWithPreTanh(key, sampleShape);
    return [y, this.logProb(y, u)];
  }

  /** tanh(loc): the squashed Normal mode (the deterministic action), not the density's argmax. */
  mode(): Value {
    return bcast(np.tanh(this.loc), this.shape);
  }

  /**
   * There is no closed form. This is Brax's estimate (NormalTanhDistribution.entropy):
   * H[y] = H[u] + E[log|dy/du|], with the Normal's exact entropy and the expectation taken
   * over `numSamples` draws of u (unbiased). distrax raises here; SB3 returns None and uses
   * -logProb of the sampled action instead (available through `sampleAndLogProb`).
   */
  entropy(key: Value, numSamples = 1): Value {
    if (key === undefined) throw new TypeError("TanhNormal.entropy: needs a PRNG key (the entropy is estimated from samples; there is no closed form)");
    if (!Number.isInteger(numSamples) || numSamples < 1) throw new TypeError(`TanhNormal.entropy: numSamples must be a positive integer, got ${numSamples}`);
    const u = this.base().sample(key, [numSamples]);
    const ldj = np.mean(tanhLogDetJacobian(u), 0);
    return sumEvent(np.add(elemEntropy(this.loc, this.scale), ldj), this.eventNdims);
  }

  /** KL(this ‖ other) equals the base Normals' KL: tanh is a bijection, and KL is invariant under one. */
  kl(other: TanhNormal): Value {
    const q = checkSame("TanhNormal.kl", TanhNormal, other);
    return this.base().kl(q.base());
  }
}

function registerLocScale<T extends Normal | TanhNormal>(cls: new (loc: Value, scale: Value) => T): void {
  registerPytreeNode<T, number>(cls, {
    flatten: (d) => [[d.loc, d.scale], d.eventNdims],
    unflatten: (eventNdims, [loc, scale]) => rebuild(cls, { loc, scale, eventNdims }),
    childKeys: ["loc", "scale"],
  });
}
registerLocScale(Normal);
registerLocScale(TanhNormal);
