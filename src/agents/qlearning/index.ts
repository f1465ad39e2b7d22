// Tabular Q-learning (Watkins 1989), rlib's QLearning.
export { QLearningAgent, type QLearningParams, type QLearningState, type QLearningLoop } from "./agent.js";
export { makeGrid, type Grid, type GridOptions } from "./grid.js";
export { QLEARNING_SCHEMA, QLEARNING_SWEEPABLE, type QLearningOptions } from "./config.js";
export { QLEARNING_ALGORITHM, type QLearningConfig } from "./algorithm.js";
