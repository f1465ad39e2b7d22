// Pieces the continuous-action off-policy agents (DDPG / TD3, SAC) share: the action box's
// affine map from [-1, 1], an ensemble of Q(s, a) networks vmapped over one stacked set of
// parameters (twin Q is an ensemble of 2: one batched matmul per layer, not two networks),
// Polyak target updates, and the optional running observation normalizer.
import type { Value } from "../../core/values.js";
import { vmap } from "../../core/batching.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import { nn, type MLPParams } from "../../nn/index.js";
import { optim, type GradientTransformation } from "../../optim/index.js";
import { Box, type Space } from "../../envs/spaces.js";
import { initStats, updateStats, type RunningStats } from "../../envs/wrappers/running_stats.js";
import { flattenObs } from "./networks.js";
import type { SampleBatch } from "../types.js";

/** A bounded 1-D Box's affine map: env action = center + halfWidth · u for u in [-1, 1]. */
export interface ActionBox {
  dim: number;
  low: Value;
  high: Value;
  center: Value;
  halfWidth: Value;
}

/** The action box of a bounded 1-D Box space (else a TypeError naming the algorithm). */
export function actionBox(space: Space, who: string): ActionBox {
  if (!(space instanceof Box) || space.shape.length !== 1 || !space.bounded)
    throw new TypeError(`${who}: needs a bounded 1-D Box action space, got ${space}`);
  const low = np.astype(space.low, "float32");
  const high = np.astype(space.high, "float32");
  return { dim: space.shape[0]!, low, high, center: np.multiply(np.add(high, low), 0.5), halfWidth: np.multiply(np.subtract(high, low), 0.5) };
}

/** u in [-1, 1] (a tanh output) → the env's box. */
export function scaleAction(box: ActionBox, u: Value): Value {
  return np.add(box.center, np.multiply(box.halfWidth, u));
}

/** The observation shape of a Box observation space (else a TypeError). */
export function boxObsShape(space: Space, who: string): readonly number[] {
  if (!(space instanceof Box)) throw new TypeError(`${who}: needs a Box observation space, got ${space}`);
  return space.shape;
}

export interface QEnsemble {
  readonly size: number;
  /** Stacked params: every leaf has a leading axis of `size`. */
  init(key: Value, obsDim: number, actionDim: number): MLPParams;
  /** Q-values [size, N] of features [N, obsDim] and actions [N, actionDim]. */
  apply(params: MLPParams, x: Value, a: Value): Value;
}

/** `size` independent Q(s, a) MLPs (input: features and action concatenated) sharing one vmapped apply. */
export function qEnsemble(size: number, hiddenSizes: readonly number[], activation: string): QEnsemble {
  const mlp = nn.MLP({ hiddenSizes, activation, outputSize: 1 });
  const one = (p: MLPParams, x: Value, a: Value) => np.squeeze(mlp.apply(p, np.concatenate([x, a], -1)), -1);
  const many = vmap(one, { inAxes: [0, null, null] });
  return {
    size,
    init: (key, obsDim, actionDim) => vmap((k: Value) => mlp.init(k, [obsDim + actionDim]))(random.split(key, size)) as MLPParams,
    apply: (p, x, a) => many(p, x, a) as Value,
  };
}

/** Polyak averaging of target networks: τ·online + (1 − τ)·target (τ = 1: a copy; τ = 0: unchanged). */
export function polyak<P>(online: P, target: P, tau: number | Value): P {
  return optim.incrementalUpdate(online, target, tau);
}

/** Features of observations: flattened float32, normalized (clipped to ±10) when statistics are kept. */
export function obsFeatures(obs: Value, obsShape: readonly number[], stats: RunningStats | null): Value {
  const x = flattenObs(obs, obsShape);
  if (!stats) return x;
  return np.clip(np.divide(np.subtract(x, stats.mean), np.sqrt(np.add(stats.var, 1e-8))), -10, 10);
}

/** Fresh normalizer statistics, or null when observations are not normalized. */
export function initObsNorm(normalize: boolean, obsShape: readonly number[]): RunningStats | null {
  return normalize ? initStats([obsShape.reduce((a, b) => a * b, 1)]) : null;
}

/** The statistics updated by a batch of observations with `batchAxes` leading axes (null stays null). */
export function updateObsNorm(stats: RunningStats | null, batch: SampleBatch, obsShape: readonly number[], batchAxes: number): RunningStats | null {
  if (!stats) return null;
  const obs = batch.obs as Value;
  const lead = obs.shape.slice(0, batchAxes);
  return updateStats(stats, flattenObs(obs, obsShape).reshape([...lead, -1]), batchAxes);
}

/** The replay loop's options an off-policy learner reads (for the annealing horizon). */
export interface ReplayLoop {
  totalSteps: number;
  learningStarts: number;
  numEnvs: number;
  trainFreq: number;
  gradientSteps: number;
}

/** The loop's options from a flat config (defaults: OFF_POLICY_LOOP_SCHEMA's). */
export function replayLoop(o: Record<string, unknown>): ReplayLoop {
  const num = (k: string, d: number) => (typeof o[k] === "number" ? (o[k] as number) : d);
  return { totalSteps: num("totalSteps", 500_000), learningStarts: num("learningStarts", 1000), numEnvs: num("numEnvs", 1), trainFreq: num("trainFreq", 1), gradientSteps: num("gradientSteps", 1) };
}

/** Gradient updates of a whole run: update phases after learningStarts × gradientSteps. */
export function runUpdates(l: ReplayLoop): number {
  const perPhase = l.numEnvs * l.trainFreq;
  return Math.max(1, Math.ceil(Math.max(0, l.totalSteps - l.learningStarts) / perPhase) * l.gradientSteps);
}

/** Adam at `lr` (annealed linearly to 0 over `annealSteps` of its own updates when given), after optional global-norm clipping. */
export function adamWith(lr: number | Value, annealSteps: number | null, maxGradNorm: number | null): GradientTransformation {
  const rate = annealSteps === null ? lr : (count: Value | number) => np.multiply(lr, np.maximum(np.subtract(1, np.divide(np.astype(np.asArray(count), "float32"), annealSteps)), 0));
  const adam = optim.adam({ learningRate: rate });
  return maxGradNorm === null ? adam : optim.chain(optim.clipByGlobalNorm(maxGradNorm), adam);
}
