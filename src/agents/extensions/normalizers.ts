// rsl_rl's normalizers, as pure functions over small state records.
// - EmpiricalNormalization: running mean and (biased) variance of inputs, merged batch by
//   batch, frozen once `until` samples have been seen; x ↦ (x − mean) / (std + ε), or only
//   x − mean (the RLAgents notes: dividing RND's input by its std makes training unstable).
// - EmpiricalDiscountedVariationNormalization: rewards divided by the running std of a
//   discounted running sum of rewards (per environment, never reset at episode ends: the
//   intrinsic return is non-episodic).
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";

export interface EmpiricalStats {
  mean: Value;
  var: Value;
  /** Samples merged so far (float32). */
  count: Value;
}

export function initEmpirical(shape: readonly number[]): EmpiricalStats {
  return { mean: np.zeros(shape, "float32"), var: np.ones(shape, "float32"), count: np.zeros([], "float32") };
}

/**
 * Merges a batch x [N, ...shape] (rsl_rl's update): count += N; r = N / count;
 * mean += r (mean_x − mean); var += r (var_x − var + δ (mean_x − mean')), δ = mean_x − mean.
 * Exact: after any batches, mean and var are those of all samples merged (biased variance).
 * With `until`, nothing moves once count ≥ until.
 */
export function updateEmpirical(s: EmpiricalStats, x: Value, until: number | null = null): EmpiricalStats {
  const n = x.shape[0]!;
  const xf = np.astype(x, "float32");
  const meanX = np.mean(xf, 0);
  const varX = np.var(xf, 0);
  const count = np.add(s.count, n);
  const rate = np.divide(n, count);
  const delta = np.subtract(meanX, s.mean);
  const mean = np.add(s.mean, np.multiply(rate, delta));
  const v = np.add(s.var, np.multiply(rate, np.add(np.subtract(varX, s.var), np.multiply(delta, np.subtract(meanX, mean)))));
  if (until === null) return { mean, var: v, count };
  const frozen = np.greaterEqual(s.count, until);
  return { mean: np.where(frozen, s.mean, mean), var: np.where(frozen, s.var, v), count: np.where(frozen, s.count, count) };
}

export type StateNormalization = "none" | "mean" | "meanstd";

/** (x − mean) / (std + ε) ("meanstd"), x − mean ("mean") or x ("none"). */
export function normalizeEmpirical(s: EmpiricalStats, x: Value, mode: StateNormalization, eps = 1e-2): Value {
  if (mode === "none") return x;
  const c = np.subtract(x, s.mean);
  return mode === "mean" ? c : np.divide(c, np.add(np.sqrt(s.var), eps));
}

export interface RewardNormState {
  /** The discounted running sum of rewards of each environment, [B]. */
  ret: Value;
  stats: EmpiricalStats;
}

export function initRewardNorm(numEnvs: number): RewardNormState {
  return { ret: np.zeros([numEnvs], "float32"), stats: initEmpirical([]) };
}

/**
 * rsl_rl's EmpiricalDiscountedVariationNormalization over a rollout of rewards [T, B]: at each
 * step ret ← γ ret + r_t, the statistics merge ret's B values, and r_t is divided by their
 * std (when positive). Returns the normalized rewards and the new state.
 */
export function normalizeRewards(s: RewardNormState, rewards: Value, gamma: number, until: number | null = null): [Value, RewardNormState] {
  const [end, out] = lax.scan(
    (c: RewardNormState, r: Value): [RewardNormState, Value] => {
      const ret = np.add(np.multiply(c.ret, gamma), r);
      const stats = updateEmpirical(c.stats, ret, until);
      const std = np.sqrt(stats.var);
      return [{ ret, stats }, np.where(np.greater(std, 0), np.divide(r, np.maximum(std, 1e-30)), r)];
    },
    s,
    rewards,
  );
  return [out, end];
}
