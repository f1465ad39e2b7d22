// Evolution strategies' options: rlib's EvolutionStrategy (population, lr, σ, observation
// normalization) and evorl's OpenES (mirrored sampling, centered-rank fitness shaping, an
// optax optimizer on the estimated gradient, weight decay, σ and lr decay), and the policy
// network. The loop's options (iterations, episodes per member, caps, stop score) belong to
// EvolutionWorkflow (EVOLUTION_LOOP_SCHEMA).
import type { Schema } from "../common/config.js";

export type FitnessShaping = "zscore" | "centeredRank" | "none";

export interface ESOptions {
  popSize: number;
  lr: number;
  sigma: number;
  mirrored: boolean;
  fitnessShaping: FitnessShaping;
  optimizer: "sgd" | "adam";
  adamB1: number;
  adamB2: number;
  adamEps: number;
  weightDecay: number;
  sigmaDecay: number;
  sigmaMin: number;
  lrDecay: number;
  lrMin: number;
  hiddenSizes: number[];
  activation: "tanh" | "relu" | "elu" | "gelu" | "silu";
  normalizeObs: boolean;
}

export const ES_SCHEMA: Schema = {
  popSize: { kind: "int", default: 30, min: 2, doc: "members per population N (rlib's num_agents); even when mirrored" },
  lr: { kind: "number", default: 0.03, gt: 0, doc: "learning rate of the update θ ← θ + lr · ĝ (rlib: lr / (N σ) · Σ rᵢ εᵢ)" },
  sigma: { kind: "number", default: 0.1, gt: 0, doc: "σ, the standard deviation of the parameter noise" },
  mirrored: { kind: "bool", default: false, doc: "antithetic sampling (evorl's OpenES): members come in pairs θ ± σε" },
  fitnessShaping: {
    kind: "enum",
    default: "zscore",
    values: ["zscore", "centeredRank", "none"],
    doc: "fitness → weights: zscore standardizes (rlib; no update when the std is below 1e-6), centeredRank maps ranks to [−0.5, 0.5] (OpenAI ES / evorl), none uses raw returns",
  },
  optimizer: { kind: "enum", default: "sgd", values: ["sgd", "adam"], doc: "the optax optimizer applied to −ĝ: sgd is rlib's plain step, adam evorl's OpenES default" },
  adamB1: { kind: "number", default: 0.9, min: 0, max: 1, doc: "Adam's β₁" },
  adamB2: { kind: "number", default: 0.999, min: 0, max: 1, doc: "Adam's β₂" },
  adamEps: { kind: "number", default: 1e-8, gt: 0, doc: "Adam's ε" },
  weightDecay: { kind: "number", default: 0, min: 0, doc: "L2 weight decay added to the descent direction: −ĝ + weightDecay · θ (evorl's OpenES)" },
  sigmaDecay: { kind: "number", default: 1, gt: 0, max: 1, doc: "σ is multiplied by this after every iteration" },
  sigmaMin: { kind: "number", default: 0, min: 0, doc: "σ never decays below this" },
  lrDecay: { kind: "number", default: 1, gt: 0, max: 1, doc: "the learning rate is lr · lrDecay^iteration" },
  lrMin: { kind: "number", default: 0, min: 0, doc: "the learning rate never decays below this" },
  hiddenSizes: { kind: "ints", default: [32, 32], doc: "hidden layer widths of the policy MLP (rlib's example: [32, 32])" },
  activation: { kind: "enum", default: "tanh", values: ["tanh", "relu", "elu", "gelu", "silu"], doc: "hidden activation" },
  normalizeObs: { kind: "bool", default: false, doc: "normalize observations by the running mean and variance of every member's observations (rlib's normalize_observation)" },
};

/** Hyperparameters that may be traced scalars (swept by trainMany). */
export const ES_SWEEPABLE = ["lr", "sigma", "weightDecay"] as const;
