// The algorithm registry: name → schema, sweepable options and workflow factory. Everything
// that once said "ppo" reads it: `xla-ts train <algo>`, eval, render, --resume, --seeds,
// --sweep, --help, trainMany and the docs. A new algorithm is one folder under src/agents/
// plus one line here (or `registerAlgorithm` from user code).
import type { Environment } from "../envs/types.js";
import { buildSpecWorkflow, resolveSpecConfig, type AlgorithmSpec } from "../workflows/algorithm.js";
import type { BaseConfig, Workflow, WorkflowState } from "../workflows/workflow.js";
import { PPO_ALGORITHM } from "../agents/ppo/algorithm.js";
import { PPO_RND_ALGORITHM, PPO_SND_ALGORITHM, RANDAL_ALGORITHM } from "../agents/ppo/curiosity.js";
import { DQN_ALGORITHM } from "../agents/dqn/algorithm.js";
import { DDPG_ALGORITHM, TD3_ALGORITHM } from "../agents/ddpg/algorithm.js";
import { SAC_ALGORITHM } from "../agents/sac/algorithm.js";
import { A2C_ALGORITHM } from "../agents/a2c/algorithm.js";
import { IMPALA_ALGORITHM } from "../agents/impala/algorithm.js";
import { ES_ALGORITHM } from "../agents/es/algorithm.js";
import { QLEARNING_ALGORITHM } from "../agents/qlearning/algorithm.js";

const REGISTRY = new Map<string, AlgorithmSpec>();

/** Adds an algorithm (a user's own, say) under `spec.name`; a taken name is an error. */
export function registerAlgorithm<C extends BaseConfig>(spec: AlgorithmSpec<C>): void {
  if (!/^[a-z][a-z0-9-]*$/.test(spec.name)) throw new TypeError(`registerAlgorithm: name ${JSON.stringify(spec.name)} must be lower-case letters, digits and dashes`);
  if (REGISTRY.has(spec.name)) throw new TypeError(`registerAlgorithm: "${spec.name}" is already registered`);
  REGISTRY.set(spec.name, spec);
}

// The built-in algorithms, one line each.
registerAlgorithm(PPO_ALGORITHM);
registerAlgorithm(DQN_ALGORITHM);
registerAlgorithm(TD3_ALGORITHM);
registerAlgorithm(SAC_ALGORITHM);
registerAlgorithm(DDPG_ALGORITHM);
registerAlgorithm(A2C_ALGORITHM);
registerAlgorithm(IMPALA_ALGORITHM);
registerAlgorithm(ES_ALGORITHM);
registerAlgorithm(QLEARNING_ALGORITHM);
registerAlgorithm(PPO_RND_ALGORITHM);
registerAlgorithm(PPO_SND_ALGORITHM);
registerAlgorithm(RANDAL_ALGORITHM);

/** The registered algorithms' names, in registration order. */
export function algorithmNames(): string[] {
  return [...REGISTRY.keys()];
}

/** Every registered algorithm. */
export function algorithms(): AlgorithmSpec[] {
  return [...REGISTRY.values()];
}

export function getAlgorithm(name: string): AlgorithmSpec {
  const spec = REGISTRY.get(name);
  if (!spec) throw new TypeError(`config: algo = ${JSON.stringify(name)} is not allowed: algo must be one of ${algorithmNames().map((k) => JSON.stringify(k)).join(", ")}`);
  return spec;
}

/** The algorithm a config names (its `algo`, default "ppo"). */
export function algorithmOf(config: Record<string, unknown>): AlgorithmSpec {
  const algo = config.algo ?? "ppo";
  if (typeof algo !== "string") throw new TypeError(`config: algo = ${JSON.stringify(algo)} is not allowed: algo must be a string`);
  return getAlgorithm(algo);
}

/** Defaults plus overrides for the algorithm the config names, every key and value checked. */
export function resolveAlgorithmConfig<C extends BaseConfig = BaseConfig>(overrides: Record<string, unknown> = {}): C {
  return resolveSpecConfig(algorithmOf(overrides), overrides) as C;
}

export interface BuildOptions {
  /** Train on this (single, unvectorized) environment instead of envs.make(config.env, config.envOptions). */
  env?: Environment;
}

/** A workflow from config overrides (checked against its algorithm's schema first). */
export function buildWorkflow<C extends BaseConfig = BaseConfig>(overrides: Record<string, unknown> = {}, opts: BuildOptions = {}): Workflow<WorkflowState, C> {
  const spec = algorithmOf(overrides);
  return buildSpecWorkflow(spec, resolveSpecConfig(spec, overrides), opts.env) as Workflow<WorkflowState, C>;
}
