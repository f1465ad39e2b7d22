// DDPG's and TD3's options (one agent, two registry entries that differ in defaults): rlib's
// DDPG options (q_lr, mu_lr, lr annealing, action noise, target noise, delayed policy update,
// twin Q, τ, max grad norm, observation normalization) with SB3 / CleanRL names in the docs.
// The replay loop's options (buffer, batch, learning starts, updates per step, γ) belong to
// OffPolicyWorkflow.
import type { Schema } from "../common/config.js";

export interface DDPGOptions {
  qLr: number;
  muLr: number;
  annealLr: boolean;
  actionNoise: number;
  targetNoise: number;
  targetNoiseClip: number;
  policyDelay: number;
  twinQ: boolean;
  tau: number;
  maxGradNorm: number | null;
  hiddenSizes: number[];
  activation: "relu" | "tanh" | "elu" | "gelu" | "silu";
  normalizeObs: boolean;
}

/** The schema with these defaults (DDPG: one Q, no delay, no smoothing; TD3: twin Q, delay 2, smoothing 0.2). */
export function ddpgSchema(d: Pick<DDPGOptions, "policyDelay" | "twinQ" | "targetNoise">): Schema {
  return {
    qLr: { kind: "number", default: 1e-3, gt: 0, doc: "the critic's Adam learning rate (rlib q_lr; SB3 learning_rate)" },
    muLr: { kind: "number", default: 1e-3, gt: 0, doc: "the actor's Adam learning rate (rlib mu_lr)" },
    annealLr: { kind: "bool", default: false, doc: "anneal both learning rates linearly to 0 over the run's updates (rlib lr_annealing)" },
    actionNoise: { kind: "number", default: 0.1, min: 0, doc: "std of the Gaussian exploration noise, as a fraction of the action half-range (rlib action_noise; CleanRL exploration_noise)" },
    targetNoise: { kind: "number", default: d.targetNoise, min: 0, doc: "target policy smoothing: std of the noise added to target actions, as a fraction of the half-range (rlib target_noise; SB3 target_policy_noise); 0: off" },
    targetNoiseClip: { kind: "number", default: 0.5, min: 0, doc: "the smoothing noise is clipped to ± this fraction of the half-range (SB3 target_noise_clip)" },
    policyDelay: { kind: "int", default: d.policyDelay, min: 1, doc: "critic updates per actor and target update (rlib delay_policy_update; SB3 policy_delay)" },
    twinQ: { kind: "bool", default: d.twinQ, doc: "two critics, targets from their minimum (clipped double Q; rlib twin_q)" },
    tau: { kind: "number", default: 0.005, min: 0, max: 1, doc: "Polyak step of the target networks: target ← τ·online + (1 − τ)·target (rlib target_update_tau)" },
    maxGradNorm: { kind: "number", default: null, gt: 0, nullable: true, doc: "clip each network's gradients to this global norm; null: no clipping (rlib max_grad_norm)" },
    hiddenSizes: { kind: "ints", default: [256, 256], doc: "hidden layer widths of the actor and of each critic (rl-zoo Pendulum: [400, 300])" },
    activation: { kind: "enum", default: "relu", values: ["relu", "tanh", "elu", "gelu", "silu"], doc: "hidden activation" },
    normalizeObs: { kind: "bool", default: false, doc: "normalize observations by running mean and variance (kept in the agent state; rlib normalize_observation)" },
  };
}

export const DDPG_SCHEMA: Schema = ddpgSchema({ policyDelay: 1, twinQ: false, targetNoise: 0 });
export const TD3_SCHEMA: Schema = ddpgSchema({ policyDelay: 2, twinQ: true, targetNoise: 0.2 });

/** Options that may be traced scalars (swept by trainMany). */
export const DDPG_SWEEPABLE = ["qLr", "muLr", "gamma", "tau", "actionNoise", "targetNoise", "targetNoiseClip"] as const;
