// PPO (Schulman et al. 2017), PureJaxRL / CleanRL style.
export { PPOAgent, makePPOAgent, type PPOParams, type PPOState } from "./agent.js";
export { ppoLoss, type PPOLossHyper, type PPOLossInput, type PPOLossTerms } from "./loss.js";
export { ppoUpdate, ppoOptimizer, ppoLearningRate, type PPOLoop } from "./update.js";
export { PPO_AGENT_SCHEMA, PPO_LEARNER_SCHEMA, PPO_SWEEPABLE, type PPOAgentOptions, type PPOLearnerOptions } from "./config.js";
export { PPO_ALGORITHM, checkOnPolicy, type PPOConfig } from "./algorithm.js";
