// algorithms: the registry of every algorithm (name → schema, workflow factory), training
// from a config (trainMany over seeds and sweeps), and whole runs with their outputs
// (trainRun / trainSeeds: run directory, logs, checkpoints, resume, plots, video).
import { registerAlgorithm, algorithmNames, algorithms as list, getAlgorithm, algorithmOf, resolveAlgorithmConfig, buildWorkflow } from "./registry.js";
import { trainMany } from "./train_many.js";
import { trainRun, trainSeeds, loadRunState } from "./run.js";

export type { BuildOptions } from "./registry.js";
export type { TrainManyOptions, TrainManyResult } from "./train_many.js";
export type { TrainRunOptions, TrainSeedsOptions, OutputOptions, RunResult } from "./run.js";
export type { AlgorithmSpec, Family } from "../workflows/algorithm.js";
export { registerAlgorithm, algorithmNames, getAlgorithm, algorithmOf, resolveAlgorithmConfig, buildWorkflow, trainMany, trainRun, trainSeeds, loadRunState };

export const algorithms = {
  register: registerAlgorithm,
  names: algorithmNames,
  list,
  get: getAlgorithm,
  resolveConfig: resolveAlgorithmConfig,
  build: buildWorkflow,
  trainMany,
  trainRun,
  trainSeeds,
  loadRunState,
};
