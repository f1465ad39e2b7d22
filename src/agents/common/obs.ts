// Observation features shared by the agents: flattened float32 vectors, normalized by running
// mean and variance when the agent keeps statistics (clipped to ±10, as SB3's VecNormalize).
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { initStats, updateStats, type RunningStats } from "../../envs/wrappers/running_stats.js";
import { flattenObs } from "./networks.js";

/** Features of a batch of observations (any leading axes). */
export function obsFeatures(obs: Value, obsShape: readonly number[], stats: RunningStats | null): Value {
  const x = flattenObs(obs, obsShape);
  if (!stats) return x;
  return np.clip(np.divide(np.subtract(x, stats.mean), np.sqrt(np.add(stats.var, 1e-8))), -10, 10);
}

/** Fresh statistics over the flattened observation (or null when not normalizing). */
export function initObsStats(obsShape: readonly number[], normalize: boolean): RunningStats | null {
  return normalize ? initStats([obsShape.reduce((a, b) => a * b, 1)]) : null;
}

/** Statistics moved by a batch of observations with `batchAxes` leading axes. */
export function updateObsStats(stats: RunningStats | null, obs: Value, obsShape: readonly number[], batchAxes: number): RunningStats | null {
  if (!stats) return null;
  const lead = obs.shape.slice(0, batchAxes);
  return updateStats(stats, np.reshape(flattenObs(obs, obsShape), [...lead, -1]), batchAxes);
}
