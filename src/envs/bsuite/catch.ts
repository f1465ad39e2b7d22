// bsuite's Catch: a ball falls straight down a rows×columns board from a random column of the
// top row; the agent moves a paddle on the bottom row (0 left, 1 stay, 2 right). When the ball
// reaches the bottom row the episode ends with +1 if the paddle is under it, else -1.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Box, Discrete } from "../spaces.js";
import { cellImage, i32, intOption } from "./common.js";

/** Catch has no tunable parameters (its board size is an option of the constructor). */
export type CatchParams = Record<string, never>;

export interface CatchState {
  ballX: Value;
  ballY: Value;
  paddleX: Value;
  paddleY: Value;
  time: Value;
}

export interface CatchOptions {
  rows?: number;
  columns?: number;
}

export class Catch implements Environment<CatchState, CatchParams> {
  readonly id = "Catch-bsuite";
  readonly rows: number;
  readonly columns: number;
  readonly defaultParams: CatchParams = {};

  constructor(opts: CatchOptions = {}) {
    this.rows = intOption("Catch", "rows", opts.rows ?? 10, 2);
    this.columns = intOption("Catch", "columns", opts.columns ?? 5, 1);
  }

  observationSpace(): Box {
    return new Box(0, 1, [this.rows, this.columns], "float32");
  }

  actionSpace(): Discrete {
    return new Discrete(3);
  }

  reset(key: Value): ResetResult<CatchState> {
    const state: CatchState = {
      ballX: random.randint(key, [], 0, this.columns),
      ballY: i32(0),
      paddleX: i32(this.columns >> 1),
      paddleY: i32(this.rows - 1),
      time: i32(0),
    };
    return { obs: this.obs(state), state };
  }

  step(_key: Value, s: CatchState, action: Value): StepResult<CatchState> {
    const dx = np.astype(action, "int32").sub(1);
    const state: CatchState = {
      ballX: s.ballX,
      ballY: s.ballY.add(1),
      paddleX: np.clip(s.paddleX.add(dx), 0, this.columns - 1),
      paddleY: s.paddleY,
      time: s.time.add(1),
    };
    const terminated = np.equal(state.ballY, state.paddleY);
    const caught = np.equal(state.paddleX, state.ballX);
    const reward = np.where(terminated, np.where(caught, 1, -1), 0).astype("float32");
    return { obs: this.obs(state), state, reward, terminated, truncated: np.asArray(false), info: {} };
  }

  /** float32 [rows, columns]: 1 at the ball and at the paddle. */
  obs(s: CatchState): Value {
    const ys = np.arange(this.rows, null, 1, "int32").reshape([this.rows, 1]);
    const xs = np.arange(this.columns, null, 1, "int32").reshape([1, this.columns]);
    const ball = np.logicalAnd(np.equal(ys, s.ballY), np.equal(xs, s.ballX));
    const paddle = np.logicalAnd(np.equal(ys, s.paddleY), np.equal(xs, s.paddleX));
    return np.astype(np.logicalOr(ball, paddle), "float32");
  }

  /** uint8 [16·rows, 16·columns, 3]: ball in red, paddle in white. */
  render(s: CatchState): Value {
    const ys = np.arange(this.rows, null, 1, "int32").reshape([this.rows, 1]);
    const xs = np.arange(this.columns, null, 1, "int32").reshape([1, this.columns]);
    const ball = np.logicalAnd(np.equal(ys, s.ballY), np.equal(xs, s.ballX));
    const paddle = np.logicalAnd(np.equal(ys, s.paddleY), np.equal(xs, s.paddleX));
    const idx = np.where(ball, 1, np.where(paddle, 2, 0));
    return cellImage(idx, [[15, 15, 25], [230, 60, 50], [235, 235, 235]], 16);
  }
}
