// workflows: the training loops. A Workflow threads one state record through a jitted
// `step`; `learn` is the host loop; OnPolicyWorkflow is PPO's (and any on-policy agent's);
// trainMany vmaps whole runs over seeds and a swept hyperparameter.
import { Workflow, toHost, hostNumber } from "./workflow.js";
import { OnPolicyWorkflow, SWEEPABLE } from "./on_policy.js";
import { trainMany, trainFunction, evalIterations } from "./train_many.js";
import { rollout, episodeMetrics } from "./rollout.js";
import { evaluateEpisodes } from "./evaluator.js";
import { ON_POLICY_SCHEMA, ON_POLICY_ALGORITHMS, configSchema, resolveOnPolicyConfig } from "./config.js";

export type { WorkflowState, Counters, Metrics, HostMetrics, Logger, EvalResult, LearnOptions } from "./workflow.js";
export type { OnPolicyState, BuildOptions, Sweepable } from "./on_policy.js";
export type { TrainManyOptions, TrainManyResult } from "./train_many.js";
export type { RolloutCarry } from "./rollout.js";
export type { EpisodeResults } from "./evaluator.js";
export type { OnPolicyConfig, PPOConfig, Algorithm } from "./config.js";
export {
  Workflow,
  OnPolicyWorkflow,
  SWEEPABLE,
  trainMany,
  trainFunction,
  evalIterations,
  rollout,
  episodeMetrics,
  evaluateEpisodes,
  ON_POLICY_SCHEMA,
  ON_POLICY_ALGORITHMS,
  configSchema,
  resolveOnPolicyConfig,
  toHost,
  hostNumber,
};

export const workflows = {
  OnPolicyWorkflow,
  trainMany,
  configSchema,
  resolveConfig: resolveOnPolicyConfig,
  evaluateEpisodes,
  rollout,
};

// Run outputs and logging (the CLI's building blocks), for library users.
export * as outputs from "./outputs/index.js";
export * as logging from "./logging/index.js";
export { Progress } from "./progress.js";
