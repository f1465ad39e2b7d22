// PPO with curiosity: registry entries "ppo-rnd" and "ppo-snd" — PPO carrying the RND or SND
// extension (src/agents/extensions/), which adds an intrinsic reward and a second critic.
// Defaults follow the RLAgents notes: γ_ext 0.998, γ_int 0.99, advantages ext 2 / int 1 (not
// standardized), clip 0.1, entropy 0.001, lr 1e-4 (not annealed), critic loss × 0.5,
// gradient clip 0.5.
import { ON_POLICY_LOOP_SCHEMA } from "../../workflows/config.js";
import { OnPolicyWorkflow } from "../../workflows/on_policy.js";
import { algorithmSchema, type AlgorithmSpec } from "../../workflows/algorithm.js";
import type { Schema } from "../common/config.js";
import { RND_SCHEMA, SND_SCHEMA, SYMMETRY_SCHEMA, TWO_CRITIC_SCHEMA, UNREAL_SCHEMA, type RNDOptions, type SNDOptions, type TwoCriticOptions, type UnrealOptions } from "../extensions/config.js";
import { PPO_AGENT_SCHEMA, PPO_LEARNER_SCHEMA, PPO_SWEEPABLE } from "./config.js";
import { PPO_ALGORITHM, makeRunAgent, type PPOConfig } from "./algorithm.js";

export type PPORNDConfig = PPOConfig & TwoCriticOptions & RNDOptions;
export type PPOSNDConfig = PPORNDConfig & SNDOptions;
export type RANDALConfig = PPORNDConfig & UnrealOptions;

/** The schema with some defaults replaced. */
function withDefaults(schema: Schema, defaults: Record<string, unknown>): Schema {
  const out: Schema = { ...schema };
  for (const [k, v] of Object.entries(defaults)) if (out[k] !== undefined) out[k] = { ...out[k]!, default: v };
  return out;
}

/** The RLAgents notes' PPO settings for curiosity. */
export const CURIOSITY_DEFAULTS = { gamma: 0.998, clipEps: 0.1, entCoef: 0.001, lr: 1e-4, annealLr: false, vfCoef: 0.5, maxGradNorm: 0.5, normalizeAdvantages: false };

function curiositySpec<C extends PPORNDConfig>(name: string, title: string, extra: Schema[], defaults: Record<string, unknown> = {}): AlgorithmSpec<C> {
  const parts = [ON_POLICY_LOOP_SCHEMA, PPO_LEARNER_SCHEMA, PPO_AGENT_SCHEMA, TWO_CRITIC_SCHEMA].map((p) => withDefaults(p, { ...CURIOSITY_DEFAULTS, ...defaults }));
  return {
    name,
    title,
    family: "on-policy",
    actionSpaces: "Discrete, Box",
    schema: algorithmSchema(name, ...parts, RND_SCHEMA, ...extra, SYMMETRY_SCHEMA),
    sweepable: PPO_SWEEPABLE,
    check: (c) => PPO_ALGORITHM.check!(c),
    build: (c, env, hyper = {}) => new OnPolicyWorkflow<C>(c, env, makeRunAgent, hyper),
    docs: "exploration.md",
  };
}

export const PPO_RND_ALGORITHM = curiositySpec<PPORNDConfig>("ppo-rnd", "PPO with random network distillation (Burda et al. 2018; rsl_rl / RLAgents) and two critics", []);
export const PPO_SND_ALGORITHM = curiositySpec<PPOSNDConfig>("ppo-snd", "PPO with self-supervised network distillation (SND-V / SND-VIC / SND-STD, RLAgents) and two critics", [SND_SCHEMA]);

/**
 * RANDAL (rlib): RND plus UNREAL's auxiliary tasks on a CNN torso; rlib's advantage weights
 * intr_coeff 0.5 and extr_coeff 1.0.
 */
export const RANDAL_ALGORITHM = curiositySpec<RANDALConfig>("randal", "RANDAL (rlib): PPO + RND + UNREAL's auxiliary tasks (pixel control, reward prediction, value replay)", [UNREAL_SCHEMA], {
  extAdvCoef: 1.0,
  intAdvCoef: 0.5,
  torso: "nature",
});
