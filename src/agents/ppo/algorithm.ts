// PPO's registry entry: the on-policy loop's options plus PPO's own, and its workflow.
import type { Environment } from "../../envs/types.js";
import { ON_POLICY_LOOP_SCHEMA } from "../../workflows/config.js";
import { OnPolicyWorkflow, type OnPolicyConfig } from "../../workflows/on_policy.js";
import { algorithmSchema, type AlgorithmSpec } from "../../workflows/algorithm.js";
import type { Hyper } from "../../workflows/workflow.js";
import { PPO_AGENT_SCHEMA, PPO_LEARNER_SCHEMA, PPO_SWEEPABLE, type PPOAgentOptions, type PPOLearnerOptions } from "./config.js";
import { PPOAgent } from "./agent.js";
import { Discrete, type Space } from "../../envs/spaces.js";
import { buildExtensions } from "../extensions/index.js";
import { SYMMETRY_SCHEMA, type SymmetryOptions } from "../extensions/config.js";
import { asRecord } from "../common/config.js";

export type PPOConfig = OnPolicyConfig & PPOAgentOptions & PPOLearnerOptions & SymmetryOptions;

/** A PPO agent for a run's config on `env`, with the extensions the config asks for (RND, SND, symmetry). */
export function makeRunAgent(c: PPOConfig, env: Environment, hyper: Hyper): PPOAgent {
  const obs = env.observationSpace();
  const act: Space = env.actionSpace();
  const cfg = asRecord(c);
  const spaces = {
    obsShape: (obs as { shape: readonly number[] }).shape,
    discrete: act instanceof Discrete,
    actionDim: act instanceof Discrete ? act.n : ((act as { shape: readonly number[] }).shape[0] ?? 1),
    numEnvs: c.numEnvs,
    obsDtype: (obs as { dtype?: string }).dtype === "uint8" ? ("uint8" as const) : ("float32" as const),
  };
  const ext = buildExtensions(cfg, spaces, { epochs: c.epochs, numMinibatches: c.numMinibatches, gammaInt: typeof cfg.gammaInt === "number" ? cfg.gammaInt : 0.99 });
  return new PPOAgent(cfg, obs, act, { ...hyper }, ext);
}

/** Checks shared by every on-policy algorithm: the rollout must fit the budget. */
export function checkOnPolicy(c: OnPolicyConfig): void {
  const batch = c.numEnvs * c.numSteps;
  if (c.totalSteps < batch) throw new TypeError(`config: totalSteps = ${c.totalSteps} is less than one iteration (numEnvs × numSteps = ${batch} steps)`);
}

export const PPO_ALGORITHM: AlgorithmSpec<PPOConfig> = {
  name: "ppo",
  title: "Proximal Policy Optimization (Schulman et al. 2017), PureJaxRL / CleanRL style",
  family: "on-policy",
  actionSpaces: "Discrete, Box",
  schema: algorithmSchema("ppo", ON_POLICY_LOOP_SCHEMA, PPO_LEARNER_SCHEMA, PPO_AGENT_SCHEMA, SYMMETRY_SCHEMA),
  sweepable: PPO_SWEEPABLE,
  check(c) {
    checkOnPolicy(c);
    const batch = c.numEnvs * c.numSteps;
    if (batch % c.numMinibatches !== 0)
      throw new TypeError(`config: numMinibatches = ${c.numMinibatches} must divide numEnvs × numSteps = ${c.numEnvs} × ${c.numSteps} = ${batch}`);
  },
  build(c: PPOConfig, env: Environment, hyper: Hyper = {}) {
    return new OnPolicyWorkflow<PPOConfig>(c, env, makeRunAgent, hyper);
  },
  docs: "ppo.md",
};
