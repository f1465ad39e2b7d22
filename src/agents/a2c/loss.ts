// A2C's objective (Mnih et al. 2016, as Stable-Baselines3 writes it) from per-sample
// quantities, apart from any network, so it can be checked by hand.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { standardize } from "../common/parallel.js";

type Num = number | Value;

export interface A2CLossInput {
  /** log π_θ(a|s). */
  logProb: Value;
  /** Advantages (constants: computed from the rollout's values). */
  advantages: Value;
  /** V_θ(s). */
  values: Value;
  /** The returns the critic regresses to (n-step or λ-returns). */
  targets: Value;
  /** Per-sample policy entropy. */
  entropy: Value;
}

export interface A2CLossHyper {
  vfCoef: Num;
  entCoef: Num;
  normalizeAdvantages: boolean;
  /** Data-parallel: standardize over the global batch of every device on this pmap axis. */
  axisName?: string;
}

export interface A2CLossTerms {
  total: Value;
  policyLoss: Value;
  valueLoss: Value;
  entropy: Value;
}

/**
 * policyLoss = −mean(A · log π), valueLoss = mean((R − V)²) (SB3's F.mse_loss, no ½),
 * total = policyLoss + vfCoef · valueLoss − entCoef · mean(entropy).
 */
export function a2cLoss(x: A2CLossInput, h: A2CLossHyper): A2CLossTerms {
  let adv = x.advantages;
  if (h.normalizeAdvantages) adv = standardize(adv, h.axisName);
  const policyLoss = np.negative(np.mean(np.multiply(adv, x.logProb)));
  const valueLoss = np.mean(np.square(np.subtract(x.targets, x.values)));
  const entropy = np.mean(x.entropy);
  const total = np.subtract(np.add(policyLoss, np.multiply(h.vfCoef, valueLoss)), np.multiply(h.entCoef, entropy));
  return { total, policyLoss, valueLoss, entropy };
}
