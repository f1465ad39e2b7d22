// A2C's registry entry: the on-policy loop's options (A2C's defaults: 8 envs × 5 steps) plus its own.
import type { Environment } from "../../envs/types.js";
import { ON_POLICY_LOOP_SCHEMA } from "../../workflows/config.js";
import { OnPolicyWorkflow, type OnPolicyConfig } from "../../workflows/on_policy.js";
import { algorithmSchema, type AlgorithmSpec } from "../../workflows/algorithm.js";
import type { Hyper } from "../../workflows/workflow.js";
import { checkOnPolicy } from "../ppo/algorithm.js";
import { A2C_LOOP_SCHEMA, A2C_SCHEMA, A2C_SWEEPABLE, type A2COptions } from "./config.js";
import { A2CAgent } from "./agent.js";
import { agentFactory } from "../common/config.js";

export type A2CConfig = OnPolicyConfig & A2COptions;

export const A2C_ALGORITHM: AlgorithmSpec<A2CConfig> = {
  name: "a2c",
  title: "Advantage Actor-Critic (Mnih et al. 2016), synchronous, Stable-Baselines3 style",
  family: "on-policy",
  actionSpaces: "Discrete, Box",
  schema: algorithmSchema("a2c", ON_POLICY_LOOP_SCHEMA, A2C_LOOP_SCHEMA, A2C_SCHEMA),
  sweepable: A2C_SWEEPABLE,
  check: checkOnPolicy,
  build(c: A2CConfig, env: Environment, hyper: Hyper = {}) {
    return new OnPolicyWorkflow<A2CConfig>(c, env, agentFactory(A2CAgent), hyper);
  },
  docs: "a2c.md",
};
