// DQN's registry entry: the off-policy loop's options plus DQN's own, and its workflow.
import type { Environment } from "../../envs/types.js";
import { OFF_POLICY_LOOP_SCHEMA } from "../../workflows/config.js";
import { OffPolicyWorkflow, type OffPolicyConfig } from "../../workflows/off_policy.js";
import { algorithmSchema, type AlgorithmSpec } from "../../workflows/algorithm.js";
import type { Hyper } from "../../workflows/workflow.js";
import { DQN_SCHEMA, DQN_SWEEPABLE, type DQNOptions } from "./config.js";
import { DQNAgent } from "./agent.js";
import { agentFactory } from "../common/config.js";

export type DQNConfig = OffPolicyConfig & DQNOptions;

/** Checks every off-policy algorithm shares: a batch fits the buffer, an iteration the budget. */
export function checkOffPolicy(c: OffPolicyConfig): void {
  if (c.batchSize > c.bufferSize) throw new TypeError(`config: batchSize = ${c.batchSize} exceeds bufferSize = ${c.bufferSize}`);
  if (c.bufferSize < c.numEnvs) throw new TypeError(`config: bufferSize = ${c.bufferSize} must hold one vector step (numEnvs = ${c.numEnvs})`);
  if (c.totalSteps < c.numEnvs * c.trainFreq) throw new TypeError(`config: totalSteps = ${c.totalSteps} is less than one update phase (numEnvs × trainFreq = ${c.numEnvs * c.trainFreq} steps)`);
}

export const DQN_ALGORITHM: AlgorithmSpec<DQNConfig> = {
  name: "dqn",
  title: "Deep Q-Network (Mnih et al. 2015) with Double DQN, dueling heads and n-step options",
  family: "off-policy",
  actionSpaces: "Discrete",
  schema: algorithmSchema("dqn", { totalSteps: { kind: "int", default: 100_000, min: 1, doc: "environment steps of the whole run" } }, OFF_POLICY_LOOP_SCHEMA, DQN_SCHEMA),
  sweepable: DQN_SWEEPABLE,
  check: checkOffPolicy,
  build(c: DQNConfig, env: Environment, hyper: Hyper = {}) {
    return new OffPolicyWorkflow<DQNConfig>(c, env, agentFactory(DQNAgent), hyper);
  },
  docs: "dqn.md",
};
