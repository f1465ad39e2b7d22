// The options the workflow families own. A run's config is one flat record: the common
// options, the family's loop options and the algorithm's own (so `key=value` overrides and
// sweeps name any option directly). Algorithms compose their schema from these pieces in
// their folder and register it (src/algorithms/).
import type { Schema } from "../agents/common/config.js";

/** Every run has these. */
export const COMMON_SCHEMA: Schema = {
  algo: { kind: "string", default: "ppo", doc: "the algorithm (xla-ts train --help lists them)" },
  env: { kind: "string", default: "CartPole-v1", doc: "environment id (envs.make)" },
  envOptions: { kind: "record", default: {}, doc: "options for envs.make (e.g. maxEpisodeSteps)" },
  seed: { kind: "int", default: 0, min: 0, doc: "PRNG seed of the run" },
  totalSteps: { kind: "int", default: 500_000, min: 1, doc: "environment steps of the whole run" },
  evalEpisodes: { kind: "int", default: 10, min: 1, doc: "episodes per evaluation (run in parallel, greedy actions)" },
  evalEvery: { kind: "int", default: 0, min: 0, doc: "evaluate every this many iterations during learn (0: only at the end)" },
  evalMaxSteps: { kind: "int", default: null, min: 1, nullable: true, doc: "step cap of an evaluation episode; null: the env's step limit, else 1000" },
  foldIterations: { kind: "int", default: 1, min: 1, doc: "iterations folded into one jitted call of the host loop (fewer round trips; metrics are still logged per iteration)" },
  numDevices: {
    kind: "int",
    default: 1,
    min: 1,
    doc: "devices to train data-parallel on (pmap): environments, replay buffers and ES members split over them, gradients averaged; must divide numEnvs (and bufferSize, batchSize / popSize); at most the runtime's devices (CPU plugin: cpu_device_count, default 4)",
  },
};

/** On-policy loops: vectorized rollouts of numSteps × numEnvs. */
export const ON_POLICY_LOOP_SCHEMA: Schema = {
  numEnvs: { kind: "int", default: 4, min: 1, doc: "parallel environments (vectorized by vmap)" },
  numSteps: { kind: "int", default: 128, min: 1, doc: "steps per environment per iteration (rollout length)" },
  gamma: { kind: "number", default: 0.99, min: 0, max: 1, doc: "discount factor" },
  normalizeReward: { kind: "bool", default: false, doc: "scale rewards by the running std of the discounted return (gymnasium's NormalizeReward)" },
};

/** Off-policy loops: act, store in the replay buffer, sample, learn. */
export const OFF_POLICY_LOOP_SCHEMA: Schema = {
  numEnvs: { kind: "int", default: 1, min: 1, doc: "parallel environments (vectorized by vmap); each vector step adds numEnvs transitions" },
  bufferSize: { kind: "int", default: 100_000, min: 1, doc: "replay buffer capacity in transitions (kept on the device, saved in checkpoints)" },
  batchSize: { kind: "int", default: 256, min: 1, doc: "transitions per gradient update" },
  learningStarts: { kind: "int", default: 1000, min: 0, doc: "environment steps before the first update" },
  randomSteps: { kind: "int", default: null, min: 0, nullable: true, doc: "environment steps of uniformly random actions at the start (warm-up); null: learningStarts" },
  trainFreq: { kind: "int", default: 1, min: 1, doc: "vector steps between update phases (rlib's update every)" },
  gradientSteps: { kind: "int", default: 1, min: 1, doc: "gradient updates per update phase (rlib's updates per step)" },
  stepsPerIteration: { kind: "int", default: 1000, min: 1, doc: "environment steps per workflow iteration (one jitted call; the logging granularity); rounded to whole update phases" },
  gamma: { kind: "number", default: 0.99, min: 0, max: 1, doc: "discount factor" },
  nStep: { kind: "int", default: 1, min: 1, doc: "n-step returns: targets sum n discounted rewards, cut at episode ends" },
};

export interface OnPolicyLoopConfig {
  numEnvs: number;
  numSteps: number;
  gamma: number;
  normalizeReward: boolean;
}

export interface OffPolicyLoopConfig {
  numEnvs: number;
  bufferSize: number;
  batchSize: number;
  learningStarts: number;
  randomSteps: number | null;
  trainFreq: number;
  gradientSteps: number;
  stepsPerIteration: number;
  gamma: number;
  nStep: number;
}

/** Evolution loops: a population's episodes per iteration, then the search's update. */
export const EVOLUTION_LOOP_SCHEMA: Schema = {
  iterations: { kind: "int", default: 300, min: 1, doc: "iterations (generations) of the run (rlib's num_iterations): the run's budget" },
  totalSteps: {
    kind: "int",
    default: 500_000,
    min: 1,
    doc: "not the budget of the evolution family (iterations is; an iteration's env steps depend on the episodes' lengths and are counted in the state)",
  },
  episodesPerMember: { kind: "int", default: 1, min: 1, doc: "episodes each member plays per iteration; its fitness is their mean return" },
  maxEpisodeSteps: { kind: "int", default: null, min: 1, nullable: true, doc: "step cap of a member's episode (rlib's max_episode_length); null: the env's step limit, else 1000" },
  maxEpisodeReturn: { kind: "number", default: null, nullable: true, doc: "a member's episode ends once its return reaches this (rlib's max_total_reward); null: no cap" },
  stopScore: { kind: "number", default: null, nullable: true, doc: "stop the run once an evaluation's mean return reaches this (rlib's stop_max_score); null: never (needs evalEvery > 0 to act before the end)" },
};

export interface EvolutionLoopConfig {
  iterations: number;
  episodesPerMember: number;
  maxEpisodeSteps: number | null;
  maxEpisodeReturn: number | null;
  stopScore: number | null;
}
