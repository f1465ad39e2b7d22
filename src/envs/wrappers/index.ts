export { Wrapper, selectTree, expandTo, batchDims, doneOf, type Wrapped } from "./base.js";
export { TimeLimit, type TimeLimitState } from "./time_limit.js";
export { AutoReset } from "./auto_reset.js";
export { EpisodeStatistics, type EpisodeStatisticsState } from "./statistics.js";
export {
  NormalizeObservation,
  NormalizeReward,
  type NormalizeOptions,
  type NormalizeRewardOptions,
  type NormalizeObservationState,
  type NormalizeRewardState,
} from "./normalize.js";
export { FrameStack, type FrameStackState } from "./frame_stack.js";
export { ClipAction, RescaleAction } from "./actions.js";
export { VecEnv, vectorize } from "./vector.js";
export { initStats, updateStats, type RunningStats } from "./running_stats.js";
