// Network distillation for curiosity: RND (Burda et al. 2018, rsl_rl's options) and SND (the
// RLAgents notes: the target learns too, by a self-supervised loss). A predictor MLP learns to
// reproduce a target MLP's embedding of the (normalized) next state; the prediction error is
// the intrinsic reward — large on states seen rarely. Both MLPs: ELU, orthogonal(√2) kernels,
// zero biases (the notes: "to provide sufficient amplitude output").
import type { Value } from "../../core/values.js";
import { valueAndGrad } from "../../core/ad.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import { map } from "../../pytree/index.js";
import { nn, type MLPParams, type Module } from "../../nn/index.js";
import { optim, type GradientTransformation } from "../../optim/index.js";
import type { Trajectory, UpdateContext } from "../types.js";
import type { RNDOptions, SNDOptions } from "./config.js";
import { initEmpirical, initRewardNorm, normalizeEmpirical, normalizeRewards, updateEmpirical, type EmpiricalStats, type RewardNormState } from "./normalizers.js";
import { scheduledWeight, type WeightSchedule } from "./schedule.js";
import { contrastiveMse, infoNce, tileMask, uniformNoise, vicreg } from "./ssl.js";
import type { Extension, ExtensionSpaces, IntrinsicResult, Metrics } from "./types.js";

export interface DistillState {
  predictor: MLPParams;
  target: MLPParams;
  predictorOpt: unknown;
  /** SND only (the target's optimizer state); null for RND, whose target is fixed. */
  targetOpt: unknown;
  obsNorm: EmpiricalStats;
  rewNorm: RewardNormState;
}

/** How the learner's rollout is cut for the extension's own gradient steps. */
export interface DistillLoop {
  epochs: number;
  numMinibatches: number;
  /** Discount of the intrinsic return whose running std normalizes the rewards. */
  gammaInt: number;
}

/** Observations [..., *obsShape] as flat floats [..., D] (uint8 pixels scaled to [0, 1)). */
export function flatInput(obs: Value, obsShape: readonly number[]): Value {
  const d = obsShape.reduce((a, b) => a * b, 1);
  const lead = obs.shape.slice(0, obs.ndim - obsShape.length);
  const x = obs.dtype === "uint8" ? np.divide(np.astype(obs, "float32"), 256) : np.astype(obs, "float32");
  return np.reshape(x, [...lead, d]);
}

export class Distillation implements Extension<DistillState> {
  readonly name: string;
  readonly predictorNet: Module<MLPParams>;
  readonly targetNet: Module<MLPParams>;
  readonly inputSize: number;
  readonly schedule: WeightSchedule;

  constructor(
    readonly spaces: ExtensionSpaces,
    readonly options: RNDOptions,
    readonly loop: DistillLoop,
    /** SND's options: the target learns by the variant's self-supervised loss. null: RND. */
    readonly snd: SNDOptions | null = null,
  ) {
    this.name = snd ? "snd" : "rnd";
    const o = options;
    const mlp = (hidden: number[]) =>
      nn.MLP({
        hiddenSizes: hidden.map((h) => (h === -1 ? this.inputSize : h)),
        activation: o.rndActivation,
        outputSize: o.rndEmbedding,
        kernelInit: nn.initializers.orthogonal(Math.SQRT2),
        biasInit: nn.initializers.zeros,
      });
    this.inputSize = spaces.obsShape.reduce((a, b) => a * b, 1);
    this.predictorNet = mlp(o.rndPredictorHidden);
    this.targetNet = mlp(o.rndTargetHidden);
    this.schedule = { mode: o.rndWeightSchedule, initial: o.rndWeight, initialStep: o.rndWeightInitialStep, finalStep: o.rndWeightFinalStep, finalValue: o.rndWeightFinal };
    Object.freeze(this);
  }

  optimizer(): GradientTransformation {
    return optim.adam({ learningRate: this.options.rndLr });
  }

  init(key: Value): DistillState {
    const ks = random.split(key, 2);
    const predictor = this.predictorNet.init(ks.get(0), [this.inputSize]);
    const target = this.targetNet.init(ks.get(1), [this.inputSize]);
    const opt = this.optimizer();
    return {
      predictor,
      target,
      predictorOpt: opt.init(predictor),
      targetOpt: this.snd ? opt.init(target) : null,
      obsNorm: initEmpirical([this.inputSize]),
      rewNorm: initRewardNorm(this.spaces.numEnvs),
    };
  }

  /** The networks' input: flat, normalized as configured. */
  input(s: DistillState, obs: Value): Value {
    return normalizeEmpirical(s.obsNorm, flatInput(obs, this.spaces.obsShape), this.options.rndStateNormalization, this.options.rndNormEps);
  }

  /** Unweighted, unnormalized intrinsic reward of inputs x [..., D]: the embedding error. */
  rawReward(s: DistillState, x: Value): Value {
    const diff = np.subtract(this.targetNet.apply(s.target, x), this.predictorNet.apply(s.predictor, x));
    return this.options.rndRewardType === "l2" ? np.sqrt(np.sum(np.square(diff), -1)) : np.divide(np.sum(np.square(diff), -1), 2);
  }

  /** The intrinsic reward's weight at a learning iteration (the schedule). */
  weight(iteration: Value | number): Value {
    return scheduledWeight(this.schedule, iteration);
  }

  intrinsicRewards(s: DistillState, traj: Trajectory, ctx: UpdateContext): IntrinsicResult<DistillState> {
    const o = this.options;
    const flat = flatInput(traj.nextObs, this.spaces.obsShape);
    const [T, B] = traj.rewards.shape as [number, number];
    // The statistics move first (rsl_rl updates its normalizer while computing rewards).
    const obsNorm = o.rndStateNormalization === "none" ? s.obsNorm : updateEmpirical(s.obsNorm, np.reshape(flat, [T * B, this.inputSize]), o.rndNormUntil);
    const st = { ...s, obsNorm };
    const raw = lax.stopGradient(this.rawReward(st, this.input(st, traj.nextObs)));
    let rewards = raw;
    let rewNorm = s.rewNorm;
    // The normalizer sees the unweighted reward, so a weight schedule does not disturb its statistics.
    if (o.rndRewardNormalization) [rewards, rewNorm] = normalizeRewards(s.rewNorm, raw, this.loop.gammaInt, o.rndNormUntil);
    const w = this.weight(ctx.counters.iterations);
    const p = this.name;
    return {
      rewards: np.multiply(rewards, w),
      state: { ...st, rewNorm },
      metrics: {
        [`${p}/rewardRaw`]: np.mean(raw),
        [`${p}/rewardMax`]: np.max(raw),
        [`${p}/reward`]: np.mean(np.multiply(rewards, w)),
        [`${p}/rewardStd`]: np.sqrt(rewNorm.stats.var),
        [`${p}/weight`]: w,
      },
    };
  }

  /** The predictor's loss: MSE to the (fixed) target embedding over a random `rndUpdateProportion` of the elements. */
  predictorLoss(predictor: MLPParams, s: DistillState, x: Value, key: Value): Value {
    const target = lax.stopGradient(this.targetNet.apply(s.target, x));
    const sq = np.square(np.subtract(this.predictorNet.apply(predictor, x), target));
    const p = this.options.rndUpdateProportion;
    if (p >= 1) return np.mean(sq);
    const mask = np.astype(np.less(random.uniform(key, sq.shape), p), "float32");
    return np.divide(np.sum(np.multiply(sq, mask)), np.maximum(np.sum(mask), 1));
  }

  /** SND's target loss on a minibatch of consecutive inputs (x: state, y: next state), [N, D]. */
  targetLoss(target: MLPParams, x: Value, y: Value, key: Value): [Value, Metrics] {
    const snd = this.snd!;
    const ks = random.split(key, 5);
    const aug = (k: Value, v: Value): Value => {
      const kk = random.split(k);
      const f = this.#frames(v);
      const masked = snd.sndTileMaskProb > 0 ? tileMask(kk.get(0), f, snd.sndTileSize, snd.sndTileMaskProb) : f;
      return np.reshape(snd.sndNoise > 0 ? uniformNoise(kk.get(1), masked, snd.sndNoise) : masked, v.shape);
    };
    const f = (v: Value) => this.targetNet.apply(target, v);
    if (snd.sndVariant === "v") {
      // Half the pairs: one state augmented twice (label 0); the rest: a state and another (label 1).
      const n = x.shape[0]!;
      const labels = np.astype(random.bernoulli(ks.get(0), 0.5, [n]), "float32");
      const other = np.take(x, random.permutation(ks.get(1), n), 0);
      const xb = np.where(np.expandDims(np.greater(labels, 0), -1), other, x);
      const loss = contrastiveMse(f(aug(ks.get(2), x)), f(aug(ks.get(3), xb)), labels);
      return [loss, { "loss/sndTarget": loss }];
    }
    const za = f(aug(ks.get(2), x));
    const zb = f(aug(ks.get(3), y));
    if (snd.sndVariant === "vic") {
      const t = vicreg(za, zb, { invariance: snd.sndVicInvariance, variance: snd.sndVicVariance, covariance: snd.sndVicCovariance });
      return [t.total, { "loss/sndTarget": t.total, "snd/vicInvariance": t.invariance, "snd/vicVariance": t.variance, "snd/vicCovariance": t.covariance }];
    }
    const loss = infoNce(za, zb, snd.sndTemperature);
    return [loss, { "loss/sndTarget": loss }];
  }

  // Flat inputs [N, D] as frames [N, H, W, C] for tile masking (1-D observations: [N, D, 1, 1]).
  #frames(v: Value): Value {
    const s = this.spaces.obsShape;
    const n = v.shape[0]!;
    if (s.length === 1) return np.reshape(v, [n, s[0]!, 1, 1]);
    if (s.length === 2) return np.reshape(v, [n, s[0]!, s[1]!, 1]);
    return np.reshape(v, [n, ...s.slice(0, 2), s.slice(2).reduce((a, b) => a * b, 1)]);
  }

  /** The predictor (and SND's target) trained on the rollout: epochs × shuffled minibatches, with its own Adam. */
  learn(s: DistillState, traj: Trajectory, ctx: UpdateContext): { state: DistillState; metrics: Metrics } {
    const [T, B] = traj.rewards.shape as [number, number];
    const n = T * B;
    const M = this.loop.numMinibatches;
    const x = np.reshape(this.input(s, traj.obs), [n, this.inputSize]);
    const y = np.reshape(this.input(s, traj.nextObs), [n, this.inputSize]);
    const opt = this.optimizer();
    const predGrad = valueAndGrad((p: MLPParams, xx: Value, k: Value) => this.predictorLoss(p, s, xx, k));
    const targGrad = valueAndGrad((p: MLPParams, xx: Value, yy: Value, k: Value) => this.targetLoss(p, xx, yy, k), { hasAux: true });
    type Carry = { st: DistillState; key: Value };
    const step = (c: Carry, [mx, my]: [Value, Value]): [Carry, Metrics] => {
      const ks = random.split(c.key, 3);
      let st = c.st;
      const metrics: Metrics = {};
      if (this.snd) {
        const [[, m], g] = targGrad(st.target, mx, my, ks.get(2)) as [[Value, Metrics], MLPParams];
        const [u, targetOpt] = opt.update(g, st.targetOpt, st.target);
        st = { ...st, target: optim.applyUpdates(st.target, u) as MLPParams, targetOpt };
        Object.assign(metrics, m);
      }
      const [loss, g] = predGrad(st.predictor, mx, ks.get(1)) as [Value, MLPParams];
      const [u, predictorOpt] = opt.update(g, st.predictorOpt, st.predictor);
      st = { ...st, predictor: optim.applyUpdates(st.predictor, u) as MLPParams, predictorOpt };
      metrics[`loss/${this.name}Predictor`] = loss;
      return [{ st, key: ks.get(0) }, metrics];
    };
    const epoch = (c: Carry, _: null): [Carry, Metrics] => {
      const ks = random.split(c.key, 3);
      const perm = random.permutation(ks.get(1), n);
      const mbs = map((v: Value) => np.reshape(np.take(v, perm, 0), [M, n / M, this.inputSize]), [x, y]) as [Value, Value];
      const [out, m] = lax.scan(step, { ...c, key: ks.get(2) }, mbs);
      return [{ ...out, key: ks.get(0) }, m];
    };
    const [out, terms] = lax.scan(epoch, { st: s, key: ctx.key }, null, { length: this.loop.epochs });
    const metrics: Metrics = {};
    for (const [k, v] of Object.entries(terms)) metrics[k] = np.mean(v);
    return { state: out.st, metrics };
  }
}
