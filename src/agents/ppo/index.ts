// PPO (Schulman et al. 2017), PureJaxRL / CleanRL style.
export { PPOAgent, makePPOAgent, type PPOParams, type PPOState, type PPOExtra } from "./agent.js";
export { ppoLoss, valueLoss, type PPOLossHyper, type PPOLossInput, type PPOLossTerms } from "./loss.js";
export { ppoAdvantages, twoCriticGae, type PPOAdvantages } from "./update.js";
export { ppoUpdate, ppoOptimizer, ppoLearningRate, type PPOLoop } from "./update.js";
export { PPO_AGENT_SCHEMA, PPO_LEARNER_SCHEMA, PPO_SWEEPABLE, type PPOAgentOptions, type PPOLearnerOptions } from "./config.js";
export { PPO_ALGORITHM, checkOnPolicy, type PPOConfig } from "./algorithm.js";
export { PPO_RND_ALGORITHM, PPO_SND_ALGORITHM, RANDAL_ALGORITHM, CURIOSITY_DEFAULTS, type PPORNDConfig, type PPOSNDConfig, type RANDALConfig } from "./curiosity.js";
export { makeRunAgent } from "./algorithm.js";
