// workflows: the training loops every algorithm shares. A Workflow threads one state record
// through a jitted `step`; `learn` is the host loop; OnPolicyWorkflow runs rollouts,
// OffPolicyWorkflow a replay buffer; trainWorkflowMany vmaps whole runs over seeds and a swept
// hyperparameter. Nothing here knows one algorithm: they live in src/agents/<algo>/.
import { Workflow, toHost, toHostRows, hostNumber, zeroCounters, advanceCounters, stepLimit } from "./workflow.js";
import { OnPolicyWorkflow, optimizedParams } from "./on_policy.js";
import { OffPolicyWorkflow } from "./off_policy.js";
import { trainWorkflowMany, trainFunction, evalIterations } from "./train_many.js";
import { rollout, episodeMetrics } from "./rollout.js";
import { evaluateEpisodes } from "./evaluator.js";
import { replayInit, replayAdd, replaySample, replayGather, replayIndices, replayRows } from "./replay.js";
import { COMMON_SCHEMA, ON_POLICY_LOOP_SCHEMA, OFF_POLICY_LOOP_SCHEMA } from "./config.js";
import { algorithmSchema, resolveSpecConfig, buildSpecWorkflow } from "./algorithm.js";

export type { WorkflowState, Counters, Metrics, HostMetrics, Logger, EvalResult, LearnOptions, BaseConfig, Hyper } from "./workflow.js";
export type { OnPolicyState, OnPolicyConfig, OnPolicyAgentFactory } from "./on_policy.js";
export type { OffPolicyState, OffPolicyConfig, OffPolicyAgentFactory } from "./off_policy.js";
export type { TrainManyOptions, TrainManyResult } from "./train_many.js";
export type { RolloutCarry } from "./rollout.js";
export type { EpisodeResults } from "./evaluator.js";
export type { ReplayBuffer, Transition, SampleOptions } from "./replay.js";
export type { OnPolicyLoopConfig, OffPolicyLoopConfig } from "./config.js";
export type { AlgorithmSpec, Family } from "./algorithm.js";
export {
  Workflow,
  OnPolicyWorkflow,
  OffPolicyWorkflow,
  trainWorkflowMany,
  trainFunction,
  evalIterations,
  rollout,
  episodeMetrics,
  evaluateEpisodes,
  replayInit,
  replayAdd,
  replaySample,
  replayGather,
  replayIndices,
  replayRows,
  COMMON_SCHEMA,
  ON_POLICY_LOOP_SCHEMA,
  OFF_POLICY_LOOP_SCHEMA,
  algorithmSchema,
  resolveSpecConfig,
  buildSpecWorkflow,
  toHost,
  toHostRows,
  hostNumber,
  zeroCounters,
  advanceCounters,
  stepLimit,
  optimizedParams,
};

export const workflows = {
  Workflow,
  OnPolicyWorkflow,
  OffPolicyWorkflow,
  trainWorkflowMany,
  evaluateEpisodes,
  rollout,
  replay: { init: replayInit, add: replayAdd, sample: replaySample, gather: replayGather, rows: replayRows },
  algorithmSchema,
  COMMON_SCHEMA,
  ON_POLICY_LOOP_SCHEMA,
  OFF_POLICY_LOOP_SCHEMA,
};

// Run outputs and logging (the CLI's building blocks), for library users.
export * as outputs from "./outputs/index.js";
export * as logging from "./logging/index.js";
export { Progress } from "./progress.js";
