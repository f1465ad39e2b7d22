// A2C's options: the loss, the networks, the returns and the optimizer (Stable-Baselines3's
// defaults: RMSprop with α 0.99, ε 1e-5, lr 7e-4; 5 steps × numEnvs per update; n-step returns).
import type { Schema } from "../common/config.js";
import type { OnPolicyOptimizerOptions } from "../common/optimizer.js";
import { optimizerSchema } from "../common/optimizer.js";
import { POLICY_SCHEMA, type PolicyOptions } from "../common/policy.js";
import { ON_POLICY_LOOP_SCHEMA } from "../../workflows/config.js";

export interface A2COptions extends PolicyOptions, Omit<OnPolicyOptimizerOptions, "iterations" | "updatesPerIteration"> {
  vfCoef: number;
  entCoef: number;
  normalizeAdvantages: boolean;
  gaeLambda: number;
}

export const A2C_SCHEMA: Schema = {
  vfCoef: { kind: "number", default: 0.5, min: 0, doc: "weight of the value loss (the mean squared error to the returns)" },
  entCoef: { kind: "number", default: 0, min: 0, doc: "weight of the entropy bonus" },
  normalizeAdvantages: { kind: "bool", default: false, doc: "standardize advantages over each rollout" },
  gaeLambda: { kind: "number", default: 1, min: 0, max: 1, doc: "GAE's λ; 1: n-step returns bootstrapped at the rollout's end (SB3's default)" },
  ...optimizerSchema({ optimizer: "rmsprop", lr: 7e-4, adamEps: 1e-5, maxGradNorm: 0.5, annealLr: false }),
  ...POLICY_SCHEMA,
};

/** The on-policy loop's options with A2C's defaults (SB3: 5 steps; rl-zoo's CartPole: 8 envs). */
export const A2C_LOOP_SCHEMA: Schema = {
  numEnvs: { ...ON_POLICY_LOOP_SCHEMA.numEnvs!, default: 8 },
  numSteps: { ...ON_POLICY_LOOP_SCHEMA.numSteps!, default: 5 },
};

/** Hyperparameters that may be traced scalars (swept by trainMany). */
export const A2C_SWEEPABLE = ["lr", "gamma", "gaeLambda", "vfCoef", "entCoef", "maxGradNorm"] as const;
