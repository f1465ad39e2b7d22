// SAC's options (Haarnoja et al. 2018, SB3 / CleanRL names in the docs). The replay loop's
// options (buffer, batch, learning starts, updates per step, γ) belong to OffPolicyWorkflow.
import type { Schema } from "../common/config.js";

export interface SACOptions {
  qLr: number;
  policyLr: number;
  alphaLr: number;
  annealLr: boolean;
  autoAlpha: boolean;
  alpha: number;
  targetEntropy: number | null;
  tau: number;
  policyDelay: number;
  logStdMin: number;
  logStdMax: number;
  maxGradNorm: number | null;
  hiddenSizes: number[];
  activation: "relu" | "tanh" | "elu" | "gelu" | "silu";
  normalizeObs: boolean;
}

export const SAC_SCHEMA: Schema = {
  qLr: { kind: "number", default: 1e-3, gt: 0, doc: "the critics' Adam learning rate (SB3 learning_rate; CleanRL q_lr)" },
  policyLr: { kind: "number", default: 1e-3, gt: 0, doc: "the actor's Adam learning rate (CleanRL policy_lr)" },
  alphaLr: { kind: "number", default: 1e-3, gt: 0, doc: "the Adam learning rate of log α (automatic entropy tuning)" },
  annealLr: { kind: "bool", default: false, doc: "anneal every learning rate linearly to 0 over the run's updates" },
  autoAlpha: { kind: "bool", default: true, doc: "learn the entropy temperature α so the policy's entropy tracks targetEntropy (SB3 ent_coef=\"auto\"; CleanRL autotune)" },
  alpha: { kind: "number", default: 1, gt: 0, doc: "the temperature α: its initial value when autoAlpha, else fixed (CleanRL alpha = 0.2 without autotune)" },
  targetEntropy: { kind: "number", default: null, nullable: true, doc: "the entropy α tunes toward; null: minus the action dimension (−dim A)" },
  tau: { kind: "number", default: 0.005, min: 0, max: 1, doc: "Polyak step of the target critics: target ← τ·online + (1 − τ)·target" },
  policyDelay: { kind: "int", default: 1, min: 1, doc: "critic updates per actor (and α) update (CleanRL policy_frequency)" },
  logStdMin: { kind: "number", default: -5, doc: "the policy's log std is squashed into [logStdMin, logStdMax] by a tanh (CleanRL)" },
  logStdMax: { kind: "number", default: 2, doc: "the upper end of the log std's range" },
  maxGradNorm: { kind: "number", default: null, gt: 0, nullable: true, doc: "clip each network's gradients to this global norm; null: no clipping" },
  hiddenSizes: { kind: "ints", default: [256, 256], doc: "hidden layer widths of the actor and of each critic" },
  activation: { kind: "enum", default: "relu", values: ["relu", "tanh", "elu", "gelu", "silu"], doc: "hidden activation" },
  normalizeObs: { kind: "bool", default: false, doc: "normalize observations by running mean and variance (kept in the agent state)" },
};

/** Options that may be traced scalars (swept by trainMany). */
export const SAC_SWEEPABLE = ["qLr", "policyLr", "alphaLr", "gamma", "tau", "alpha", "targetEntropy"] as const;
