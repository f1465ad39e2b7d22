// DQN (Mnih et al. 2015) with Double DQN and dueling options.
export { DQNAgent, type DQNState, type QNetParams } from "./agent.js";
export { dqnLoss, dqnTargets, type DQNLossInput, type DQNLossTerms } from "./loss.js";
export { DQN_SCHEMA, DQN_SWEEPABLE, type DQNOptions } from "./config.js";
export { DQN_ALGORITHM, checkOffPolicy, type DQNConfig } from "./algorithm.js";
