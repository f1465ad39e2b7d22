// The extensions' options, as schemas (defaults, one-line docs, validation) that registry
// entries join to their agent's: flat keys with a prefix (rnd*, snd*, symmetry*), so
// `key=value` overrides and sweeps name them directly.
import type { Schema } from "../common/config.js";

/** The intrinsic critic of an agent with intrinsic rewards (the RLAgents notes' defaults). */
export const TWO_CRITIC_SCHEMA: Schema = {
  gammaInt: { kind: "number", default: 0.99, min: 0, max: 1, doc: "discount of the intrinsic return (non-episodic: it flows across episode ends)" },
  extAdvCoef: { kind: "number", default: 2.0, min: 0, doc: "weight of the extrinsic advantages in the policy's advantages" },
  intAdvCoef: { kind: "number", default: 1.0, min: 0, doc: "weight of the intrinsic advantages in the policy's advantages" },
};

export interface TwoCriticOptions {
  gammaInt: number;
  extAdvCoef: number;
  intAdvCoef: number;
}

/** Random network distillation (rsl_rl's options; SND adds its own below). */
export const RND_SCHEMA: Schema = {
  rndPredictorHidden: { kind: "ints", default: [256, 256], doc: "hidden widths of the predictor MLP" },
  rndTargetHidden: { kind: "ints", default: [256], doc: "hidden widths of the target MLP" },
  rndEmbedding: { kind: "int", default: 64, min: 1, doc: "embedding size (outputs of predictor and target)" },
  rndActivation: { kind: "enum", default: "elu", values: ["elu", "relu", "tanh", "leaky_relu", "silu"], doc: "hidden activation (the RLAgents notes: ELU; ReLU or leaky ReLU do not work)" },
  rndStateNormalization: { kind: "enum", default: "mean", values: ["none", "mean", "meanstd"], doc: "empirical normalization of the networks' input: mean only (RLAgents), mean and std (rsl_rl), or none" },
  rndNormEps: { kind: "number", default: 1e-2, gt: 0, doc: "ε of the state normalization: (x − mean) / (std + ε)" },
  rndNormUntil: { kind: "number", default: 1e8, gt: 0, nullable: true, doc: "the normalizers freeze after this many samples; null: never" },
  rndRewardNormalization: { kind: "bool", default: true, doc: "divide the intrinsic reward by the running std of its discounted (non-episodic) return" },
  rndRewardType: { kind: "enum", default: "l2", values: ["l2", "halfsumsq"], doc: "‖target − predictor‖₂ (rsl_rl) or Σ (target − predictor)² / 2 (RLAgents)" },
  rndWeight: { kind: "number", default: 1.0, min: 0, doc: "scale of the intrinsic reward (the schedule's initial value)" },
  rndWeightSchedule: { kind: "enum", default: "constant", values: ["constant", "step", "linear"], doc: "weight schedule over learning iterations: constant, step (to rndWeightFinal at rndWeightFinalStep), linear (from rndWeightInitialStep to rndWeightFinalStep)" },
  rndWeightInitialStep: { kind: "int", default: 0, min: 0, doc: "linear schedule: the iteration where the weight starts moving" },
  rndWeightFinalStep: { kind: "int", default: 0, min: 0, doc: "step / linear schedules: the iteration where the weight reaches rndWeightFinal" },
  rndWeightFinal: { kind: "number", default: 0, min: 0, doc: "step / linear schedules: the final weight" },
  rndLr: { kind: "number", default: 1e-3, gt: 0, doc: "learning rate of the predictor's own Adam (and SND's target's)" },
  rndUpdateProportion: { kind: "number", default: 0.25, gt: 0, max: 1, doc: "fraction of the predictor loss's elements kept (RLAgents: 25% with 128 envs, 100% with 32)" },
};

export interface RNDOptions {
  rndPredictorHidden: number[];
  rndTargetHidden: number[];
  rndEmbedding: number;
  rndActivation: string;
  rndStateNormalization: "none" | "mean" | "meanstd";
  rndNormEps: number;
  rndNormUntil: number | null;
  rndRewardNormalization: boolean;
  rndRewardType: "l2" | "halfsumsq";
  rndWeight: number;
  rndWeightSchedule: "constant" | "step" | "linear";
  rndWeightInitialStep: number;
  rndWeightFinalStep: number;
  rndWeightFinal: number;
  rndLr: number;
  rndUpdateProportion: number;
}

/** Self-supervised network distillation: RND whose target learns too. */
export const SND_SCHEMA: Schema = {
  sndVariant: { kind: "enum", default: "v", values: ["v", "vic", "std"], doc: "the target's loss: v (contrastive pairs, MSE to 0 / 1), vic (VICReg on consecutive states), std (spatio-temporal InfoNCE)" },
  sndTileSize: { kind: "int", default: 2, min: 1, doc: "augmentation: side of the tiles masked (observation cells)" },
  sndTileMaskProb: { kind: "number", default: 0.1, min: 0, max: 1, doc: "augmentation: probability that a tile is masked to zero" },
  sndNoise: { kind: "number", default: 0.2, min: 0, doc: "augmentation: uniform noise amplitude (x + k·U(−1, 1))" },
  sndVicInvariance: { kind: "number", default: 25, min: 0, doc: "VICReg: weight of the invariance (MSE) term" },
  sndVicVariance: { kind: "number", default: 25, min: 0, doc: "VICReg: weight of the variance hinge" },
  sndVicCovariance: { kind: "number", default: 1, min: 0, doc: "VICReg: weight of the covariance term" },
  sndTemperature: { kind: "number", default: 1, gt: 0, doc: "InfoNCE: temperature of the logits" },
};

export interface SNDOptions {
  sndVariant: "v" | "vic" | "std";
  sndTileSize: number;
  sndTileMaskProb: number;
  sndNoise: number;
  sndVicInvariance: number;
  sndVicVariance: number;
  sndVicCovariance: number;
  sndTemperature: number;
}

/** rsl_rl's symmetry extension. */
export const SYMMETRY_SCHEMA: Schema = {
  symmetry: { kind: "string", default: null, nullable: true, doc: "mirror functions by name (extensions' MIRRORS: \"cartpole\"); null: no symmetry" },
  symmetryAugment: { kind: "bool", default: true, doc: "extend each minibatch by its mirror (old log-probs, values and advantages repeated)" },
  symmetryMirrorLoss: { kind: "bool", default: false, doc: "add the mirror loss (MSE between the actor on mirrored observations and its mirrored, detached output)" },
  symmetryCoef: { kind: "number", default: 1.0, min: 0, doc: "weight of the mirror loss" },
};

export interface SymmetryOptions {
  symmetry: string | null;
  symmetryAugment: boolean;
  symmetryMirrorLoss: boolean;
  symmetryCoef: number;
}

/** UNREAL's auxiliary tasks (rlib RANDAL's options). */
export const UNREAL_SCHEMA: Schema = {
  pixelControl: { kind: "bool", default: true, doc: "the pixel-control task (Q_aux over a grid of cells, n-step Q targets on the mean absolute pixel change)" },
  pcWeight: { kind: "number", default: 1, min: 0, doc: "weight of the pixel-control loss (rlib's PC)" },
  rpWeight: { kind: "number", default: 1, min: 0, doc: "weight of the reward-prediction loss (rlib's RP)" },
  vrWeight: { kind: "number", default: 1, min: 0, doc: "weight of the value-replay loss (rlib's VR)" },
  replayLength: { kind: "int", default: 2000, min: 1, doc: "steps of recent frames kept for the auxiliary tasks (over all environments)" },
  initObsSteps: { kind: "int", default: 600, min: 0, doc: "steps in the replay before the auxiliary losses start" },
  normPixelReward: { kind: "bool", default: true, doc: "min–max normalize pixels (by the smallest and largest seen) before pixel-control rewards" },
  pcCellSize: { kind: "int", default: 4, min: 1, doc: "side of the pixel-control cells (must divide the frame's height and width)" },
  auxNSteps: { kind: "int", default: 5, min: 1, doc: "length n of the replayed sequences (n-step targets of pixel control and value replay)" },
  auxSequences: { kind: "int", default: 8, min: 1, doc: "replayed sequences (and reward-prediction samples) per minibatch" },
  auxGamma: { kind: "number", default: 0.99, min: 0, max: 1, doc: "discount of the auxiliary n-step targets" },
};

/** UNREAL's auxiliary tasks (unreal.ts). */
export interface UnrealOptions {
  pixelControl: boolean;
  pcWeight: number;
  rpWeight: number;
  vrWeight: number;
  replayLength: number;
  initObsSteps: number;
  normPixelReward: boolean;
  pcCellSize: number;
  auxNSteps: number;
  auxSequences: number;
  auxGamma: number;
}
