// Bernoulli from logits, and Deterministic (a point mass).
import type { Value } from "../core/values.js";
import { isFloatDtype } from "../core/aval.js";
import { numpy as np, type ArrayLike } from "../numpy/index.js";
import { registerPytreeNode } from "../pytree/index.js";
import { random } from "../random/index.js";
import type { DType } from "../xla/dtype.js";
import type { EventOptions } from "./normal.js";
import { bcast, checkEventNdims, checkSame, floatParam, rebuild, sampleShapeOf, sumEvent } from "./util.js";

/** a·b, but 0 where b is 0 (so -inf · 0 gives 0, as distrax's multiply_no_nan). */
function mulNoNan(a: Value, b: Value): Value {
  const zero = np.equal(b, 0);
  return np.where(zero, 0, np.multiply(np.where(zero, 0, a), b));
}

export class Bernoulli {
  readonly logits: Value;
  readonly eventNdims: number;

  constructor(logits: ArrayLike, opts: EventOptions = {}) {
    this.logits = floatParam("Bernoulli", "logits", logits);
    this.eventNdims = checkEventNdims("Bernoulli", opts.eventNdims, this.logits.shape);
    Object.freeze(this);
  }

  static fromProbs(probs: ArrayLike, opts: EventOptions = {}): Bernoulli {
    const p = floatParam("Bernoulli.fromProbs", "probs", probs);
    return new Bernoulli(np.subtract(np.log(p), np.log1p(np.negative(p))), opts);
  }

  get batchShape(): number[] {
    return this.logits.shape.slice(0, this.logits.ndim - this.eventNdims);
  }
  get eventShape(): number[] {
    return this.logits.shape.slice(this.logits.ndim - this.eventNdims);
  }

  /** P(x = 1). */
  probs(): Value {
    return np.sigmoid(this.logits);
  }

  /** log p(x) = x·log σ(l) + (1-x)·log σ(-l), for x in {0, 1} (bool, int or float). */
  logProb(x: ArrayLike): Value {
    const xv = np.astype(np.asArray(x), this.logits.dtype);
    const lp1 = np.negative(np.softplus(np.negative(this.logits)));
    const lp0 = np.negative(np.softplus(this.logits));
    return sumEvent(np.add(mulNoNan(lp1, xv), mulNoNan(lp0, np.subtract(1, xv))), this.eventNdims);
  }
  prob(x: ArrayLike): Value {
    return np.exp(this.logProb(x));
  }

  /** softplus(l) - σ(l)·l, which is -p log p - (1-p) log(1-p). */
  entropy(): Value {
    const l = this.logits;
    return sumEvent(np.subtract(np.softplus(l), np.multiply(np.sigmoid(l), l)), this.eventNdims);
  }

  /** Samples in {0, 1} of shape [...sampleShape, ...batch, ...event], as `dtype` (default int32). */
  sample(key: Value, sampleShape?: number | readonly number[], dtype: DType = "int32"): Value {
    const s = sampleShapeOf("Bernoulli.sample", sampleShape);
    return np.astype(random.bernoulli(key, this.probs(), [...s, ...this.logits.shape]), dtype);
  }
  sampleAndLogProb(key: Value, sampleShape?: number | readonly number[]): [Value, Value] {
    const x = this.sample(key, sampleShape);
    return [x, this.logProb(x)];
  }

  /** 1 where p > 1/2, else 0 (int32). */
  mode(): Value {
    return np.astype(np.greater(this.logits, 0), "int32");
  }

  /** KL(this ‖ other) = p (log p - log q) + (1-p) (log(1-p) - log(1-q)). */
  kl(other: Bernoulli): Value {
    const q = checkSame("Bernoulli.kl", Bernoulli, other);
    if (q.eventNdims !== this.eventNdims) throw new TypeError(`Bernoulli.kl: eventNdims ${this.eventNdims} vs ${q.eventNdims}`);
    const p = this.probs();
    const lp1 = (l: Value) => np.negative(np.softplus(np.negative(l)));
    const lp0 = (l: Value) => np.negative(np.softplus(l));
    const a = mulNoNan(np.subtract(lp1(this.logits), lp1(q.logits)), p);
    const b = mulNoNan(np.subtract(lp0(this.logits), lp0(q.logits)), np.subtract(1, p));
    return sumEvent(np.add(a, b), this.eventNdims);
  }
}

export interface DeterministicOptions extends EventOptions {
  /** x counts as equal to loc when |x - loc| <= atol (default 0). */
  atol?: number;
}

/** A point mass at `loc`: logProb 0 there and -inf elsewhere, entropy 0. */
export class Deterministic {
  readonly loc: Value;
  readonly eventNdims: number;
  readonly atol: number;

  constructor(loc: ArrayLike, opts: DeterministicOptions = {}) {
    this.loc = np.asArray(loc);
    this.eventNdims = checkEventNdims("Deterministic", opts.eventNdims, this.loc.shape);
    const atol = opts.atol ?? 0;
    if (!(atol >= 0)) throw new TypeError(`Deterministic: atol must be a non-negative number, got ${opts.atol}`);
    this.atol = atol;
    Object.freeze(this);
  }

  get batchShape(): number[] {
    return this.loc.shape.slice(0, this.loc.ndim - this.eventNdims);
  }
  get eventShape(): number[] {
    return this.loc.shape.slice(this.loc.ndim - this.eventNdims);
  }
  private get floatDtype(): DType {
    return isFloatDtype(this.loc.dtype) ? this.loc.dtype : "float32";
  }

  logProb(x: ArrayLike): Value {
    const xv = np.asArray(x);
    const close = this.atol === 0 ? np.equal(xv, this.loc) : np.lessEqual(np.abs(np.subtract(xv, this.loc)), this.atol);
    const lp = np.where(close, np.zeros([], this.floatDtype), -Infinity);
    return sumEvent(lp, this.eventNdims);
  }
  prob(x: ArrayLike): Value {
    return np.exp(this.logProb(x));
  }
  entropy(): Value {
    return np.zeros(this.batchShape, this.floatDtype);
  }
  /** loc repeated: shape [...sampleShape, ...loc.shape]. */
  sample(_key: Value | null, sampleShape?: number | readonly number[]): Value {
    const s = sampleShapeOf("Deterministic.sample", sampleShape);
    return bcast(this.loc, [...s, ...this.loc.shape]);
  }
  sampleAndLogProb(key: Value | null, sampleShape?: number | readonly number[]): [Value, Value] {
    const x = this.sample(key, sampleShape);
    return [x, np.zeros(x.shape.slice(0, x.ndim - this.eventNdims), this.floatDtype)];
  }
  mode(): Value {
    return this.loc;
  }
  mean(): Value {
    return this.loc;
  }
  /** KL(this ‖ other) = -log q(loc): 0 where the point masses coincide, +inf elsewhere. */
  kl(other: Deterministic): Value {
    const q = checkSame("Deterministic.kl", Deterministic, other);
    return np.subtract(0, q.logProb(this.loc)); // +0, not -0, where they coincide
  }
}

registerPytreeNode<Bernoulli, number>(Bernoulli, {
  flatten: (d) => [[d.logits], d.eventNdims],
  unflatten: (eventNdims, [logits]) => rebuild(Bernoulli, { logits, eventNdims }),
  childKeys: ["logits"],
});
registerPytreeNode<Deterministic, readonly [number, number]>(Deterministic, {
  flatten: (d) => [[d.loc], [d.eventNdims, d.atol] as const],
  unflatten: ([eventNdims, atol], [loc]) => rebuild(Deterministic, { loc, eventNdims, atol }),
  childKeys: ["loc"],
});
