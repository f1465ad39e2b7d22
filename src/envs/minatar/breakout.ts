// MinAtar's Breakout (Young & Tian 2019) on a 10×10 board: a paddle on the bottom row, a ball
// moving along diagonals, three rows of bricks (rows 1-3). +1 per brick broken; when all are
// gone and the ball comes down to the paddle row, three new rows appear. The episode ends when
// the ball reaches the bottom row without meeting the paddle. Observation: float32 [10, 10, 4]
// binary channels paddle / ball / trail (the ball's previous cell) / brick, as MinAtar.
// Actions (MinAtar's minimal set): 0 no-op, 1 left, 2 right. The dynamics follow MinAtar's
// step (and gymnax's port) step for step; sticky actions are off by default, as in gymnax.
// The env never truncates: envs.make applies the 1,000-step TimeLimit gymnax uses.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Box, Discrete } from "../spaces.js";
import { cellImage, i32 } from "../bsuite/common.js";

export interface BreakoutParams {
  /** MinAtar's sticky actions: the previous action repeats with this probability (MinAtar's default is 0.1; gymnax's 0). */
  stickyActionProb: number | Value;
}

export interface BreakoutState {
  ballY: Value;
  ballX: Value;
  /** 0 up-left, 1 up-right, 2 down-right, 3 down-left. */
  ballDir: Value;
  /** The paddle's column. */
  pos: Value;
  /** bool [10, 10]. */
  brickMap: Value;
  /** The ball hit a brick on the previous step (MinAtar ignores a second hit in a row). */
  strike: Value;
  lastY: Value;
  lastX: Value;
  time: Value;
  terminal: Value;
  lastAction: Value;
}

export const BREAKOUT_DEFAULTS: BreakoutParams = { stickyActionProb: 0 };

const SIZE = 10;
// Direction changes (0 up-left, 1 up-right, 2 down-right, 3 down-left), as arithmetic rather
// than table lookups: off a side wall [1, 0, 3, 2] = d xor 1; off the ceiling, a brick or the
// paddle's old cell [3, 2, 1, 0] = 3 - d; off the paddle's new cell (a corner) [2, 3, 0, 1] = d xor 2.
const flipX = (d: Value) => np.bitwiseXor(d, 1);
const flipY = (d: Value) => np.subtract(3, d);
const corner = (d: Value) => np.bitwiseXor(d, 2);

const bricks0 = (): Value => {
  const r = np.arange(SIZE, null, 1, "int32").reshape([SIZE, 1]);
  return np.broadcastTo(np.logicalAnd(r.ge(1), r.le(3)), [SIZE, SIZE]);
};

export class Breakout implements Environment<BreakoutState, BreakoutParams> {
  readonly id = "Breakout-MinAtar";
  readonly defaultParams: BreakoutParams;

  constructor(opts: { params?: Partial<BreakoutParams> } = {}) {
    this.defaultParams = { ...BREAKOUT_DEFAULTS, ...opts.params };
  }

  observationSpace(): Box {
    return new Box(0, 1, [SIZE, SIZE, 4], "float32");
  }

  actionSpace(): Discrete {
    return new Discrete(3);
  }

  reset(key: Value): ResetResult<BreakoutState> {
    // The ball starts on row 3 at the left edge going down-right, or the right edge going down-left.
    const right = random.bernoulli(key, 0.5, []);
    const x = np.where(right, SIZE - 1, 0).astype("int32");
    const state: BreakoutState = {
      ballY: i32(3),
      ballX: x,
      ballDir: np.where(right, 3, 2).astype("int32"),
      pos: i32(4),
      brickMap: bricks0(),
      strike: np.asArray(false),
      lastY: i32(3),
      lastX: x,
      time: i32(0),
      terminal: np.asArray(false),
      lastAction: i32(0),
    };
    return { obs: this.obs(state), state };
  }

  step(key: Value, s: BreakoutState, action: Value, params: BreakoutParams = this.defaultParams): StepResult<BreakoutState> {
    let a = np.astype(action, "int32");
    if (!(typeof params.stickyActionProb === "number" && params.stickyActionProb === 0))
      a = np.where(np.less(random.uniform(key, []), params.stickyActionProb), s.lastAction, a);
    const pos = np.clip(s.pos.add(np.where(a.eq(1), -1, np.where(a.eq(2), 1, 0))), 0, SIZE - 1);

    // Move the ball one diagonal step, then resolve collisions in MinAtar's order.
    const up = np.logicalOr(s.ballDir.eq(0), s.ballDir.eq(1));
    const leftward = np.logicalOr(s.ballDir.eq(0), s.ballDir.eq(3));
    let nx = s.ballX.add(np.where(leftward, -1, 1));
    let ny = s.ballY.add(np.where(up, -1, 1));
    let dir = s.ballDir;

    const sideWall = np.logicalOr(nx.lt(0), nx.gt(SIZE - 1));
    nx = np.clip(nx, 0, SIZE - 1);
    dir = np.where(sideWall, flipX(dir), dir);

    const ceiling = ny.lt(0);
    ny = np.maximum(ny, 0);
    dir = np.where(ceiling, flipY(dir), dir);

    // A brick at the new cell (a masked any, not a gather: cheaper once vmapped; ny may be 10
    // after a miss, where there is no brick).
    const rows = np.arange(SIZE, null, 1, "int32").reshape([SIZE, 1]);
    const cols = np.arange(SIZE, null, 1, "int32").reshape([1, SIZE]);
    const cell = np.logicalAnd(rows.eq(ny), cols.eq(nx));
    const brickThere = np.logicalAnd(np.logicalNot(ceiling), np.any(np.logicalAnd(s.brickMap, cell)));
    const hit = np.logicalAnd(brickThere, np.logicalNot(s.strike));
    const hitCell = np.logicalAnd(cell, hit);
    let bricks = np.logicalAnd(s.brickMap, np.logicalNot(hitCell));
    dir = np.where(hit, flipY(dir), dir);
    // Back to the row it came from (MinAtar's last_y, which it has already set to the current row).
    ny = np.where(hit, s.ballY, ny);

    // The paddle row: refill the bricks if none are left, bounce off the paddle or end.
    const bottom = np.logicalAnd(np.logicalNot(ceiling), np.logicalAnd(np.logicalNot(brickThere), ny.eq(SIZE - 1)));
    const empty = np.logicalNot(np.any(bricks));
    bricks = np.where(np.logicalAnd(bottom, empty), bricks0(), bricks);
    const overOld = np.logicalAnd(bottom, s.ballX.eq(pos));
    const overNew = np.logicalAnd(np.logicalAnd(bottom, np.logicalNot(overOld)), nx.eq(pos));
    dir = np.where(overOld, flipY(dir), np.where(overNew, corner(dir), dir));
    ny = np.where(np.logicalOr(overOld, overNew), s.ballY, ny);
    const miss = np.logicalAnd(bottom, np.logicalNot(np.logicalOr(overOld, overNew)));

    const time = s.time.add(1);
    const terminal = np.logicalOr(s.terminal, miss);
    const state: BreakoutState = {
      ballY: ny,
      ballX: nx,
      ballDir: dir,
      pos,
      brickMap: bricks,
      strike: brickThere,
      lastY: s.ballY,
      lastX: s.ballX,
      time,
      terminal,
      lastAction: a,
    };
    return {
      obs: this.obs(state),
      state,
      reward: hit.astype("float32"),
      terminated: terminal,
      truncated: np.asArray(false),
      info: {},
    };
  }

  /** float32 [10, 10, 4]: paddle, ball, trail, brick. */
  obs(s: BreakoutState): Value {
    // Three one-cell updates (scatters once vmapped), as gymnax: each cell index is computed
    // once per environment. Written as compares of every cell with the state, XLA fuses the
    // step into the image, recomputes it for each of the 400 cells and cannot vectorize the
    // boolean channel logic (docs/performance.md). Out-of-range cells (the ball's row 10 after
    // a miss) are dropped, as in gymnax.
    const brick = s.brickMap.reshape([SIZE, SIZE, 1]);
    const ch = np.arange(4, null, 1, "int32").reshape([1, 1, 4]);
    let o = np.logicalAnd(ch.eq(3), brick);
    o = np.at(o, SIZE - 1, s.pos, 0).set(true);
    o = np.at(o, s.ballY, s.ballX, 1).set(true);
    o = np.at(o, s.lastY, s.lastX, 2).set(true);
    return o.astype("float32");
  }

  /** uint8 [160, 160, 3]: bricks, trail, ball and paddle in MinAtar's colours. */
  render(s: BreakoutState): Value {
    const o = this.obs(s).gt(0);
    const ch = (c: number) => o.get("...", c);
    // Later channels drawn over earlier ones: brick < trail < ball < paddle.
    let idx = np.where(ch(3), 4, 0);
    idx = np.where(ch(2), 3, idx);
    idx = np.where(ch(1), 2, idx);
    idx = np.where(ch(0), 1, idx);
    return cellImage(idx, [[0, 0, 0], [80, 200, 220], [250, 250, 250], [120, 120, 140], [220, 90, 60]], 16);
  }
}
