// Running mean / variance (gymnasium's RunningMeanStd): the parallel form of Welford's
// algorithm (Chan et al.), merging a batch's moments into the running ones. Pure functions
// over a small state record, so wrappers carry it in the environment state.
import type { Shape } from "../../core/aval.js";
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";

export interface RunningStats {
  mean: Value;
  var: Value;
  /** Starts at a small epsilon (1e-4), as gymnasium, so the first update is well defined. */
  count: Value;
}

export function initStats(shape: Shape, epsilon = 1e-4): RunningStats {
  return { mean: np.zeros(shape, "float32"), var: np.ones(shape, "float32"), count: np.array(epsilon, "float32") };
}

/** Merges a batch (leading `batchAxes` axes are samples) into the statistics. */
export function updateStats(s: RunningStats, x: Value, batchAxes: number): RunningStats {
  const xf = x.astype("float32");
  const axes = Array.from({ length: batchAxes }, (_, i) => i);
  const batchCount = axes.reduce((n, a) => n * x.shape[a]!, 1);
  const bMean = batchAxes ? np.mean(xf, axes) : xf;
  const bVar = batchAxes ? np.var(xf, axes) : np.zerosLike(xf);
  const delta = bMean.sub(s.mean);
  const tot = s.count.add(batchCount);
  const mean = s.mean.add(delta.mul(batchCount).div(tot));
  const m2 = s.var.mul(s.count).add(bVar.mul(batchCount)).add(delta.square().mul(s.count).mul(batchCount).div(tot));
  return { mean, var: m2.div(tot), count: tot };
}
