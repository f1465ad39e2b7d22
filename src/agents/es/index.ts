// Evolution strategies (Salimans et al. 2017): rlib's EvolutionStrategy with evorl's OpenES options.
export { ESAgent, mergeMoments, type ESParams, type ESState, type ESSearch } from "./agent.js";
export { esNoise, esGradient, centeredRanks, zscore, shapeFitness } from "./estimate.js";
export { ES_SCHEMA, ES_SWEEPABLE, type ESOptions, type FitnessShaping } from "./config.js";
export { ES_ALGORITHM, type ESConfig } from "./algorithm.js";
