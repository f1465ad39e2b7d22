// DDPG's and TD3's losses on one replay batch, as pure functions of parameters and explicit
// noise (so tests feed the same noise as a JAX reference). Actions are in the actor's
// normalized space [-1, 1] (the env's box maps affinely onto it).
//   target actions  a' = clip(μ_targ(s') + clip(σ·ε, −c, c), −1, 1)      (TD3's smoothing; σ = 0: off)
//   TD target       y  = r + discount · minᵢ Q_targ,i(s', a')             (discount = γⁿ(1 − terminated))
//   critic loss     Σᵢ mean((Qᵢ(s, a) − y)²)                              (CleanRL's; y is a constant)
//   actor loss      −mean(Q₁(s, μ(s)))
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import type { MLPParams } from "../../nn/index.js";
import type { QEnsemble } from "../common/continuous.js";

export interface DDPGNets {
  /** μ(x) in [-1, 1]. */
  actor(params: MLPParams, x: Value): Value;
  critic: QEnsemble;
}

export interface DDPGCriticBatch {
  /** Features of s and s' ([N, obsDim]). */
  x: Value;
  nextX: Value;
  /** Normalized actions [N, A]. */
  u: Value;
  rewards: Value;
  /** γⁿ(1 − terminated): 0 after a termination, γⁿ after a truncation. */
  discount: Value;
}

export interface SmoothingHyper {
  targetNoise: number | Value;
  targetNoiseClip: number | Value;
}

/** Smoothed target actions: μ_targ(s') plus clipped Gaussian noise (`eps` standard normal, [N, A]; null: none), clipped to [-1, 1]. */
export function targetActions(nets: DDPGNets, actorTarget: MLPParams, nextX: Value, eps: Value | null, h: SmoothingHyper): Value {
  const mu = nets.actor(actorTarget, nextX);
  if (eps === null) return mu;
  const c = h.targetNoiseClip;
  const noise = np.clip(np.multiply(h.targetNoise, eps), np.negative(np.asArray(c)), c);
  return np.clip(np.add(mu, noise), -1, 1);
}

/** r + discount · min over the ensemble of Q_targ(s', a'), without gradient. */
export function tdTarget(nextQ: Value, rewards: Value, discount: Value): Value {
  return lax.stopGradient(np.add(rewards, np.multiply(discount, np.min(nextQ, 0))));
}

/** The critics' loss and aux terms (target mean, Q mean). */
export function ddpgCriticLoss(
  nets: DDPGNets,
  critic: MLPParams,
  targets: { actor: MLPParams; critic: MLPParams },
  b: DDPGCriticBatch,
  eps: Value | null,
  h: SmoothingHyper,
): [Value, Record<string, Value>] {
  const a2 = targetActions(nets, targets.actor, b.nextX, eps, h);
  const y = tdTarget(nets.critic.apply(targets.critic, b.nextX, a2), b.rewards, b.discount);
  const q = nets.critic.apply(critic, b.x, b.u);
  const loss = np.sum(np.mean(np.square(np.subtract(q, y)), -1));
  return [loss, { qMean: np.mean(q), targetMean: np.mean(y) }];
}

/** −mean Q₁(s, μ(s)): the deterministic policy gradient's loss (the first critic only, as TD3). */
export function ddpgActorLoss(nets: DDPGNets, actor: MLPParams, critic: MLPParams, x: Value): Value {
  const q = nets.critic.apply(critic, x, nets.actor(actor, x));
  return np.negative(np.mean(q.get(0)));
}
