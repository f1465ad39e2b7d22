// DDPG's and TD3's registry entries: the off-policy loop's options plus DDPG's own (TD3's
// defaults: twin Q, policy delay 2, target smoothing 0.2), and their workflow.
import type { Environment } from "../../envs/types.js";
import { OFF_POLICY_LOOP_SCHEMA } from "../../workflows/config.js";
import { OffPolicyWorkflow, type OffPolicyConfig } from "../../workflows/off_policy.js";
import { algorithmSchema, type AlgorithmSpec } from "../../workflows/algorithm.js";
import type { Hyper } from "../../workflows/workflow.js";
import type { Schema } from "../common/config.js";
import { DDPG_SCHEMA, DDPG_SWEEPABLE, TD3_SCHEMA, type DDPGOptions } from "./config.js";
import { DDPGAgent } from "./agent.js";
import { checkOffPolicy } from "../dqn/algorithm.js";
import { agentFactory } from "../common/config.js";

export type DDPGConfig = OffPolicyConfig & DDPGOptions;

/** The off-policy checks (DQN's), and a run must go past learningStarts (else no update runs). */
export function checkContinuousOffPolicy(c: OffPolicyConfig): void {
  checkOffPolicy(c);
  if (c.totalSteps <= c.learningStarts) throw new TypeError(`config: totalSteps = ${c.totalSteps} must exceed learningStarts = ${c.learningStarts} (no update would run)`);
}

/** Box-action defaults: Pendulum-v1 for 20k steps (the learning target's budget). */
export const CONTINUOUS_DEFAULTS: Schema = {
  env: { kind: "string", default: "Pendulum-v1", doc: "environment id (envs.make)" },
  totalSteps: { kind: "int", default: 20_000, min: 1, doc: "environment steps of the whole run" },
};

function spec(name: "ddpg" | "td3", title: string, schema: Schema): AlgorithmSpec<DDPGConfig> {
  return {
    name,
    title,
    family: "off-policy",
    actionSpaces: "Box",
    schema: algorithmSchema(name, CONTINUOUS_DEFAULTS, OFF_POLICY_LOOP_SCHEMA, schema),
    sweepable: DDPG_SWEEPABLE,
    check: checkContinuousOffPolicy,
    build(c: DDPGConfig, env: Environment, hyper: Hyper = {}) {
      return new OffPolicyWorkflow<DDPGConfig>(c, env, agentFactory(DDPGAgent), hyper);
    },
    docs: "ddpg.md",
  };
}

export const DDPG_ALGORITHM = spec("ddpg", "Deep Deterministic Policy Gradient (Lillicrap et al. 2016)", DDPG_SCHEMA);
export const TD3_ALGORITHM = spec("td3", "Twin Delayed DDPG (Fujimoto et al. 2018): clipped double Q, delayed policy updates, target policy smoothing", TD3_SCHEMA);
