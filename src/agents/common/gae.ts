// Generalized advantage estimation (Schulman et al. 2016) with gymnasium's two kinds of
// episode end kept apart: a terminated episode has no future (bootstrap 0), a truncated one
// does (bootstrap V of the real final observation). Either way the advantage does not flow
// across the boundary into the next episode.
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";

export interface GaeInput {
  /** r_t, [T, ...batch]. */
  rewards: Value;
  /** V(s_t), [T, ...batch]. */
  values: Value;
  /** V(s'_t) of the real next observation (the final one at an episode end), [T, ...batch]. */
  nextValues: Value;
  /** The episode ended in a terminal state at step t (no bootstrap). */
  terminated: Value;
  /** The episode ended at step t for any reason (terminated or truncated): cut the trace. */
  done: Value;
  gamma: number | Value;
  lambda: number | Value;
}

export interface GaeOutput {
  advantages: Value;
  /** advantages + values: the λ-returns the critic regresses to. */
  targets: Value;
}

const f32 = (x: Value) => (x.dtype === "float32" ? x : np.astype(x, "float32"));

/**
 * δ_t = r_t + γ (1 − terminated_t) V(s'_t) − V(s_t);  A_t = δ_t + γ λ (1 − done_t) A_{t+1}.
 * λ = 1 gives discounted returns minus values (what "GAE off" means), λ = 0 one-step TD
 * errors. Time is axis 0; any batch axes follow.
 */
export function gae(x: GaeInput): GaeOutput {
  const values = f32(x.values);
  const notTerm = np.subtract(1, f32(x.terminated));
  const notDone = np.subtract(1, f32(x.done));
  const deltas = np.subtract(np.add(f32(x.rewards), np.multiply(np.multiply(x.gamma, notTerm), f32(x.nextValues))), values);
  const factors = np.multiply(np.multiply(x.gamma, x.lambda), notDone);
  const [, advantages] = lax.scan(
    (next: Value, [d, f]: [Value, Value]): [Value, Value] => {
      const a = np.add(d, np.multiply(f, next));
      return [a, a];
    },
    np.zerosLike(values.get(0)),
    [deltas, factors],
    { reverse: true },
  );
  return { advantages, targets: np.add(advantages, values) };
}
