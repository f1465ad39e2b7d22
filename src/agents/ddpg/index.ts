// DDPG and TD3 (one agent; TD3 = twin Q + delayed policy update + target policy smoothing).
export { DDPGAgent, makeDDPGAgent, type DDPGParams, type DDPGState } from "./agent.js";
export { ddpgActorLoss, ddpgCriticLoss, targetActions, tdTarget, type DDPGNets, type DDPGCriticBatch, type SmoothingHyper } from "./loss.js";
export { DDPG_SCHEMA, TD3_SCHEMA, DDPG_SWEEPABLE, ddpgSchema, type DDPGOptions } from "./config.js";
export { DDPG_ALGORITHM, TD3_ALGORITHM, checkContinuousOffPolicy, CONTINUOUS_DEFAULTS, type DDPGConfig } from "./algorithm.js";
