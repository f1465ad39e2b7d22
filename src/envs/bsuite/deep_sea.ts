// bsuite's Deep Sea (Osband et al.): an N×N grid, the agent starts top-left and falls one row
// per step, choosing "left" or "right". Only the bottom-right cell pays (+1); every "right"
// costs unscaledMoveCost / N. Which action index means "right" is drawn per cell, as bsuite
// draws it from `mapping_seed` once for the environment: here from `mappingSeed` (or from
// the reset key with `sampleActionMap`), stored in the state, so it is fixed for an episode.
// A uniformly random policy reaches the reward with probability 2^-N.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Box, Discrete } from "../spaces.js";
import { cellImage, flag, i32, intOption } from "./common.js";

export interface DeepSeaParams {
  /** Deterministic transitions (bsuite's default); otherwise "right" fails with probability 1/N and the chain's ends add N(0, 1) reward noise. Static. */
  deterministic: boolean;
  /** Cost of one "right" move times N (0.01: the optimal return is 0.99). */
  unscaledMoveCost: number | Value;
  /** Randomize which action is "right" per cell (bsuite's definition); false: 1 = right everywhere. Static. */
  randomizeActions: boolean;
  /** Seed of the action mapping (bsuite's mapping_seed). */
  mappingSeed: number | Value;
  /** Draw a fresh mapping from each reset's key instead of from mappingSeed. Static. */
  sampleActionMap: boolean;
}

export interface DeepSeaState {
  row: Value;
  column: Value;
  /** The agent left the optimal (diagonal) path this episode. */
  badEpisode: Value;
  /** Sum of the noiseless goal rewards (bsuite's denoised_return) this episode. */
  denoisedReturn: Value;
  /** int32 [N, N]: the action index that means "right" in each cell. */
  actionMapping: Value;
  time: Value;
}

export interface DeepSeaOptions {
  /** N (default 10, bsuite's smallest sweep size). */
  size?: number;
  params?: Partial<DeepSeaParams>;
}

export const DEEP_SEA_DEFAULTS: DeepSeaParams = {
  deterministic: true,
  unscaledMoveCost: 0.01,
  randomizeActions: true,
  mappingSeed: 42,
  sampleActionMap: false,
};

/** The best achievable expected return (bsuite's optimal_return). */
export function deepSeaOptimalReturn(size: number, p: Pick<DeepSeaParams, "deterministic" | "unscaledMoveCost"> = DEEP_SEA_DEFAULTS): number {
  const noCost = p.deterministic ? 1 : (1 - 1 / size) ** (size - 1);
  return noCost - Number(p.unscaledMoveCost);
}

export class DeepSea implements Environment<DeepSeaState, DeepSeaParams> {
  readonly id = "DeepSea-bsuite";
  readonly size: number;
  readonly defaultParams: DeepSeaParams;

  constructor(opts: DeepSeaOptions = {}) {
    this.size = intOption("DeepSea", "size", opts.size ?? 10, 2);
    this.defaultParams = { ...DEEP_SEA_DEFAULTS, ...opts.params };
  }

  observationSpace(): Box {
    return new Box(0, 1, [this.size, this.size], "float32");
  }

  actionSpace(): Discrete {
    return new Discrete(2);
  }

  /** The action mapping an episode uses (int32 [N, N]; 1 where action 1 means "right"). */
  actionMapping(key: Value, params: DeepSeaParams = this.defaultParams): Value {
    const n = this.size;
    if (!flag(params.randomizeActions, "DeepSea", "randomizeActions")) return np.ones([n, n], "int32");
    const k = flag(params.sampleActionMap, "DeepSea", "sampleActionMap") ? key : random.key(params.mappingSeed);
    return np.astype(random.bernoulli(k, 0.5, [n, n]), "int32");
  }

  reset(key: Value, params: DeepSeaParams = this.defaultParams): ResetResult<DeepSeaState> {
    const state: DeepSeaState = {
      row: i32(0),
      column: i32(0),
      badEpisode: np.asArray(false),
      denoisedReturn: np.asArray(0, "float32"),
      actionMapping: this.actionMapping(key, params),
      time: i32(0),
    };
    return { obs: this.obs(state), state };
  }

  step(key: Value, s: DeepSeaState, action: Value, params: DeepSeaParams = this.defaultParams): StepResult<DeepSeaState> {
    const n = this.size;
    const last = n - 1;
    // After the last row the cell index is clamped: the episode is over anyway.
    const right = np.equal(np.astype(action, "int32"), s.actionMapping.get(np.minimum(s.row, last), s.column));
    const atGoal = np.logicalAnd(np.equal(s.column, last), right);
    let reward = np.where(atGoal, 1, 0).astype("float32");
    let moves = right;
    if (!flag(params.deterministic, "DeepSea", "deterministic")) {
      const [kr, kt] = [random.foldIn(key, 0), random.foldIn(key, 1)];
      const chainEnd = np.logicalAnd(np.equal(s.row, last), np.logicalOr(np.equal(s.column, 0), np.equal(s.column, last)));
      reward = reward.add(np.where(chainEnd, random.normal(kr, []), 0));
      moves = np.logicalAnd(right, np.greater(random.uniform(kt, []), 1 / n));
    }
    reward = reward.sub(np.where(right, np.divide(params.unscaledMoveCost, n), 0)).astype("float32");
    const column = np.where(right, np.where(moves, np.minimum(s.column.add(1), last), s.column), np.maximum(s.column.sub(1), 0));
    const state: DeepSeaState = {
      row: s.row.add(1),
      column: np.astype(column, "int32"),
      badEpisode: np.logicalOr(s.badEpisode, np.logicalAnd(np.logicalNot(right), np.equal(s.row, s.column))),
      denoisedReturn: s.denoisedReturn.add(atGoal.astype("float32")),
      actionMapping: s.actionMapping,
      time: s.time.add(1),
    };
    const terminated = np.greaterEqual(state.row, n);
    return {
      obs: this.obs(state),
      state,
      reward,
      terminated,
      truncated: np.asArray(false),
      info: { badEpisode: state.badEpisode, denoisedReturn: state.denoisedReturn },
    };
  }

  /** float32 [N, N]: one-hot of the agent's cell; all zeros once it has fallen off the grid. */
  obs(s: DeepSeaState): Value {
    const r = np.arange(this.size, null, 1, "int32");
    const rowHit = np.equal(r, s.row).reshape([this.size, 1]);
    const colHit = np.equal(r, s.column).reshape([1, this.size]);
    return np.astype(np.logicalAnd(rowHit, colHit), "float32");
  }

  /** uint8 [8N, 8N, 3]: the grid (the goal cell tinted), the agent in yellow. */
  render(s: DeepSeaState): Value {
    const n = this.size;
    const r = np.arange(n, null, 1, "int32");
    const goal = np.logicalAnd(np.equal(r, n - 1).reshape([n, 1]), np.equal(r, n - 1).reshape([1, n]));
    const checker = np.equal(np.remainder(r.reshape([n, 1]).add(r.reshape([1, n])), 2), 0);
    // 0 dark cell, 1 light cell, 2 goal, 3 agent.
    let idx = np.where(checker, 0, 1);
    idx = np.where(goal, 2, idx);
    idx = np.where(this.obs(s).gt(0), 3, idx);
    return cellImage(idx, [[20, 30, 60], [30, 45, 85], [40, 160, 70], [250, 210, 40]], 8);
  }
}
