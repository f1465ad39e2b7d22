// SAC's three losses on one replay batch, as pure functions of parameters and explicit
// standard-normal noise (so tests feed the same noise as a JAX reference). Actions are in the
// squashed space [-1, 1] (the env's box maps affinely onto it); log-probabilities are those of
// the squashed action (SB3's convention, so the target entropy −|A| does not depend on the box).
//   policy          u = m(s) + σ(s)·ε,  a = tanh(u),  log π(a|s) from u (no atanh)
//   critic target   y = r + discount · (minᵢ Q_targ,i(s', a') − α log π(a'|s'))
//   critic loss     Σᵢ mean((Qᵢ(s, a) − y)²)
//   actor loss      mean(α log π(a|s) − minᵢ Qᵢ(s, a))
//   α loss          −mean(log α · (log π(a|s) + H̄))   (gradient −mean(log π + H̄): α grows when the entropy is below H̄)
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { TanhNormal } from "../../distributions/index.js";
import type { MLPParams } from "../../nn/index.js";
import type { QEnsemble } from "../common/continuous.js";

export interface SACNets {
  /** [mean, raw log std] of the pre-tanh Gaussian, each [N, A]. */
  actor(params: MLPParams, x: Value): [Value, Value];
  critic: QEnsemble;
  logStdMin: number;
  logStdMax: number;
}

/** The tanh-squashed Gaussian policy at features x (log std squashed into [logStdMin, logStdMax]). */
export function sacPolicy(nets: SACNets, actor: MLPParams, x: Value): TanhNormal {
  const [mean, raw] = nets.actor(actor, x);
  const { logStdMin: lo, logStdMax: hi } = nets;
  const logStd = np.add(lo, np.multiply(0.5 * (hi - lo), np.add(np.tanh(raw), 1)));
  return new TanhNormal(mean, np.exp(logStd), { eventNdims: 1 });
}

/** [a = tanh(m + σ·ε), log π(a)] for standard-normal noise ε [N, A]. */
export function sacSample(pi: TanhNormal, eps: Value): [Value, Value] {
  const u = np.add(pi.loc, np.multiply(pi.scale, eps));
  const a = np.tanh(u);
  return [a, pi.logProb(a, u)];
}

export interface SACCriticBatch {
  x: Value;
  nextX: Value;
  /** Squashed actions [N, A] in [-1, 1]. */
  u: Value;
  rewards: Value;
  /** γⁿ(1 − terminated). */
  discount: Value;
}

/** The critics' loss (next actions from the current policy with noise eps [N, A]). */
export function sacCriticLoss(
  nets: SACNets,
  critic: MLPParams,
  actor: MLPParams,
  targetCritic: MLPParams,
  b: SACCriticBatch,
  alpha: number | Value,
  eps: Value,
): [Value, Record<string, Value>] {
  const [a2, logp2] = sacSample(sacPolicy(nets, actor, b.nextX), eps);
  const nextV = np.subtract(np.min(nets.critic.apply(targetCritic, b.nextX, a2), 0), np.multiply(alpha, logp2));
  const y = lax.stopGradient(np.add(b.rewards, np.multiply(b.discount, nextV)));
  const q = nets.critic.apply(critic, b.x, b.u);
  return [np.sum(np.mean(np.square(np.subtract(q, y)), -1)), { qMean: np.mean(q), targetMean: np.mean(y) }];
}

/** The actor's loss and the log-probabilities of its actions (for α's loss). */
export function sacActorLoss(nets: SACNets, actor: MLPParams, critic: MLPParams, x: Value, alpha: number | Value, eps: Value): [Value, Value] {
  const [a, logp] = sacSample(sacPolicy(nets, actor, x), eps);
  const q = np.min(nets.critic.apply(critic, x, a), 0);
  return [np.mean(np.subtract(np.multiply(alpha, logp), q)), logp];
}

/** α's loss in log α (SB3's form): −mean(log α · (log π + H̄)), log π held constant. */
export function sacAlphaLoss(logAlpha: Value, logp: Value, targetEntropy: number | Value): Value {
  return np.negative(np.mean(np.multiply(logAlpha, lax.stopGradient(np.add(logp, targetEntropy)))));
}
