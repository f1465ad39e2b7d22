// agents: immutable records of hyperparameters and networks with pure init / computeActions /
// evaluateActions and a learner's update (the contract in types.ts), one folder per algorithm
// (its agent, losses, update and registry entry), and the pieces they share (GAE, networks,
// target-network updates, config schemas).
import { PPOAgent, makePPOAgent, ppoLoss, PPO_AGENT_SCHEMA } from "./ppo/index.js";
import { gae } from "./common/gae.js";
import { actorCritic, flattenObs } from "./common/networks.js";
import { resolveConfig, describeAllowed, schemaTable } from "./common/config.js";
import * as extensions from "./extensions/index.js";

export type {
  Agent,
  AgentState,
  SampleBatch,
  FullSampleBatch,
  Extras,
  LossDict,
  Counters,
  UpdateContext,
  UpdateResult,
  OptStates,
  Learner,
  Trajectory,
  OnPolicyAgent,
  ReplayBatch,
  OffPolicyAgent,
} from "./types.js";
export type { PPOParams, PPOState, PPOLossHyper, PPOLossInput, PPOLossTerms, PPOAgentOptions, PPOLearnerOptions, PPOConfig } from "./ppo/index.js";
export type { GaeInput, GaeOutput } from "./common/gae.js";
export type { ActorCritic, ActorCriticOptions, ActorCriticParams } from "./common/networks.js";
export type { Schema, OptionSpec, OptionKind } from "./common/config.js";
export { extensions };
export { PPOAgent, makePPOAgent, ppoLoss, gae, actorCritic, flattenObs, resolveConfig, describeAllowed, schemaTable, PPO_AGENT_SCHEMA };

export const agents = {
  ppo: { Agent: PPOAgent, make: makePPOAgent, loss: ppoLoss, schema: PPO_AGENT_SCHEMA },
  gae,
  extensions,
  actorCritic,
  resolveConfig,
  schemaTable,
};
