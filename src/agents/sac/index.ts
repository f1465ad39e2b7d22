// SAC (Haarnoja et al. 2018): tanh-Gaussian policy, twin Q, automatic entropy tuning.
export { SACAgent, makeSACAgent, type SACParams, type SACState } from "./agent.js";
export { sacActorLoss, sacAlphaLoss, sacCriticLoss, sacPolicy, sacSample, type SACNets, type SACCriticBatch } from "./loss.js";
export { SAC_SCHEMA, SAC_SWEEPABLE, type SACOptions } from "./config.js";
export { SAC_ALGORITHM, type SACConfig } from "./algorithm.js";
