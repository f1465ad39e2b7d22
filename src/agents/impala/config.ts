// IMPALA's options (evorl's synchronous IMPALA): V-trace's clips and λ, the policy-gradient
// advantage's mode, the loss weights, trajectory minibatches × reuse epochs, the networks and
// the optimizer (Adam after global-norm clipping, as evorl).
import type { Schema } from "../common/config.js";
import type { OnPolicyOptimizerOptions } from "../common/optimizer.js";
import { optimizerSchema } from "../common/optimizer.js";
import { POLICY_SCHEMA, type PolicyOptions } from "../common/policy.js";
import type { VtraceAdvantageMode } from "../common/vtrace.js";
import { ON_POLICY_LOOP_SCHEMA } from "../../workflows/config.js";

export interface IMPALAOptions extends PolicyOptions, Omit<OnPolicyOptimizerOptions, "iterations" | "updatesPerIteration"> {
  vfCoef: number;
  entCoef: number;
  vtraceLambda: number;
  clipRho: number | null;
  clipC: number | null;
  clipPgRho: number | null;
  advMode: VtraceAdvantageMode;
  epochs: number;
  minibatchSize: number;
}

export const IMPALA_SCHEMA: Schema = {
  vfCoef: { kind: "number", default: 0.5, min: 0, doc: "weight of the critic loss, mean((V − v_s)²) (evorl's critic_loss weight)" },
  entCoef: { kind: "number", default: 0.01, min: 0, doc: "weight of the entropy bonus (evorl's actor_entropy weight, negated)" },
  vtraceLambda: { kind: "number", default: 1, min: 0, max: 1, doc: "λ of V-trace's traces" },
  clipRho: { kind: "number", default: 1, gt: 0, nullable: true, doc: "ρ̄: clip of the importance weights in V-trace's TD errors; null: no clip" },
  clipC: { kind: "number", default: 1, gt: 0, nullable: true, doc: "c̄: clip of V-trace's trace coefficients; null: no clip" },
  clipPgRho: { kind: "number", default: 1, gt: 0, nullable: true, doc: "ρ̄_pg: clip of the importance weights of the policy gradient; null: no clip" },
  advMode: { kind: "enum", default: "official", values: ["official", "acme"], doc: "policy-gradient advantage: r + γ v_{t+1} − V (official, rllib) or r + γ (λ v_{t+1} + (1 − λ) V_{t+1}) − V (acme, rlax)" },
  epochs: { kind: "int", default: 2, min: 1, doc: "passes over each rollout (evorl's reuse_rollout_epochs): later passes learn from a lagging behaviour policy" },
  minibatchSize: { kind: "int", default: 8, min: 1, doc: "trajectories (environments) per minibatch; numEnvs / minibatchSize minibatches per epoch, whole [numSteps] sequences, shuffled across environments only" },
  ...optimizerSchema({ optimizer: "adam", lr: 5e-4, adamEps: 1e-8, maxGradNorm: 10, annealLr: false }),
  ...POLICY_SCHEMA,
};

/** The on-policy loop's options with IMPALA's defaults. */
export const IMPALA_LOOP_SCHEMA: Schema = {
  numEnvs: { ...ON_POLICY_LOOP_SCHEMA.numEnvs!, default: 32 },
  numSteps: { ...ON_POLICY_LOOP_SCHEMA.numSteps!, default: 32 },
};

/** Hyperparameters that may be traced scalars (swept by trainMany). */
export const IMPALA_SWEEPABLE = ["lr", "gamma", "vfCoef", "entCoef", "vtraceLambda", "clipRho", "clipC", "clipPgRho", "maxGradNorm"] as const;
