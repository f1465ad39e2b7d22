// PPO's own options (the loss and the networks). The training loop's options (envs, steps,
// epochs, minibatches, discount, GAE, learning rate...) belong to OnPolicyWorkflow.
import type { Schema } from "../common/config.js";

export interface PPOAgentOptions {
  clipEps: number;
  clipValue: boolean;
  /** null: the same as clipEps. */
  valueClipEps: number | null;
  vfCoef: number;
  entCoef: number;
  normalizeAdvantages: boolean;
  hiddenSizes: number[];
  activation: "tanh" | "relu" | "elu" | "gelu" | "silu";
  sharedTorso: boolean;
  squash: boolean;
  initLogStd: number;
  normalizeObs: boolean;
}

export const PPO_AGENT_SCHEMA: Schema = {
  clipEps: { kind: "number", default: 0.2, gt: 0, doc: "ε of the clipped surrogate: the probability ratio is clipped to [1 − ε, 1 + ε]" },
  clipValue: { kind: "bool", default: true, doc: "clip the value prediction to within valueClipEps of the rollout's value (PPO2)" },
  valueClipEps: { kind: "number", default: null, gt: 0, nullable: true, doc: "the value clip range; null: clipEps" },
  vfCoef: { kind: "number", default: 0.5, min: 0, doc: "weight of the value loss" },
  entCoef: { kind: "number", default: 0.01, min: 0, doc: "weight of the entropy bonus" },
  normalizeAdvantages: { kind: "bool", default: true, doc: "standardize advantages within each minibatch" },
  hiddenSizes: { kind: "ints", default: [64, 64], doc: "hidden layer widths of the actor and critic torsos" },
  activation: { kind: "enum", default: "tanh", values: ["tanh", "relu", "elu", "gelu", "silu"], doc: "hidden activation" },
  sharedTorso: { kind: "bool", default: false, doc: "one torso with a policy head and a value head instead of two networks" },
  squash: { kind: "bool", default: false, doc: "Box actions: tanh-squash the Gaussian and rescale it to the bounds (else clip the sample to them)" },
  initLogStd: { kind: "number", default: 0, doc: "Box actions: initial log standard deviation (a learned, state-independent vector)" },
  normalizeObs: { kind: "bool", default: false, doc: "normalize observations by running mean and variance (kept in the agent state)" },
};
