// agents: immutable records of hyperparameters and networks with pure init / computeActions /
// evaluateActions and a learner's update (the contract in types.ts), one folder per algorithm
// (its agent, losses, update and registry entry), and the pieces they share (GAE, networks,
// target-network updates, config schemas).
import { PPOAgent, makePPOAgent, ppoLoss, PPO_AGENT_SCHEMA } from "./ppo/index.js";
import { gae } from "./common/gae.js";
import { actorCritic, flattenObs } from "./common/networks.js";
import { resolveConfig, describeAllowed, schemaTable } from "./common/config.js";
import { deviceOptimizer, standardize } from "./common/parallel.js";
import { A2CAgent, a2cLoss, A2C_SCHEMA } from "./a2c/index.js";
import { IMPALAAgent, impalaLoss, IMPALA_SCHEMA } from "./impala/index.js";
import { vtrace } from "./common/vtrace.js";
import { ActorCriticPolicy, POLICY_SCHEMA } from "./common/policy.js";
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
  DeviceAxis,
  UpdateResult,
  OptStates,
  Learner,
  Trajectory,
  OnPolicyAgent,
  ReplayBatch,
  OffPolicyAgent,
  EvolutionAgent,
  PopulationFeedback,
  TellResult,
} from "./types.js";
export * as es from "./es/index.js";
export * as qlearning from "./qlearning/index.js";
export { ravelPytree, type Raveled } from "./common/ravel.js";
export type { PPOParams, PPOState, PPOLossHyper, PPOLossInput, PPOLossTerms, PPOAgentOptions, PPOLearnerOptions, PPOConfig } from "./ppo/index.js";
export type { GaeInput, GaeOutput } from "./common/gae.js";
export type { ActorCritic, ActorCriticOptions, ActorCriticParams } from "./common/networks.js";
export type { Schema, OptionSpec, OptionKind } from "./common/config.js";
export type { A2CState, A2CLossHyper, A2CLossInput, A2CLossTerms, A2COptions, A2CConfig } from "./a2c/index.js";
export type { IMPALAState, IMPALALossHyper, IMPALALossInput, IMPALALossTerms, IMPALAOptions, IMPALAConfig } from "./impala/index.js";
export type { VtraceInput, VtraceOutput, VtraceAdvantageMode } from "./common/vtrace.js";
export type { PolicyOptions, PolicyParams, PolicyState, PolicyDist } from "./common/policy.js";
export { A2CAgent, a2cLoss, A2C_SCHEMA, IMPALAAgent, impalaLoss, IMPALA_SCHEMA, vtrace, ActorCriticPolicy, POLICY_SCHEMA };
export { extensions };
export { PPOAgent, makePPOAgent, ppoLoss, gae, actorCritic, flattenObs, resolveConfig, describeAllowed, schemaTable, PPO_AGENT_SCHEMA };
export { DDPGAgent, makeDDPGAgent, ddpgActorLoss, ddpgCriticLoss, targetActions, tdTarget, DDPG_SCHEMA, TD3_SCHEMA } from "./ddpg/index.js";
export type { DDPGParams, DDPGState, DDPGOptions, DDPGConfig, DDPGNets, DDPGCriticBatch } from "./ddpg/index.js";
export { SACAgent, makeSACAgent, sacActorLoss, sacAlphaLoss, sacCriticLoss, sacPolicy, sacSample, SAC_SCHEMA } from "./sac/index.js";
export type { SACParams, SACState, SACOptions, SACConfig, SACNets, SACCriticBatch } from "./sac/index.js";
export { actionBox, scaleAction, qEnsemble, type ActionBox, type QEnsemble } from "./common/continuous.js";
export { deviceOptimizer, deviceOptimizers, pmeanTree, standardize } from "./common/parallel.js";

export const agents = {
  ppo: { Agent: PPOAgent, make: makePPOAgent, loss: ppoLoss, schema: PPO_AGENT_SCHEMA },
  a2c: { Agent: A2CAgent, loss: a2cLoss, schema: A2C_SCHEMA },
  impala: { Agent: IMPALAAgent, loss: impalaLoss, schema: IMPALA_SCHEMA },
  vtrace,
  gae,
  extensions,
  actorCritic,
  resolveConfig,
  schemaTable,
  /** Data parallelism inside a learner's update (identity on one device): see docs/distributed.md. */
  deviceOptimizer,
  standardize,
};
