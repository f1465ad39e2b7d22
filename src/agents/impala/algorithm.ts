// IMPALA's registry entry: the on-policy loop's options (IMPALA's defaults: 32 envs × 32 steps) plus its own.
import type { Environment } from "../../envs/types.js";
import { ON_POLICY_LOOP_SCHEMA } from "../../workflows/config.js";
import { OnPolicyWorkflow, type OnPolicyConfig } from "../../workflows/on_policy.js";
import { algorithmSchema, type AlgorithmSpec } from "../../workflows/algorithm.js";
import type { Hyper } from "../../workflows/workflow.js";
import { checkOnPolicy } from "../ppo/algorithm.js";
import { IMPALA_LOOP_SCHEMA, IMPALA_SCHEMA, IMPALA_SWEEPABLE, type IMPALAOptions } from "./config.js";
import { IMPALAAgent } from "./agent.js";
import { agentFactory } from "../common/config.js";

export type IMPALAConfig = OnPolicyConfig & IMPALAOptions;

export const IMPALA_ALGORITHM: AlgorithmSpec<IMPALAConfig> = {
  name: "impala",
  title: "IMPALA (Espeholt et al. 2018): V-trace actor-critic, synchronous, as evorl",
  family: "on-policy",
  actionSpaces: "Discrete, Box",
  schema: algorithmSchema("impala", ON_POLICY_LOOP_SCHEMA, IMPALA_LOOP_SCHEMA, IMPALA_SCHEMA),
  sweepable: IMPALA_SWEEPABLE,
  check(c) {
    checkOnPolicy(c);
    if (c.minibatchSize > c.numEnvs) throw new TypeError(`config: minibatchSize = ${c.minibatchSize} (trajectories per minibatch) must be at most numEnvs = ${c.numEnvs}`);
  },
  build(c: IMPALAConfig, env: Environment, hyper: Hyper = {}) {
    return new OnPolicyWorkflow<IMPALAConfig>(c, env, agentFactory(IMPALAAgent), hyper);
  },
  docs: "impala.md",
};
