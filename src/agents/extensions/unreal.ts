// UNREAL's auxiliary-task targets (Jaderberg et al. 2017), as RANDAL (rlib: RND + UNREAL)
// uses them, as pure functions:
// - pixel-control rewards: the mean absolute change of the pixels of each cell of a grid
//   between consecutive frames (equal to rlax.pixel_control_rewards; test/fixtures/unreal.json);
// - n-step Q targets of the pixel-control head: discounted sums of those rewards bootstrapped
//   with max_a Q_aux of the last frame (rlax.discounted_returns with a bootstrap value);
// - rlib's min–max pixel normalization.
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import { nn, type DenseParams, type Module } from "../../nn/index.js";
import { frameShape, pixelFrames } from "../common/networks.js";
import type { UnrealOptions } from "./config.js";

export type { UnrealOptions };
import type { Trajectory } from "../types.js";
import type { AgentModel, Extension, ExtensionSpaces, Metrics } from "./types.js";

/**
 * Frames [..., T + 1, H, W, C] (channels-last floats) → rewards [..., T, H / cell, W / cell]:
 * the mean over channels and over each cell × cell block of |frame_{t+1} − frame_t|. H and W
 * must be multiples of the cell size.
 */
export function pixelControlRewards(frames: Value, cellSize: number): Value {
  if (frames.ndim < 4) throw new TypeError(`pixelControlRewards: frames must be [..., T + 1, H, W, C], got shape [${frames.shape.join(", ")}]`);
  const ax = frames.ndim - 4;
  const lead = frames.shape.slice(0, ax);
  const [T1, H, W] = frames.shape.slice(ax) as [number, number, number, number];
  if (H % cellSize !== 0 || W % cellSize !== 0) throw new TypeError(`pixelControlRewards: H × W = ${H} × ${W} must be multiples of cellSize = ${cellSize}`);
  const f = np.astype(frames, "float32");
  const diff = np.abs(np.subtract(lax.sliceInDim(f, 1, T1, 1, ax), lax.sliceInDim(f, 0, T1 - 1, 1, ax)));
  const perPixel = np.mean(diff, -1);
  const cells = np.reshape(perPixel, [...lead, T1 - 1, H / cellSize, cellSize, W / cellSize, cellSize]);
  return np.mean(cells, [ax + 2, ax + 4]);
}

/**
 * Discounted returns along axis 0 bootstrapped at the end: G_t = r_t + discount_t · G_{t+1},
 * G_T = bootstrap (rlax.discounted_returns). `discount_t` carries γ and the episode ends
 * (0 after a terminal step). Any trailing axes (a grid of cells) are batch axes.
 */
export function bootstrappedReturns(rewards: Value, discounts: Value, bootstrap: Value): Value {
  const [, g] = lax.scan(
    (next: Value, [r, d]: [Value, Value]): [Value, Value] => {
      const v = np.add(r, np.multiply(d, next));
      return [v, v];
    },
    np.astype(bootstrap, "float32"),
    [np.astype(rewards, "float32"), np.astype(discounts, "float32")],
    { reverse: true },
  );
  return g;
}

/**
 * n-step Q targets of the pixel-control head for a sequence: rewards [T, Hc, Wc], discounts
 * [T] (γ, or 0 after a terminal step), and Q_aux of the final frame [A, Hc, Wc] whose max
 * over actions bootstraps the sum.
 */
export function pixelControlTargets(rewards: Value, discounts: Value, lastQ: Value): Value {
  const d = np.broadcastTo(np.reshape(discounts, [discounts.shape[0]!, 1, 1]), rewards.shape);
  return bootstrappedReturns(rewards, d, lax.stopGradient(np.max(lastQ, 0)));
}

/** rlib's norm_obs: pixels rescaled by the min and max seen, (x − lo) / (hi − lo) (identity where hi = lo). */
export function minMaxNormalize(x: Value, lo: Value | number, hi: Value | number): Value {
  const span = np.subtract(hi, lo);
  return np.where(np.greater(span, 0), np.divide(np.subtract(x, lo), np.where(np.greater(span, 0), span, 1)), x);
}

// --- the auxiliary-task extension ---------------------------------------------------------

export interface UnrealState {
  /** Replay ring, time-major [L, B, ...]. */
  obs: Value;
  actions: Value;
  rewards: Value;
  /** The episode ended with this step. */
  dones: Value;
  /** The next slot written, and how many slots hold data (int32). */
  ptr: Value;
  filled: Value;
  /** Smallest and largest pixel values seen (rlib's norm_obs). */
  pixLo: Value;
  pixHi: Value;
}

export interface UnrealHeads {
  qAux: DenseParams;
  rewardPred: DenseParams;
}

/**
 * UNREAL's auxiliary tasks as an extension (RANDAL = this + RND): heads on the agent's shared
 * torso, trained by the agent's optimizer on sequences sampled from a replay of recent frames
 * (kept in the extension's state, filled after each update):
 * - pixel control (`pcWeight`): Q_aux over a grid of cells, n-step Q targets on the mean
 *   absolute pixel change per cell (min–max normalized pixels with `normPixelReward`);
 * - reward prediction (`rpWeight`): 3 consecutive frames → the next reward's sign (zero /
 *   positive / negative), sampled half rewarding;
 * - value replay (`vrWeight`): the value head regressed to n-step returns on replayed frames.
 * Nothing is learned until the replay holds `initObsSteps` steps.
 */
export class Unreal implements Extension<UnrealState> {
  readonly name = "unreal";
  /** Time slots of the replay (replayLength / numEnvs, at least auxNSteps + 2). */
  readonly slots: number;
  readonly grid: [number, number];
  readonly qHead: Module<DenseParams>;
  readonly rpHead: Module<DenseParams>;

  constructor(
    readonly spaces: ExtensionSpaces,
    readonly options: UnrealOptions,
  ) {
    if (!spaces.discrete) throw new TypeError("unreal: pixel control needs Discrete actions");
    const [H, W] = frameShape(spaces.obsShape);
    const c = options.pcCellSize;
    if (options.pixelControl && (H % c !== 0 || W % c !== 0)) throw new TypeError(`unreal: the frames (${H} × ${W}) must be multiples of pcCellSize = ${c}`);
    this.grid = [Math.floor(H / c), Math.floor(W / c)];
    this.slots = Math.max(Math.floor(options.replayLength / spaces.numEnvs), options.auxNSteps + 2);
    const ortho = nn.initializers.orthogonal;
    this.qHead = nn.Dense({ features: spaces.actionDim * this.grid[0] * this.grid[1], kernelInit: ortho(0.01), biasInit: nn.initializers.zeros });
    this.rpHead = nn.Dense({ features: 3, kernelInit: ortho(0.01), biasInit: nn.initializers.zeros });
    Object.freeze(this);
  }

  init(): UnrealState {
    const { numEnvs: B, obsShape } = this.spaces;
    const L = this.slots;
    return {
      obs: np.zeros([L, B, ...obsShape], this.spaces.obsDtype ?? "float32"),
      actions: np.zeros([L, B], "int32"),
      rewards: np.zeros([L, B], "float32"),
      dones: np.zeros([L, B], "bool"),
      ptr: np.zeros([], "int32"),
      filled: np.zeros([], "int32"),
      pixLo: np.full([], Infinity, "float32"),
      pixHi: np.full([], -Infinity, "float32"),
    };
  }

  initHeads(key: Value, featureSize: number): UnrealHeads {
    const ks = random.split(key);
    return { qAux: this.qHead.init(ks.get(0), [featureSize]), rewardPred: this.rpHead.init(ks.get(1), [3 * featureSize]) };
  }

  /** The rollout enters the replay (after the update, so the losses of this iteration saw the older frames). */
  learn(s: UnrealState, traj: Trajectory): { state: UnrealState; metrics: Metrics } {
    const T = traj.rewards.shape[0]!;
    const L = this.slots;
    const keep = Math.min(T, L);
    const tail = (v: Value) => (T > keep ? lax.sliceInDim(v, T - keep, T, 1, 0) : v);
    const idx = np.remainder(np.add(s.ptr, np.arange(keep, null, 1, "int32")), L);
    const frames = pixelFrames(traj.obs, this.spaces.obsShape);
    const put = (buf: Value, v: Value) => np.at(buf, idx).set(np.astype(tail(v), buf.dtype));
    const state: UnrealState = {
      obs: put(s.obs, traj.obs),
      actions: put(s.actions, traj.actions),
      rewards: put(s.rewards, traj.rewards),
      dones: put(s.dones, np.logicalOr(traj.terminated, traj.truncated)),
      ptr: np.remainder(np.add(s.ptr, keep), L).astype("int32"),
      filled: np.minimum(np.add(s.filled, keep), L).astype("int32"),
      pixLo: np.minimum(s.pixLo, np.min(frames)),
      pixHi: np.maximum(s.pixHi, np.max(frames)),
    };
    return { state, metrics: { "unreal/replayFilled": np.astype(state.filled, "float32") } };
  }

  auxLoss(heads: unknown, model: AgentModel, s: UnrealState, key: Value): { loss: Value; metrics: Metrics } {
    const h = heads as UnrealHeads;
    const o = this.options;
    const { numEnvs: B, obsShape, actionDim: A } = this.spaces;
    const L = this.slots;
    const n = o.auxNSteps;
    const S = o.auxSequences;
    const ks = random.split(key, 4);
    const ready = np.astype(np.logicalAnd(np.greaterEqual(np.multiply(s.filled, B), o.initObsSteps), np.greater(s.filled, n + 1)), "float32");
    const oldest = np.remainder(np.add(np.subtract(s.ptr, s.filled), L), L);
    const flat = (v: Value) => np.reshape(v, [L * B, ...v.shape.slice(2)]);
    const gather = (v: Value, slots: Value, envs: Value) => np.take(flat(v), np.add(np.multiply(slots, B), envs), 0);

    // Sequences of n + 1 consecutive slots of one environment each.
    const span = np.maximum(np.subtract(s.filled, n), 1);
    const start = np.floor(np.multiply(random.uniform(ks.get(0), [S]), span)).astype("int32");
    const env = random.randint(ks.get(1), [S, 1], 0, B);
    const slots = np.remainder(np.add(np.add(oldest, np.expandDims(start, -1)), np.arange(n + 1, null, 1, "int32")), L);
    const obs = gather(s.obs, slots, env); // [S, n + 1, ...]
    const acts = lax.sliceInDim(gather(s.actions, slots, env), 0, n, 1, 1);
    const rews = lax.sliceInDim(gather(s.rewards, slots, env), 0, n, 1, 1);
    const notDone = np.subtract(1, np.astype(lax.sliceInDim(gather(s.dones, slots, env), 0, n, 1, 1), "float32"));
    const discounts = np.multiply(o.auxGamma, notDone); // [S, n]
    const feats = np.reshape(model.features(np.reshape(obs, [S * (n + 1), ...obsShape])), [S, n + 1, -1]);
    const metrics: Metrics = {};
    let loss = np.zeros([], "float32");

    if (o.pixelControl && o.pcWeight > 0) {
      let frames = pixelFrames(obs, obsShape);
      if (o.normPixelReward) frames = minMaxNormalize(frames, s.pixLo, s.pixHi);
      // Across an episode end the next frame is a reset frame: no pixel reward there.
      const pcRewards = np.multiply(pixelControlRewards(frames, o.pcCellSize), np.reshape(notDone, [S, n, 1, 1]));
      const [gh, gw] = this.grid;
      const q = np.reshape(this.qHead.apply(h.qAux, feats), [S, n + 1, A, gh, gw]);
      const last = lax.stopGradient(np.max(np.get(q, ":", n), 1)); // [S, gh, gw]
      const tm = (v: Value) => np.moveaxis(v, 1, 0);
      const targets = tm(bootstrappedReturns(tm(pcRewards), tm(np.reshape(discounts, [S, n, 1, 1])), last)); // [S, n, gh, gw]
      const onehot = np.reshape(np.astype(np.equal(np.expandDims(acts, -1), np.arange(A, null, 1, "int32")), "float32"), [S, n, A, 1, 1]);
      const qa = np.sum(np.multiply(lax.sliceInDim(q, 0, n, 1, 1), onehot), 2);
      const pc = np.mean(np.square(np.subtract(qa, lax.stopGradient(targets))));
      metrics["loss/pixelControl"] = pc;
      metrics["unreal/pixelReward"] = np.mean(pcRewards);
      loss = np.add(loss, np.multiply(o.pcWeight, pc));
    }
    if (o.vrWeight > 0) {
      const v = np.reshape(model.value(np.reshape(obs, [S * (n + 1), ...obsShape])), [S, n + 1]);
      const boot = lax.stopGradient(np.get(v, ":", n));
      const tm = (x: Value) => np.transpose(x);
      const targets = tm(bootstrappedReturns(tm(rews), tm(discounts), boot));
      const vr = np.multiply(0.5, np.mean(np.square(np.subtract(lax.sliceInDim(v, 0, n, 1, 1), lax.stopGradient(targets)))));
      metrics["loss/valueReplay"] = vr;
      loss = np.add(loss, np.multiply(o.vrWeight, vr));
    }
    if (o.rpWeight > 0) {
      // Three frames of one episode ending at slot t; label: the sign of the reward after frame t.
      const age = np.remainder(np.add(np.subtract(np.arange(L, null, 1, "int32"), oldest), L), L); // [L]
      const prev = (k: number) => np.remainder(np.add(np.arange(L, null, 1, "int32"), L - k), L);
      const doneAt = (k: number) => np.take(s.dones, prev(k), 0); // [L, B]
      const valid = np.logicalAnd(np.logicalAnd(np.expandDims(np.logicalAnd(np.greaterEqual(age, 2), np.less(age, s.filled)), -1), np.logicalNot(doneAt(1))), np.logicalNot(doneAt(2)));
      const rewarding = np.logicalAnd(valid, np.notEqual(s.rewards, 0));
      const zero = np.logicalAnd(valid, np.equal(s.rewards, 0));
      const nr = np.sum(rewarding);
      const nz = np.sum(zero);
      // Half of the samples rewarding (when any are), as UNREAL's skewed sampling.
      const w = np.add(np.where(rewarding, np.divide(0.5, np.maximum(nr, 1)), 0), np.where(zero, np.divide(np.where(np.greater(nr, 0), 0.5, 1), np.maximum(nz, 1)), 0));
      const pick = random.categorical(ks.get(2), np.log(np.reshape(w, [L * B])), -1, [S]);
      const slot = np.floorDivide(pick, B);
      const e = np.remainder(pick, B);
      const three = np.stack([2, 1, 0].map((k) => np.remainder(np.add(slot, L - k), L)), -1); // [S, 3]
      const frames3 = gather(s.obs, three, np.expandDims(e, -1));
      const f3 = np.reshape(model.features(np.reshape(frames3, [S * 3, ...obsShape])), [S, -1]);
      const logits = this.rpHead.apply(h.rewardPred, f3);
      const r = np.take(np.reshape(s.rewards, [L * B]), pick, 0);
      const label = np.where(np.greater(r, 0), 1, np.where(np.less(r, 0), 2, 0)).astype("int32");
      const logp = np.logSoftmax(logits, -1);
      const rp = np.negative(np.mean(np.sum(np.multiply(logp, np.astype(np.equal(np.expandDims(label, -1), np.arange(3, null, 1, "int32")), "float32")), -1)));
      metrics["loss/rewardPrediction"] = rp;
      loss = np.add(loss, np.multiply(o.rpWeight, rp));
    }
    // Before the replay is ready the losses (and their metrics) are zero.
    for (const k of Object.keys(metrics)) metrics[k] = np.multiply(ready, metrics[k]!);
    return { loss: np.multiply(ready, loss), metrics };
  }
}
