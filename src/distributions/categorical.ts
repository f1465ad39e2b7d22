// Categorical over the last axis of `logits` (unnormalized log-probabilities). Masked
// categories (logits -inf) are handled without NaNs in values or gradients.
import type { Value } from "../core/values.js";
import { numpy as np, type ArrayLike } from "../numpy/index.js";
import { registerPytreeNode } from "../pytree/index.js";
import { random } from "../random/index.js";
import { checkSame, floatParam, rebuild, sampleShapeOf } from "./util.js";

export class Categorical {
  readonly logits: Value;

  constructor(logits: ArrayLike) {
    const l = floatParam("Categorical", "logits", logits);
    if (l.ndim === 0) throw new TypeError(`Categorical: logits need a category axis (rank >= 1), got ${l.aval}`);
    this.logits = l;
    Object.freeze(this);
  }

  /** A categorical from probabilities along the last axis (logits = log(probs)). */
  static fromProbs(probs: ArrayLike): Categorical {
    return new Categorical(np.log(floatParam("Categorical.fromProbs", "probs", probs)));
  }

  get numCategories(): number {
    return this.logits.shape[this.logits.ndim - 1]!;
  }
  get batchShape(): number[] {
    return this.logits.shape.slice(0, -1);
  }
  get eventShape(): number[] {
    return [];
  }

  /** Normalized log-probabilities, [...batch, K]. */
  logProbs(): Value {
    return np.logSoftmax(this.logits, -1);
  }
  probs(): Value {
    return np.softmax(this.logits, -1);
  }

  /** log p(x) for integer categories x (broadcast against the batch shape); -inf outside [0, K). */
  logProb(x: ArrayLike): Value {
    const K = this.numCategories;
    const xv = np.asArray(x);
    const hot = np.oneHot(xv, K, "bool");
    const lp = np.sum(np.where(hot, this.logProbs(), 0), -1);
    const outside = np.logicalOr(np.less(xv, 0), np.greaterEqual(xv, K));
    return np.where(outside, -Infinity, lp);
  }
  prob(x: ArrayLike): Value {
    return np.exp(this.logProb(x));
  }

  /** -Σ p log p; categories with p = 0 contribute 0. */
  entropy(): Value {
    const lp = this.logProbs();
    const p = np.exp(lp);
    const pos = np.greater(p, 0);
    return np.negative(np.sum(np.where(pos, np.multiply(p, np.where(pos, lp, 0)), 0), -1));
  }

  /** int32 samples of shape [...sampleShape, ...batch] (Gumbel-max, random.categorical). */
  sample(key: Value, sampleShape?: number | readonly number[]): Value {
    const s = sampleShapeOf("Categorical.sample", sampleShape);
    return random.categorical(key, this.logits, -1, [...s, ...this.batchShape]);
  }

  /** [samples, their log-probabilities]. */
  sampleAndLogProb(key: Value, sampleShape?: number | readonly number[]): [Value, Value] {
    const x = this.sample(key, sampleShape);
    return [x, this.logProb(x)];
  }

  /** The most likely category (the first on ties), int32. */
  mode(): Value {
    return np.argmax(this.logits, -1);
  }

  /** KL(this ‖ other) = Σ p (log p - log q); +inf where q = 0 < p. */
  kl(other: Categorical): Value {
    const q = checkSame("Categorical.kl", Categorical, other);
    if (q.numCategories !== this.numCategories)
      throw new TypeError(`Categorical.kl: ${this.numCategories} categories vs ${q.numCategories}`);
    const lp = this.logProbs();
    const p = np.exp(lp);
    const pos = np.greater(p, 0);
    const d = np.subtract(np.where(pos, lp, 0), np.where(pos, q.logProbs(), 0));
    return np.sum(np.where(pos, np.multiply(p, d), 0), -1);
  }
}

registerPytreeNode(Categorical, {
  flatten: (d) => [[d.logits], null],
  unflatten: (_aux, [logits]) => rebuild(Categorical, { logits }),
  childKeys: ["logits"],
});
