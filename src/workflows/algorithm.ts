// What the algorithm registry holds for each algorithm: its config schema (defaults, docs,
// validation), which options may be swept (traced), and how to build its workflow. The
// entries live in the algorithms' folders (src/agents/<algo>/algorithm.ts); the registry
// (src/algorithms/) lists them, and the CLI, trainMany and the docs read it.
import type { Environment } from "../envs/types.js";
import { envs } from "../envs/index.js";
import { resolveConfig, type Schema } from "../agents/common/config.js";
import { COMMON_SCHEMA } from "./config.js";
import type { BaseConfig, Hyper, Workflow, WorkflowState } from "./workflow.js";

export type Family = "on-policy" | "off-policy" | "evolution";

export interface AlgorithmSpec<C extends BaseConfig = BaseConfig> {
  /** The registry key and CLI name ("dqn"). */
  name: string;
  /** One line: what it is ("Deep Q-Network (Mnih et al. 2015) with double and dueling options"). */
  title: string;
  family: Family;
  /** The action spaces it supports, for docs and errors ("Discrete", "Box", "Discrete, Box"). */
  actionSpaces: string;
  /** Every option of a run: the common ones, the family's loop and the algorithm's own. */
  schema: Schema;
  /** Options that may be swept (traced scalars under vmap). */
  sweepable: readonly string[];
  /** Cross-option checks after the schema's (throws a TypeError naming the options). */
  check?(config: C): void;
  /** The workflow of a checked config on `env` (one copy, unwrapped for training). */
  build(config: C, env: Environment, hyper?: Hyper): Workflow<WorkflowState, C>;
  /** The docs page, relative to docs/. */
  docs?: string;
}

/** An algorithm's full schema: the common options (algo defaulting to `name`) and its parts. */
export function algorithmSchema(name: string, ...parts: Schema[]): Schema {
  const algo = { ...COMMON_SCHEMA.algo!, default: name, kind: "enum" as const, values: [name], doc: "the algorithm" };
  return Object.assign({ ...COMMON_SCHEMA, algo }, ...parts) as Schema;
}

/** Defaults plus overrides, checked against the spec (unknown keys, bad values and inconsistent options are errors naming the key). */
export function resolveSpecConfig<C extends BaseConfig>(spec: AlgorithmSpec<C>, overrides: Record<string, unknown> = {}): C {
  const c = resolveConfig<C>(spec.schema, { ...overrides, algo: overrides.algo ?? spec.name }, "config");
  spec.check?.(c);
  return c;
}

/** The spec's workflow for a resolved config (on envs.make(config.env) unless `env` is given). */
export function buildSpecWorkflow<C extends BaseConfig>(spec: AlgorithmSpec<C>, config: C, env?: Environment): Workflow<WorkflowState, C> {
  return spec.build(config, env ?? envs.make(config.env, config.envOptions));
}
