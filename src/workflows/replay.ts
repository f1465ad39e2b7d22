// A device-resident ring replay buffer (evorl's / flashbax's flat buffer), a pytree of arrays
// [rows, numEnvs, ...] plus a write position and a fill count, so it lives in the jitted
// state, is donated with it and is saved in checkpoints. Each add writes one row (one vector
// step: a transition per env copy), overwriting the oldest row once full; sampling draws
// uniformly over filled slots only. Transitions keep the real next observation (the final one
// at an episode end) and both kinds of episode end, so targets bootstrap through truncation
// and stop at termination; n-step targets are assembled at sampling time.
import type { Value } from "../core/values.js";
import { numpy as np } from "../numpy/index.js";
import { random } from "../random/index.js";
import { map } from "../pytree/index.js";
import type { ReplayBatch } from "../agents/types.js";

/** One stored transition (leading axis: the env copies of one vector step). */
export interface Transition {
  obs: Value;
  actions: Value;
  rewards: Value;
  nextObs: Value;
  terminated: Value;
  truncated: Value;
}

export interface ReplayBuffer {
  /** Every field [rows, numEnvs, ...]. */
  data: Transition;
  /** The row the next add writes (int32). */
  pos: Value;
  /** Rows written so far, at most `rows` (int32). */
  size: Value;
}

/** Rows a buffer of `capacity` transitions needs for `numEnvs` transitions per add. */
export function replayRows(capacity: number, numEnvs: number): number {
  return Math.max(1, Math.ceil(capacity / numEnvs));
}

/** An empty buffer shaped like `example` (one vector step's transitions, [numEnvs, ...]). */
export function replayInit(example: Transition, rows: number): ReplayBuffer {
  return {
    data: map((x: Value) => np.zeros([rows, ...x.shape], x.dtype), example) as Transition,
    pos: np.zeros([], "int32"),
    size: np.zeros([], "int32"),
  };
}

/** The buffer with one vector step's transitions ([numEnvs, ...]) written at `pos`. */
export function replayAdd(buf: ReplayBuffer, t: Transition): ReplayBuffer {
  const rows = rowsOf(buf);
  return {
    data: map((d: Value, x: Value) => np.at(d, buf.pos).set(np.astype(x, d.dtype)), buf.data, t) as Transition,
    pos: np.remainder(np.add(buf.pos, 1), rows),
    size: np.minimum(np.add(buf.size, 1), rows),
  };
}

function rowsOf(buf: ReplayBuffer): number {
  return buf.data.rewards.shape[0]!;
}

export interface SampleOptions {
  /** Discount of the n-step sum and of the bootstrap. */
  gamma: number | Value;
  /** Rewards summed per target (cut at episode ends and at the newest written row). */
  nStep?: number;
}

/** Uniform (row, env) indices over the filled slots. */
export function replayIndices(buf: ReplayBuffer, key: Value, batchSize: number): { row: Value; env: Value } {
  const numEnvs = buf.data.rewards.shape[1]!;
  const [kr, ke] = [random.foldIn(key, 0), random.foldIn(key, 1)];
  return { row: random.randint(kr, [batchSize], 0, np.maximum(buf.size, 1)), env: random.randint(ke, [batchSize], 0, numEnvs) };
}

/**
 * A batch of `batchSize` transitions sampled uniformly over the filled slots, as learners
 * take it: rewards = Σₖ γᵏ r_{t+k} over up to nStep steps of one env (cut after an episode end
 * and at the newest row), nextObs = the next observation of the last step used, and
 * extras.discount = γᵐ·(1 − terminated of that step).
 */
export function replaySample(buf: ReplayBuffer, key: Value, batchSize: number, opts: SampleOptions): ReplayBatch {
  const { row, env } = replayIndices(buf, key, batchSize);
  return replayGather(buf, row, env, opts);
}

/** The n-step batch of explicit (row, env) indices (see replaySample). */
export function replayGather(buf: ReplayBuffer, row: Value, env: Value, opts: SampleOptions): ReplayBatch {
  const rows = rowsOf(buf);
  const numEnvs = buf.data.rewards.shape[1]!;
  const n = opts.nStep ?? 1;
  const gamma = opts.gamma;
  const at = (r: Value) => {
    const flat = np.add(np.multiply(r, numEnvs), env);
    return map((d: Value) => np.take(np.reshape(d, [rows * numEnvs, ...d.shape.slice(2)]), flat, 0), buf.data) as Transition;
  };
  const first = at(row);
  const f32 = (x: Value) => np.astype(x, "float32");
  let ret = f32(first.rewards);
  let bootObs = first.nextObs;
  let lastTerm = f32(first.terminated);
  let steps = np.ones(row.shape, "float32");
  if (n > 1) {
    // Rows written after `row` (itself included): the window never reads past the newest one.
    const avail = np.add(np.remainder(np.subtract(np.subtract(buf.pos, 1), row), rows), 1);
    let alive = np.logicalNot(np.logicalOr(first.terminated, first.truncated));
    let disc: number | Value = gamma;
    for (let k = 1; k < n; k++) {
      const t = at(np.remainder(np.add(row, k), rows));
      const use = np.logicalAnd(alive, np.less(k, avail));
      ret = np.add(ret, np.where(use, np.multiply(disc, f32(t.rewards)), 0));
      bootObs = map((b: Value, o: Value) => np.where(expand(use, o.ndim), o, b), bootObs, t.nextObs) as Value;
      lastTerm = np.where(use, f32(t.terminated), lastTerm);
      steps = np.add(steps, f32(use));
      alive = np.logicalAnd(use, np.logicalNot(np.logicalOr(t.terminated, t.truncated)));
      disc = np.multiply(disc, gamma);
    }
  }
  const discount = np.multiply(np.power(gamma, steps), np.subtract(1, lastTerm));
  return {
    obs: first.obs,
    actions: first.actions,
    rewards: ret,
    nextObs: bootObs,
    terminated: first.terminated,
    truncated: first.truncated,
    extras: { discount: np.astype(discount, "float32"), steps },
  };
}

/** A [N] mask broadcastable against an [N, ...] array of rank `ndim`. */
function expand(mask: Value, ndim: number): Value {
  return ndim <= 1 ? mask : np.reshape(mask, [mask.shape[0]!, ...new Array<number>(ndim - 1).fill(1)]);
}
