// SAC's registry entry: the off-policy loop's options plus SAC's own, and its workflow.
import type { Environment } from "../../envs/types.js";
import { OFF_POLICY_LOOP_SCHEMA } from "../../workflows/config.js";
import { OffPolicyWorkflow, type OffPolicyConfig } from "../../workflows/off_policy.js";
import { algorithmSchema, type AlgorithmSpec } from "../../workflows/algorithm.js";
import type { Hyper } from "../../workflows/workflow.js";
import { checkContinuousOffPolicy, CONTINUOUS_DEFAULTS } from "../ddpg/algorithm.js";
import { SAC_SCHEMA, SAC_SWEEPABLE, type SACOptions } from "./config.js";
import { SACAgent } from "./agent.js";
import { agentFactory } from "../common/config.js";

export type SACConfig = OffPolicyConfig & SACOptions;

export const SAC_ALGORITHM: AlgorithmSpec<SACConfig> = {
  name: "sac",
  title: "Soft Actor-Critic (Haarnoja et al. 2018) with automatic entropy tuning, twin Q, tanh-Gaussian policy",
  family: "off-policy",
  actionSpaces: "Box",
  schema: algorithmSchema("sac", CONTINUOUS_DEFAULTS, OFF_POLICY_LOOP_SCHEMA, SAC_SCHEMA),
  sweepable: SAC_SWEEPABLE,
  check: checkContinuousOffPolicy,
  build(c: SACConfig, env: Environment, hyper: Hyper = {}) {
    return new OffPolicyWorkflow<SACConfig>(c, env, agentFactory(SACAgent), hyper);
  },
  docs: "sac.md",
};
