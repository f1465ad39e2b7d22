// IMPALA's loss on a minibatch of whole trajectories [T, b] (evorl's IMPALAAgent.loss): the
// importance ratios of the current policy over the behaviour policy, V-trace targets for the
// critic, ρ_pg-weighted advantages for the policy gradient (both constants), an entropy bonus.
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { vtrace, type VtraceAdvantageMode } from "../common/vtrace.js";

type Num = number | Value;

export interface IMPALALossInput {
  /** log π_θ(a_t|s_t) under the learner's parameters, [T, b]. */
  logProb: Value;
  /** log μ(a_t|s_t) recorded by the behaviour policy during the rollout, [T, b]. */
  behaviourLogProb: Value;
  /** V_θ(s_t), [T, b]. */
  values: Value;
  /** V_θ(s'_t) of the real next observations, [T, b]. */
  nextValues: Value;
  rewards: Value;
  terminated: Value;
  truncated: Value;
  /** Per-sample policy entropy, [T, b]. */
  entropy: Value;
}

export interface IMPALALossHyper {
  gamma: Num;
  vtraceLambda: Num;
  clipRho: Num | null;
  clipC: Num | null;
  clipPgRho: Num | null;
  advMode: VtraceAdvantageMode;
  vfCoef: Num;
  entCoef: Num;
}

export interface IMPALALossTerms {
  total: Value;
  policyLoss: Value;
  valueLoss: Value;
  entropy: Value;
  /** Mean importance ratio π/μ (1 on the first pass over a rollout). */
  rho: Value;
  approxKl: Value;
}

/** total = policyLoss + vfCoef · valueLoss − entCoef · entropy. */
export function impalaLoss(x: IMPALALossInput, h: IMPALALossHyper): IMPALALossTerms {
  const logRho = lax.stopGradient(np.subtract(x.logProb, x.behaviourLogProb));
  const rhos = np.exp(logRho);
  const v = vtrace({
    values: lax.stopGradient(x.values),
    nextValues: lax.stopGradient(x.nextValues),
    rewards: x.rewards,
    rhos,
    terminated: x.terminated,
    done: np.logicalOr(x.terminated, x.truncated),
    gamma: h.gamma,
    lambda: h.vtraceLambda,
    clipRho: h.clipRho,
    clipC: h.clipC,
    clipPgRho: h.clipPgRho,
    mode: h.advMode,
  });
  const valueLoss = np.mean(np.square(np.subtract(x.values, v.vs)));
  const policyLoss = np.negative(np.mean(np.multiply(v.pgAdvantages, x.logProb)));
  const entropy = np.mean(x.entropy);
  const total = np.subtract(np.add(policyLoss, np.multiply(h.vfCoef, valueLoss)), np.multiply(h.entCoef, entropy));
  const approxKl = np.mean(np.subtract(np.subtract(rhos, 1), logRho));
  return { total, policyLoss, valueLoss, entropy, rho: np.mean(rhos), approxKl };
}
