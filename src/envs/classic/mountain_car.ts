// MountainCar-v0 and MountainCarContinuous-v0 (gymnasium's, after Moore's thesis): an
// underpowered car in a valley must rock back and forth to reach the flag. Discrete: reward -1
// per step, make() truncates at 200. Continuous: reward 100 on reaching the goal minus
// 0.1 * action^2 per step (the unclipped action, as gymnasium), make() truncates at 999.
import type { Value } from "../../core/values.js";
import { numpy as np, type ArrayLike } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Box, Discrete } from "../spaces.js";
import * as R from "../render.js";
import { entry, observe, parseOptions, reward, stateVector, type FloatDType } from "./common.js";

export interface MountainCarState {
  position: Value;
  velocity: Value;
}

export interface MountainCarParams {
  minPosition: number;
  maxPosition: number;
  maxSpeed: number;
  goalPosition: number;
  goalVelocity: number;
  /** Discrete: the push of actions 0 / 2. */
  force: number;
  gravity: number;
}

export interface MountainCarContinuousParams {
  minAction: number;
  maxAction: number;
  minPosition: number;
  maxPosition: number;
  maxSpeed: number;
  goalPosition: number;
  goalVelocity: number;
  power: number;
}

abstract class MountainCarBase<P extends { minPosition: number; maxPosition: number; maxSpeed: number; goalPosition: number }>
  implements Environment<MountainCarState, P>
{
  abstract readonly id: string;
  abstract readonly defaultParams: P;
  readonly dtype: FloatDType;
  readonly renderScale: number;
  constructor(id: string, options: Record<string, unknown>) {
    const o = parseOptions(id, options);
    this.dtype = o.dtype;
    this.renderScale = o.scale;
  }
  observationSpace(p: P = this.defaultParams): Box {
    return new Box([p.minPosition, -p.maxSpeed], [p.maxPosition, p.maxSpeed], [2], "float32");
  }
  abstract actionSpace(p?: P): Discrete | Box;
  /** A state from gymnasium's state vector [position, velocity]. */
  stateFrom(v: ArrayLike): MountainCarState {
    const s = stateVector(this.id, v, 2, this.dtype);
    return { position: entry(s, 0, this.dtype), velocity: entry(s, 1, this.dtype) };
  }
  protected obs(s: MountainCarState): Value {
    return observe([s.position, s.velocity]);
  }
  reset(key: Value): ResetResult<MountainCarState> {
    const position = random.uniform(key, [], this.dtype, -0.6, -0.4);
    const state = { position, velocity: np.zeros([], this.dtype) };
    return { obs: this.obs(state), state };
  }
  abstract step(key: Value, s: MountainCarState, action: Value, p?: P): StepResult<MountainCarState>;
  /** The shared ending of a step: bounds, the wall at the left, the goal test. */
  protected move(p: P & { goalVelocity: number }, position: Value, velocity: Value): { next: MountainCarState; terminated: Value } {
    let v = np.clip(velocity, -p.maxSpeed, p.maxSpeed);
    const x = np.clip(position.add(v), p.minPosition, p.maxPosition);
    v = np.where(np.logicalAnd(x.eq(p.minPosition), v.lt(0)), 0, v);
    const terminated = np.logicalAnd(x.ge(p.goalPosition), v.ge(p.goalVelocity));
    return { next: { position: x, velocity: v }, terminated };
  }
  /** gymnasium's picture (600 x 400 at renderScale 1): the hill, the car, the flag. */
  render(s: MountainCarState, p: P = this.defaultParams): Value {
    const k = this.renderScale;
    const [W, H] = [Math.round(600 * k), Math.round(400 * k)];
    const g = R.grid(H, W, { yUp: true });
    const scale = W / (p.maxPosition - p.minPosition);
    const height = (x: Value | number) => np.add(np.multiply(np.sin(np.multiply(3, x)), 0.45), 0.55);
    const [carW, carH, clearance] = [40 * k, 20 * k, 10 * k];
    let img = R.canvas(H, W);
    // The track: pixels within a pixel of the curve y = height(x) * scale (distance by the slope).
    const wx = g.x.div(scale).add(p.minPosition);
    const curve = height(wx).mul(scale);
    const slope = np.cos(wx.mul(3)).mul(3 * 0.45);
    const track = g.y.sub(curve).abs().le(np.sqrt(slope.square().add(1)).mul(Math.max(1, k)));
    img = R.paint(img, track, R.BLACK);
    const pos = s.position.astype("float32");
    const angle = np.cos(pos.mul(3));
    const cx = pos.sub(p.minPosition).mul(scale);
    const cy = height(pos).mul(scale).add(clearance);
    img = R.paint(img, R.box(g, -carW / 2, carW / 2, 0, carH, angle, cx, cy), R.BLACK);
    for (const [dx, dy] of R.transform([[carW / 4, 0], [-carW / 4, 0]], angle, cx, cy))
      img = R.paint(img, R.circle(g, dx, dy, carH / 2.5), [128, 128, 128]);
    const flagX = (p.goalPosition - p.minPosition) * scale;
    const flagY1 = (Math.sin(3 * p.goalPosition) * 0.45 + 0.55) * scale;
    const flagY2 = flagY1 + 50 * k;
    img = R.paint(img, R.line(g, flagX, flagY1, flagX, flagY2, Math.max(1, k)), R.BLACK);
    const flag = R.polygon(g, [[flagX, flagY2], [flagX, flagY2 - 10 * k], [flagX + 25 * k, flagY2 - 5 * k]]);
    return R.paint(img, flag, [204, 204, 0]);
  }
}

export class MountainCar extends MountainCarBase<MountainCarParams> {
  readonly id = "MountainCar-v0";
  readonly defaultParams: MountainCarParams = {
    minPosition: -1.2,
    maxPosition: 0.6,
    maxSpeed: 0.07,
    goalPosition: 0.5,
    goalVelocity: 0,
    force: 0.001,
    gravity: 0.0025,
  };
  constructor(options: Record<string, unknown> = {}) {
    super("MountainCar-v0", options);
  }
  actionSpace(): Discrete {
    return new Discrete(3);
  }
  step(_key: Value, s: MountainCarState, action: Value, p: MountainCarParams = this.defaultParams): StepResult<MountainCarState> {
    // velocity += (action - 1) * force + cos(3 * position) * (-gravity)
    const push = np.subtract(action, 1).astype(this.dtype).mul(p.force);
    const velocity = s.velocity.add(push.add(np.cos(s.position.mul(3)).mul(-p.gravity)));
    const { next, terminated } = this.move(p, s.position, velocity);
    return { obs: this.obs(next), state: next, reward: reward(-1), terminated, truncated: np.asArray(false), info: {} };
  }
}

export class MountainCarContinuous extends MountainCarBase<MountainCarContinuousParams> {
  readonly id = "MountainCarContinuous-v0";
  readonly defaultParams: MountainCarContinuousParams = {
    minAction: -1.0,
    maxAction: 1.0,
    minPosition: -1.2,
    maxPosition: 0.6,
    maxSpeed: 0.07,
    goalPosition: 0.45,
    goalVelocity: 0,
    power: 0.0015,
  };
  constructor(options: Record<string, unknown> = {}) {
    super("MountainCarContinuous-v0", options);
  }
  actionSpace(p: MountainCarContinuousParams = this.defaultParams): Box {
    return new Box(p.minAction, p.maxAction, [1], "float32");
  }
  step(_key: Value, s: MountainCarState, action: Value, p: MountainCarContinuousParams = this.defaultParams): StepResult<MountainCarState> {
    const a = np.reshape(action, [-1]).get(0);
    const force = np.clip(a, p.minAction, p.maxAction).astype(this.dtype);
    // velocity += force * power - 0.0025 * cos(3 * position)
    const velocity = s.velocity.add(force.mul(p.power).sub(np.cos(s.position.mul(3)).mul(0.0025)));
    const { next, terminated } = this.move(p, s.position, velocity);
    const r = np.where(terminated, 100.0, 0).sub(np.square(a.astype(this.dtype)).mul(0.1));
    return { obs: this.obs(next), state: next, reward: reward(r), terminated, truncated: np.asArray(false), info: {} };
  }
}
