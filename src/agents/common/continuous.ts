// Pieces the continuous-action off-policy agents (DDPG / TD3, SAC) share: the action box's
// affine map from [-1, 1], an ensemble of Q(s, a) networks vmapped over one stacked set of
// parameters (twin Q is an ensemble of 2: one batched matmul per layer, not two networks),
// the run's update count (annealing horizon) and the Adam they use.
import type { Value } from "../../core/values.js";
import { vmap } from "../../core/batching.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import { nn, type MLPParams } from "../../nn/index.js";
import { optim, type GradientTransformation } from "../../optim/index.js";
import { Box, type Space } from "../../envs/spaces.js";

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
