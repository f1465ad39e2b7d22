// Tabular Q-learning's registry entry: the on-policy loop (rollouts of numSteps × numEnvs,
// the agent's update walks them in time order) plus the agent's options.
import type { Environment } from "../../envs/types.js";
import { ON_POLICY_LOOP_SCHEMA } from "../../workflows/config.js";
import { OnPolicyWorkflow, type OnPolicyConfig } from "../../workflows/on_policy.js";
import { algorithmSchema, type AlgorithmSpec } from "../../workflows/algorithm.js";
import type { Hyper } from "../../workflows/workflow.js";
import { QLEARNING_SCHEMA, QLEARNING_SWEEPABLE, type QLearningOptions } from "./config.js";
import { QLearningAgent } from "./agent.js";
import { agentFactory } from "../common/config.js";

export type QLearningConfig = OnPolicyConfig & QLearningOptions;

export const QLEARNING_ALGORITHM: AlgorithmSpec<QLearningConfig> = {
  name: "qlearning",
  title: "Tabular Q-learning (Watkins 1989), rlib's QLearning: a Q-table over a grid of the observations, ε-greedy",
  family: "on-policy",
  actionSpaces: "Discrete",
  schema: algorithmSchema("qlearning", ON_POLICY_LOOP_SCHEMA, QLEARNING_SCHEMA, {
    totalSteps: { kind: "int", default: 4_096_000, min: 1, doc: "environment steps of the whole run (MountainCar-v0's target is met in 4,096,000)" },
    numEnvs: { kind: "int", default: 16, min: 1, doc: "parallel environments (vectorized by vmap), all updating the one table" },
    numSteps: { kind: "int", default: 16, min: 1, doc: "steps per environment per iteration; the update walks them in time order (1: every update is seen by the next action)" },
    foldIterations: { kind: "int", default: 50, min: 1, doc: "iterations folded into one jitted call of the host loop (fewer round trips; metrics are still logged per iteration)" },
  }),
  sweepable: QLEARNING_SWEEPABLE,
  check(c) {
    const batch = c.numEnvs * c.numSteps;
    if (c.totalSteps < batch) throw new TypeError(`config: totalSteps = ${c.totalSteps} is less than one iteration (numEnvs × numSteps = ${batch} steps)`);
    if (c.normalizeReward) throw new TypeError("config: normalizeReward = true is not supported by qlearning (the table learns the returns of the rewards as given)");
  },
  build(c: QLearningConfig, env: Environment, hyper: Hyper = {}) {
    return new OnPolicyWorkflow<QLearningConfig>(c, env, agentFactory(QLearningAgent), hyper);
  },
  docs: "qlearning.md",
};
