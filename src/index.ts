// xla-ts: the public entry. See docs/ and ../DESIGN.md for the map.
export { jit, makeJaxpr, Array, Tracer, Value, ShapedArray, backendName, setBackend, setExecutableCacheSize, executableCacheInfo } from "./core/index.js";
export { grad, valueAndGrad, vjp, vmap, jvp, jacfwd, jacrev, hessian, customVjp } from "./core/index.js";
export { pmap, type PmapOptions } from "./core/index.js";
export type { JitOptions, Jitted, Shape, BackendName } from "./core/index.js";
export { lax } from "./lax/index.js";
export { random } from "./random/index.js";
export { numpy } from "./numpy/index.js";
export * as tree from "./pytree/index.js";
export { nn } from "./nn/index.js";
export { optim } from "./optim/index.js";
export { distributions } from "./distributions/index.js";
export * as io from "./io/index.js";
export { agents } from "./agents/index.js";
import { workflows as baseWorkflows } from "./workflows/index.js";
import { algorithms, trainMany, trainRun, trainSeeds, buildWorkflow, resolveAlgorithmConfig } from "./algorithms/index.js";
export { algorithms };
/** The training loops, and training from a config through the algorithm registry. */
export const workflows = { ...baseWorkflows, trainMany, trainRun, trainSeeds, build: buildWorkflow, resolveConfig: resolveAlgorithmConfig };
export * as xla from "./xla/index.js";
export { setCompilationCacheDir, compilationCacheDir, compilationCacheStats } from "./xla/index.js";
export type { CompilationCacheOptions, CompilationCacheStats } from "./xla/index.js";
export type { DType } from "./xla/dtype.js";
export { envs, type Environment, type ResetResult, type StepResult, type EnvFactory, type Space, type HostEnv, type HostStep } from "./envs/index.js";
// The building blocks of the CLI's run outputs (docs/cli.md, "From code"), and the types a
// user writing an agent, a workflow or an environment needs.
export { Progress, outputs, logging } from "./workflows/index.js";
export type { WorkflowState, Counters, Metrics, HostMetrics, Logger, EvalResult, LearnOptions, OnPolicyState, TrainManyResult } from "./workflows/index.js";
export type { Agent, AgentState, SampleBatch, FullSampleBatch, Extras, LossDict } from "./agents/index.js";
export type { SpaceValue } from "./envs/index.js";
export type { NestedList } from "./core/values.js";
