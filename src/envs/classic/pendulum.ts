// Pendulum-v1 (gymnasium's PendulumEnv): swing a pendulum up and hold it, torque in [-2, 2].
// Reward -(angle^2 + 0.1 thetaDot^2 + 0.001 u^2); never terminates; make() truncates at 200.
import type { Value } from "../../core/values.js";
import { numpy as np, type ArrayLike } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Box } from "../spaces.js";
import * as R from "../render.js";
import { entry, observe, parseOptions, reward, stateVector, type FloatDType } from "./common.js";

export interface PendulumState {
  theta: Value;
  thetaDot: Value;
  /** The last (clipped) torque, float32: only the picture uses it. */
  lastU: Value;
}

export interface PendulumParams {
  maxSpeed: number;
  maxTorque: number;
  dt: number;
  g: number;
  m: number;
  l: number;
}

export class Pendulum implements Environment<PendulumState, PendulumParams> {
  readonly id = "Pendulum-v1";
  readonly dtype: FloatDType;
  readonly renderScale: number;
  readonly defaultParams: PendulumParams = { maxSpeed: 8, maxTorque: 2.0, dt: 0.05, g: 10.0, m: 1.0, l: 1.0 };
  constructor(options: Record<string, unknown> = {}) {
    const o = parseOptions(this.id, options);
    this.dtype = o.dtype;
    this.renderScale = o.scale;
  }
  observationSpace(p: PendulumParams = this.defaultParams): Box {
    return new Box([-1, -1, -p.maxSpeed], [1, 1, p.maxSpeed], [3], "float32");
  }
  actionSpace(p: PendulumParams = this.defaultParams): Box {
    return new Box(-p.maxTorque, p.maxTorque, [1], "float32");
  }
  /** A state from gymnasium's state vector [theta, theta_dot]. */
  stateFrom(v: ArrayLike): PendulumState {
    const s = stateVector(this.id, v, 2, this.dtype);
    return { theta: entry(s, 0, this.dtype), thetaDot: entry(s, 1, this.dtype), lastU: np.zeros([], "float32") };
  }
  private obs(s: PendulumState): Value {
    return observe([np.cos(s.theta), np.sin(s.theta), s.thetaDot]);
  }
  reset(key: Value): ResetResult<PendulumState> {
    const state = this.stateFrom(random.uniform(key, [2], this.dtype, np.array([-Math.PI, -1], this.dtype), np.array([Math.PI, 1], this.dtype)));
    return { obs: this.obs(state), state };
  }
  step(_key: Value, s: PendulumState, action: Value, p: PendulumParams = this.defaultParams): StepResult<PendulumState> {
    const uf = np.clip(np.reshape(action, [-1]).get(0).astype("float32"), -p.maxTorque, p.maxTorque);
    // gymnasium squares the float32 torque in float32.
    const costs = np.square(angleNormalize(s.theta)).add(np.square(s.thetaDot).mul(0.1)).add(np.square(uf).mul(0.001).astype(this.dtype));
    // ... and multiplies it by 3 / (m l^2) in float32 too, before adding the float64 gravity term.
    const acc = np.multiply((3 * p.g) / (2 * p.l), np.sin(s.theta)).add(np.multiply(3.0 / (p.m * p.l ** 2), uf).astype(this.dtype));
    const thetaDot = np.clip(s.thetaDot.add(acc.mul(p.dt)), -p.maxSpeed, p.maxSpeed);
    const next: PendulumState = { theta: s.theta.add(thetaDot.mul(p.dt)), thetaDot, lastU: uf };
    return { obs: this.obs(next), state: next, reward: reward(costs.neg()), terminated: np.asArray(false), truncated: np.asArray(false), info: {} };
  }
  /** gymnasium's picture (500 x 500 at renderScale 1): the rod, its ends, the torque arc. */
  render(s: PendulumState): Value {
    const D = Math.round(500 * this.renderScale);
    const g = R.grid(D, D, { yUp: true });
    const scale = D / (2.2 * 2);
    const offset = Math.floor(D / 2);
    const [rodLen, rodW] = [scale, 0.2 * scale];
    const angle = s.theta.astype("float32").add(Math.PI / 2);
    const color: R.Color = [204, 77, 77];
    let img = R.canvas(D, D);
    img = R.paint(img, R.box(g, 0, rodLen, -rodW / 2, rodW / 2, angle, offset, offset), color);
    img = R.paint(img, R.circle(g, offset, offset, rodW / 2), color);
    const [ex, ey] = R.rotate([rodLen, 0], angle);
    img = R.paint(img, R.circle(g, ex.add(offset), ey.add(offset), rodW / 2), color);
    // The torque: a 3/4 arc of radius |u| * scale / 4 (gymnasium scales an arrow image by |u|),
    // with a head at the end the torque turns toward.
    const u = s.lastU;
    const r = u.abs().mul(scale / 4);
    const w = 0.03 * scale;
    const phi = np.arctan2(g.y.sub(offset), g.x.sub(offset));
    const arc = np.logicalAnd(R.ring(g, offset, offset, r.sub(w / 2), r.add(w / 2)), np.abs(phi).le((3 * Math.PI) / 4));
    const end = np.where(u.gt(0), (3 * Math.PI) / 4, (-3 * Math.PI) / 4);
    const [hx, hy] = [np.cos(end).mul(r).add(offset), np.sin(end).mul(r).add(offset)];
    const head = R.circle(g, hx, hy, np.multiply(w, 1.5));
    img = R.paint(img, np.logicalAnd(np.logicalOr(arc, head), u.abs().gt(0)), R.BLACK);
    return R.paint(img, R.circle(g, offset, offset, 0.05 * scale), R.BLACK);
  }
}

/** ((x + pi) mod 2 pi) - pi. */
function angleNormalize(x: Value): Value {
  return np.subtract(np.remainder(x.add(Math.PI), 2 * Math.PI), Math.PI);
}
