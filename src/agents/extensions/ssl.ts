// The self-supervised losses of SND (Self-supervised Network Distillation, the RLAgents
// notes) on embeddings [N, E], and its augmentations. Written from the papers' definitions;
// tools/fixtures_snd_ssl.py transcribes VICReg and InfoNCE in JAX for the tests' fixture.
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";

/**
 * SND-V's contrastive loss (RLAgents: "common L2 MSE, close states labelled 0, different
 * states labelled 1"): d = mean over features of (za − zb)², loss = mean of (label − d)².
 */
export function contrastiveMse(za: Value, zb: Value, labels: Value): Value {
  const d = np.mean(np.square(np.subtract(za, zb)), -1);
  return np.mean(np.square(np.subtract(labels, d)));
}

export interface VicregWeights {
  invariance: number;
  variance: number;
  covariance: number;
}

export interface VicregTerms {
  total: Value;
  invariance: Value;
  variance: Value;
  covariance: Value;
}

/**
 * VICReg (Bardes et al. 2022, the reference implementation): invariance = MSE(za, zb);
 * variance = ½ Σ_{a,b} mean_j relu(1 − sqrt(var_j(z) + 1e-4)) with the unbiased variance;
 * covariance = Σ_{a,b} Σ_{i≠j} C_ij² / E with C = zᵀz / (N − 1) of the centred z.
 */
export function vicreg(za: Value, zb: Value, w: VicregWeights): VicregTerms {
  const [n, e] = za.shape as [number, number];
  const invariance = np.mean(np.square(np.subtract(za, zb)));
  const hinge = (z: Value) => np.mean(np.relu(np.subtract(1, np.sqrt(np.add(np.var(z, 0, false, 1), 1e-4)))));
  const variance = np.add(np.multiply(0.5, hinge(za)), np.multiply(0.5, hinge(zb)));
  const offDiag = np.subtract(1, np.eye(e));
  const cov = (z: Value) => {
    const c = np.subtract(z, np.mean(z, 0, true));
    const m = np.divide(np.matmul(np.transpose(c), c), Math.max(n - 1, 1));
    return np.divide(np.sum(np.multiply(np.square(m), offDiag)), e);
  };
  const covariance = np.add(cov(za), cov(zb));
  const total = np.add(np.add(np.multiply(w.invariance, invariance), np.multiply(w.variance, variance)), np.multiply(w.covariance, covariance));
  return { total, invariance, variance, covariance };
}

/**
 * Spatio-temporal InfoNCE (SND-STD): logits = za zbᵀ / τ, where row i's positive is column i
 * (the next state of the same transition) and the other columns are negatives;
 * loss = mean_i (logsumexp_j logits_ij − logits_ii).
 */
export function infoNce(za: Value, zb: Value, temperature = 1): Value {
  const logits = np.divide(np.matmul(za, np.transpose(zb)), temperature);
  const n = za.shape[0]!;
  const diag = np.sum(np.multiply(logits, np.eye(n)), -1);
  return np.mean(np.subtract(np.logsumexp(logits, -1), diag));
}

/**
 * Tile masking: frames x [N, H, W, C] cut into tile × tile tiles, each zeroed with
 * probability p (one draw per sample and tile, shared by the channels).
 */
export function tileMask(key: Value, x: Value, tile: number, p: number): Value {
  const [n, h, w] = x.shape as [number, number, number, number];
  const gh = Math.ceil(h / tile);
  const gw = Math.ceil(w / tile);
  const keep = np.astype(np.greaterEqual(random.uniform(key, [n, gh, gw, 1]), p), "float32");
  let m = np.repeat(np.repeat(keep, tile, 1), tile, 2);
  if (gh * tile !== h) m = lax.sliceInDim(m, 0, h, 1, 1);
  if (gw * tile !== w) m = lax.sliceInDim(m, 0, w, 1, 2);
  return np.multiply(x, m);
}

/** Uniform noise: x + k · U(−1, 1). */
export function uniformNoise(key: Value, x: Value, k: number): Value {
  return np.add(x, np.multiply(k, random.uniform(key, x.shape, "float32", -1, 1)));
}
