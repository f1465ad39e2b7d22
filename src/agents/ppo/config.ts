// PPO's own options: the loss, the networks and the learner (epochs × minibatches, GAE, the
// optimizer). The rollout loop's options (envs, steps, discount) belong to OnPolicyWorkflow;
// the registry entry (src/algorithms/) joins both into one flat config.
import type { Schema } from "../common/config.js";
import { POLICY_SCHEMA, type PolicyOptions } from "../common/policy.js";
import type { Torso } from "../common/networks.js";

/** The loss's options and the policy's (common/policy.ts: networks, action distribution, normalizer). */
export interface PPOAgentOptions extends PolicyOptions {
  clipEps: number;
  clipValue: boolean;
  /** null: the same as clipEps. */
  valueClipEps: number | null;
  vfCoef: number;
  entCoef: number;
  normalizeAdvantages: boolean;
  torso: Torso;
}

/** The learner's options (how a rollout is turned into gradient steps). */
export interface PPOLearnerOptions {
  epochs: number;
  numMinibatches: number;
  useGae: boolean;
  gaeLambda: number;
  lr: number;
  annealLr: boolean;
  adamEps: number;
  maxGradNorm: number | null;
  rewardScale: number;
}

export const PPO_AGENT_SCHEMA: Schema = {
  clipEps: { kind: "number", default: 0.2, gt: 0, doc: "ε of the clipped surrogate: the probability ratio is clipped to [1 − ε, 1 + ε]" },
  clipValue: { kind: "bool", default: true, doc: "clip the value prediction to within valueClipEps of the rollout's value (PPO2)" },
  valueClipEps: { kind: "number", default: null, gt: 0, nullable: true, doc: "the value clip range; null: clipEps" },
  vfCoef: { kind: "number", default: 0.5, min: 0, doc: "weight of the value loss" },
  entCoef: { kind: "number", default: 0.01, min: 0, doc: "weight of the entropy bonus" },
  normalizeAdvantages: { kind: "bool", default: true, doc: "standardize advantages within each minibatch" },
  ...POLICY_SCHEMA,
  torso: { kind: "enum", default: "mlp", values: ["mlp", "nature", "impala"], doc: "mlp: flattened observations through MLPs; nature / impala: a CNN shared by the heads on channels-last frames (uint8 scaled to [0, 1); [C, H, W] stacks moved last)" },
};

export const PPO_LEARNER_SCHEMA: Schema = {
  epochs: { kind: "int", default: 4, min: 1, doc: "passes over each rollout" },
  numMinibatches: { kind: "int", default: 4, min: 1, doc: "minibatches per epoch (must divide numEnvs × numSteps)" },
  useGae: { kind: "bool", default: true, doc: "generalized advantage estimation with gaeLambda; false: discounted returns minus values (λ = 1)" },
  gaeLambda: { kind: "number", default: 0.95, min: 0, max: 1, doc: "GAE's λ" },
  lr: { kind: "number", default: 2.5e-4, gt: 0, doc: "Adam's learning rate" },
  annealLr: { kind: "bool", default: true, doc: "anneal the learning rate linearly to 0 over the run" },
  adamEps: { kind: "number", default: 1e-5, gt: 0, doc: "Adam's ε" },
  maxGradNorm: { kind: "number", default: 0.5, gt: 0, nullable: true, doc: "clip gradients to this global norm; null: no clipping" },
  rewardScale: { kind: "number", default: 1, gt: 0, doc: "rewards are multiplied by this for learning (reported returns are unscaled)" },
};

/** Hyperparameters that may be traced scalars (swept by trainMany). */
export const PPO_SWEEPABLE = ["lr", "gamma", "gaeLambda", "clipEps", "valueClipEps", "vfCoef", "entCoef", "maxGradNorm", "rewardScale"] as const;
