// DQN's TD loss from per-sample quantities, apart from any network, so it can be checked by
// hand and against rlax: target = r + discount · Q_target(s′, a*), with a* = argmax Q_target
// (DQN, rlax.q_learning) or argmax Q_online (Double DQN, rlax.double_q_learning). The target is
// a constant (stop_gradient).
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { huber, l2 } from "../common/losses.js";

export interface DQNLossInput {
  /** Q(s, ·) under the parameters being trained, [N, A]. */
  q: Value;
  /** Actions taken, int32 [N] (0-based). */
  actions: Value;
  /** (n-step) rewards, [N]. */
  rewards: Value;
  /** The bootstrap factor γⁿ(1 − terminated), [N]. */
  discount: Value;
  /** Q_target(s′, ·), [N, A]. */
  nextTarget: Value;
  /** Double DQN: Q_online(s′, ·), [N, A], whose argmax the target net evaluates. */
  nextOnline?: Value;
}

export type DQNLossTerms = {
  total: Value;
  /** Mean Q(s, a) of the batch. */
  q: Value;
  /** Mean |TD error|. */
  tdAbs: Value;
};

const pick = (q: Value, a: Value) => np.squeeze(np.takeAlongAxis(q, np.expandDims(a, -1), -1), -1);

/** The TD targets r + discount · Q_target(s′, a*) (a constant: no gradient flows through it). */
export function dqnTargets(x: Omit<DQNLossInput, "q" | "actions">): Value {
  const best = np.argmax(x.nextOnline ?? x.nextTarget, -1);
  const next = pick(x.nextTarget, best);
  return lax.stopGradient(np.add(x.rewards, np.multiply(x.discount, next)));
}

export function dqnLoss(x: DQNLossInput, kind: "huber" | "mse" = "huber"): DQNLossTerms {
  const qa = pick(x.q, x.actions);
  const td = np.subtract(dqnTargets(x), qa);
  return { total: np.mean(kind === "huber" ? huber(td) : l2(td)), q: np.mean(qa), tdAbs: np.mean(np.abs(td)) };
}
