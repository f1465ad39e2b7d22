// PPO's objective (Schulman et al. 2017) from per-sample quantities, apart from any network,
// so it can be checked by hand: the clipped surrogate, the (optionally clipped) value loss
// and the entropy bonus, with the diagnostics practitioners watch (approximate KL, clip
// fraction). Hyperparameters may be JS numbers or traced scalars (a swept hyperparameter).
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { standardize } from "../common/parallel.js";

type Num = number | Value;

export interface PPOLossHyper {
  /** ε of the clipped surrogate: the ratio is kept within [1 − ε, 1 + ε]. */
  clipEps: Num;
  /** Clip the value prediction around the rollout's value (PPO2 / CleanRL style). */
  clipValue: boolean;
  /** The value clip range (PureJaxRL uses clipEps). */
  valueClipEps: Num;
  vfCoef: Num;
  entCoef: Num;
  /** Standardize advantages over the (mini)batch. */
  normalizeAdvantages: boolean;
  /** Data-parallel: standardize over the global batch of every device on this pmap axis. */
  axisName?: string;
}

export interface PPOLossInput {
  /** log π_θ(a|s) under the current parameters. */
  logProb: Value;
  /** log π_old(a|s) recorded during the rollout. */
  oldLogProb: Value;
  advantages: Value;
  /** V_θ(s) under the current parameters. */
  values: Value;
  /** V_old(s) recorded during the rollout. */
  oldValues: Value;
  /** Regression targets (λ-returns). */
  targets: Value;
  /** Per-sample policy entropy. */
  entropy: Value;
}

export interface PPOLossTerms {
  total: Value;
  policyLoss: Value;
  valueLoss: Value;
  entropy: Value;
  approxKl: Value;
  clipFrac: Value;
}

/** total = policyLoss + vfCoef · valueLoss − entCoef · entropy (all means over the batch). */
export function ppoLoss(x: PPOLossInput, h: PPOLossHyper): PPOLossTerms {
  let adv = x.advantages;
  if (h.normalizeAdvantages) adv = standardize(adv, h.axisName);
  const logRatio = np.subtract(x.logProb, x.oldLogProb);
  const ratio = np.exp(logRatio);
  const lo = np.subtract(1, h.clipEps);
  const hi = np.add(1, h.clipEps);
  const surrogate = np.minimum(np.multiply(ratio, adv), np.multiply(np.clip(ratio, lo, hi), adv));
  const policyLoss = np.negative(np.mean(surrogate));

  const vLoss = valueLoss(x.values, x.oldValues, x.targets, h);
  const entropy = np.mean(x.entropy);
  const total = np.subtract(np.add(policyLoss, np.multiply(h.vfCoef, vLoss)), np.multiply(h.entCoef, entropy));

  // Diagnostics, not differentiated: the k3 estimator of KL(old ‖ new) and how often the clip binds.
  const lr = lax.stopGradient(logRatio);
  const r = lax.stopGradient(ratio);
  const approxKl = np.mean(np.subtract(np.subtract(r, 1), lr));
  const clipFrac = np.mean(np.astype(np.greater(np.abs(np.subtract(r, 1)), h.clipEps), "float32"));
  return { total, policyLoss, valueLoss: vLoss, entropy, approxKl, clipFrac };
}

/** ½ mean (V − target)², the prediction clipped to within valueClipEps of the rollout's value when clipValue (PPO2). */
export function valueLoss(values: Value, oldValues: Value, targets: Value, h: Pick<PPOLossHyper, "clipValue" | "valueClipEps">): Value {
  let vLosses = np.square(np.subtract(values, targets));
  if (h.clipValue) {
    const e = h.valueClipEps;
    const clipped = np.add(oldValues, np.clip(np.subtract(values, oldValues), np.negative(e), e));
    vLosses = np.maximum(vLosses, np.square(np.subtract(clipped, targets)));
  }
  return np.multiply(0.5, np.mean(vLosses));
}
