// Regression losses of value learning, elementwise (callers take the mean).
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";

/** optax.huber_loss: ½x² for |x| ≤ δ, δ(|x| − ½δ) beyond (SB3's smooth L1 at δ = 1). */
export function huber(x: Value, delta = 1): Value {
  const a = np.abs(x);
  const q = np.minimum(a, delta);
  return np.add(np.multiply(0.5, np.square(q)), np.multiply(delta, np.subtract(a, q)));
}

/** ½x² (rlax's l2 on a TD error). */
export function l2(x: Value): Value {
  return np.multiply(0.5, np.square(x));
}
