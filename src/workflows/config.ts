// The on-policy training loop's options, and the algorithms OnPolicyWorkflow can build: a
// config is the loop's options plus the algorithm's (one flat record, so `key=value`
// overrides and sweeps name any option directly).
import type { Space } from "../envs/spaces.js";
import type { OnPolicyAgent } from "../agents/ppo/agent.js";
import { makePPOAgent } from "../agents/ppo/agent.js";
import { PPO_AGENT_SCHEMA, type PPOAgentOptions } from "../agents/ppo/config.js";
import { resolveConfig, type Schema } from "../agents/common/config.js";

export interface OnPolicyConfig {
  algo: string;
  env: string;
  envOptions: Record<string, unknown>;
  seed: number;
  numEnvs: number;
  numSteps: number;
  totalSteps: number;
  epochs: number;
  numMinibatches: number;
  gamma: number;
  useGae: boolean;
  gaeLambda: number;
  lr: number;
  annealLr: boolean;
  adamEps: number;
  maxGradNorm: number | null;
  rewardScale: number;
  normalizeReward: boolean;
  evalEpisodes: number;
  evalEvery: number;
  evalMaxSteps: number | null;
}

export const ON_POLICY_SCHEMA: Schema = {
  algo: { kind: "enum", default: "ppo", values: ["ppo"], doc: "the algorithm" },
  env: { kind: "string", default: "CartPole-v1", doc: "environment id (envs.make)" },
  envOptions: { kind: "record", default: {}, doc: "options for envs.make (e.g. maxEpisodeSteps)" },
  seed: { kind: "int", default: 0, min: 0, doc: "PRNG seed of the run" },
  numEnvs: { kind: "int", default: 4, min: 1, doc: "parallel environments (vectorized by vmap)" },
  numSteps: { kind: "int", default: 128, min: 1, doc: "steps per environment per iteration (rollout length)" },
  totalSteps: { kind: "int", default: 500_000, min: 1, doc: "environment steps of the whole run" },
  epochs: { kind: "int", default: 4, min: 1, doc: "passes over each rollout" },
  numMinibatches: { kind: "int", default: 4, min: 1, doc: "minibatches per epoch (must divide numEnvs × numSteps)" },
  gamma: { kind: "number", default: 0.99, min: 0, max: 1, doc: "discount factor" },
  useGae: { kind: "bool", default: true, doc: "generalized advantage estimation with gaeLambda; false: discounted returns minus values (λ = 1)" },
  gaeLambda: { kind: "number", default: 0.95, min: 0, max: 1, doc: "GAE's λ" },
  lr: { kind: "number", default: 2.5e-4, gt: 0, doc: "Adam's learning rate" },
  annealLr: { kind: "bool", default: true, doc: "anneal the learning rate linearly to 0 over the run" },
  adamEps: { kind: "number", default: 1e-5, gt: 0, doc: "Adam's ε" },
  maxGradNorm: { kind: "number", default: 0.5, gt: 0, nullable: true, doc: "clip gradients to this global norm; null: no clipping" },
  rewardScale: { kind: "number", default: 1, gt: 0, doc: "rewards are multiplied by this for learning (reported returns are unscaled)" },
  normalizeReward: { kind: "bool", default: false, doc: "scale rewards by the running std of the discounted return (gymnasium's NormalizeReward)" },
  evalEpisodes: { kind: "int", default: 10, min: 1, doc: "episodes per evaluation (run in parallel, greedy actions)" },
  evalEvery: { kind: "int", default: 0, min: 0, doc: "evaluate every this many iterations during learn (0: only at the end)" },
  evalMaxSteps: { kind: "int", default: null, min: 1, nullable: true, doc: "step cap of an evaluation episode; null: the env's step limit, else 1000" },
};

export type PPOConfig = OnPolicyConfig & PPOAgentOptions;

export interface Algorithm {
  schema: Schema;
  makeAgent(config: Record<string, any>, obsSpace: Space, actionSpace: Space): OnPolicyAgent;
}

/** The algorithms OnPolicyWorkflow builds, by `algo`. */
export const ON_POLICY_ALGORITHMS: Record<string, Algorithm> = {
  ppo: { schema: { ...ON_POLICY_SCHEMA, ...PPO_AGENT_SCHEMA }, makeAgent: makePPOAgent },
};

/** The config schema of an algorithm (options and defaults). */
export function configSchema(algo = "ppo"): Schema {
  const a = ON_POLICY_ALGORITHMS[algo];
  if (a === undefined) throw new TypeError(`config: algo = ${JSON.stringify(algo)} is not allowed: algo must be one of ${Object.keys(ON_POLICY_ALGORITHMS).map((k) => JSON.stringify(k)).join(", ")}`);
  return a.schema;
}

/** Defaults plus overrides, checked: unknown keys, bad values and inconsistent sizes are errors naming the key. */
export function resolveOnPolicyConfig<C extends OnPolicyConfig = PPOConfig>(overrides: Record<string, unknown> = {}): C {
  const schema = configSchema((overrides.algo as string | undefined) ?? "ppo");
  const c = resolveConfig<C>(schema, overrides);
  const batch = c.numEnvs * c.numSteps;
  if (batch % c.numMinibatches !== 0)
    throw new TypeError(`config: numMinibatches = ${c.numMinibatches} must divide numEnvs × numSteps = ${c.numEnvs} × ${c.numSteps} = ${batch}`);
  if (c.totalSteps < batch)
    throw new TypeError(`config: totalSteps = ${c.totalSteps} is less than one iteration (numEnvs × numSteps = ${batch} steps)`);
  return c;
}
