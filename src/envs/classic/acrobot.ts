// Acrobot-v1 (gymnasium's AcrobotEnv: Sutton's two-link swing-up with the book's dynamics,
// integrated by one RK4 step of 0.2 s). Reward -1 per step, 0 on the terminating one;
// termination when the tip rises one link length above the pivot; make() truncates at 500.
import type { Value } from "../../core/values.js";
import { numpy as np, type ArrayLike } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Box, Discrete } from "../spaces.js";
import * as R from "../render.js";
import { entry, observe, parseOptions, reward, stateVector, type FloatDType } from "./common.js";

export interface AcrobotState {
  theta1: Value;
  theta2: Value;
  dtheta1: Value;
  dtheta2: Value;
}

export interface AcrobotParams {
  dt: number;
  linkLength1: number;
  linkLength2: number;
  linkMass1: number;
  linkMass2: number;
  linkComPos1: number;
  linkComPos2: number;
  linkMoi: number;
  maxVel1: number;
  maxVel2: number;
  /** "book" (gymnasium's default) or "nips" dynamics. */
  bookOrNips: "book" | "nips";
}

type Vec4 = [Value, Value, Value, Value];

export class Acrobot implements Environment<AcrobotState, AcrobotParams> {
  readonly id = "Acrobot-v1";
  readonly dtype: FloatDType;
  readonly renderScale: number;
  readonly defaultParams: AcrobotParams = {
    dt: 0.2,
    linkLength1: 1.0,
    linkLength2: 1.0,
    linkMass1: 1.0,
    linkMass2: 1.0,
    linkComPos1: 0.5,
    linkComPos2: 0.5,
    linkMoi: 1.0,
    maxVel1: 4 * Math.PI,
    maxVel2: 9 * Math.PI,
    bookOrNips: "book",
  };
  constructor(options: Record<string, unknown> = {}) {
    const o = parseOptions(this.id, options);
    this.dtype = o.dtype;
    this.renderScale = o.scale;
  }
  observationSpace(p: AcrobotParams = this.defaultParams): Box {
    const high = [1, 1, 1, 1, p.maxVel1, p.maxVel2];
    return new Box(high.map((h) => -h), high, [6], "float32");
  }
  actionSpace(): Discrete {
    return new Discrete(3);
  }
  /** A state from gymnasium's state vector [theta1, theta2, dtheta1, dtheta2]. */
  stateFrom(v: ArrayLike): AcrobotState {
    const s = stateVector(this.id, v, 4, this.dtype);
    const [theta1, theta2, dtheta1, dtheta2] = [0, 1, 2, 3].map((i) => entry(s, i, this.dtype)) as Vec4;
    return { theta1, theta2, dtheta1, dtheta2 };
  }
  private obs(s: AcrobotState): Value {
    return observe([np.cos(s.theta1), np.sin(s.theta1), np.cos(s.theta2), np.sin(s.theta2), s.dtheta1, s.dtheta2]);
  }
  reset(key: Value): ResetResult<AcrobotState> {
    // gymnasium draws the start state in float32 (its .astype(np.float32)).
    const state = this.stateFrom(random.uniform(key, [4], "float32", -0.1, 0.1));
    return { obs: this.obs(state), state };
  }
  /** gymnasium's _dsdt: the state's time derivative under torque a. */
  private dsdt(p: AcrobotParams, [theta1, theta2, dtheta1, dtheta2]: Vec4, a: Value): Vec4 {
    const [m1, m2, l1, lc1, lc2, I1, I2, g] = [p.linkMass1, p.linkMass2, p.linkLength1, p.linkComPos1, p.linkComPos2, p.linkMoi, p.linkMoi, 9.8];
    const PI = Math.PI;
    const cos2 = np.cos(theta2);
    const sin2 = np.sin(theta2);
    const d1 = np.add(m1 * lc1 ** 2, np.multiply(m2, np.add(l1 ** 2 + lc2 ** 2, np.multiply(2 * l1 * lc2, cos2)))).add(I1).add(I2);
    const d2 = np.multiply(m2, np.add(lc2 ** 2, np.multiply(l1 * lc2, cos2))).add(I2);
    const phi2 = np.multiply(m2 * lc2 * g, np.cos(theta1.add(theta2).sub(PI / 2.0)));
    const phi1 = np
      .multiply(-m2 * l1 * lc2, np.square(dtheta2))
      .mul(sin2)
      .sub(np.multiply(2 * m2 * l1 * lc2, dtheta2).mul(dtheta1).mul(sin2))
      .add(np.multiply((m1 * lc1 + m2 * l1) * g, np.cos(theta1.sub(PI / 2))))
      .add(phi2);
    const denom = np.subtract(m2 * lc2 ** 2 + I2, np.square(d2).div(d1));
    const ddtheta2 =
      p.bookOrNips === "nips"
        ? a.add(d2.div(d1).mul(phi1)).sub(phi2).div(denom)
        : a
            .add(d2.div(d1).mul(phi1))
            .sub(np.multiply(m2 * l1 * lc2, np.square(dtheta1)).mul(sin2))
            .sub(phi2)
            .div(denom);
    const ddtheta1 = d2.mul(ddtheta2).add(phi1).neg().div(d1);
    return [dtheta1, dtheta2, ddtheta1, ddtheta2];
  }
  step(_key: Value, s: AcrobotState, action: Value, p: AcrobotParams = this.defaultParams): StepResult<AcrobotState> {
    // AVAIL_TORQUE = [-1, 0, 1]; out-of-range actions clamp, as an array index does under jit.
    const torque = np.clip(action, 0, 2).astype(this.dtype).sub(1);
    // One RK4 step over [0, dt] (gymnasium's rk4; the torque's derivative is 0, so it stays a).
    const y0: Vec4 = [s.theta1, s.theta2, s.dtheta1, s.dtheta2];
    const dt = p.dt - 0;
    const dt2 = dt / 2.0;
    const f = (y: Vec4) => this.dsdt(p, y, torque);
    const along = (k: Vec4, h: number) => y0.map((y, i) => y.add(np.multiply(h, k[i]!))) as Vec4;
    const k1 = f(y0);
    const k2 = f(along(k1, dt2));
    const k3 = f(along(k2, dt2));
    const k4 = f(along(k3, dt));
    const ns = y0.map((y, i) => y.add(np.multiply(dt / 6.0, k1[i]!.add(k2[i]!.mul(2)).add(k3[i]!.mul(2)).add(k4[i]!)))) as Vec4;
    const next: AcrobotState = {
      theta1: wrap(ns[0], -Math.PI, Math.PI),
      theta2: wrap(ns[1], -Math.PI, Math.PI),
      dtheta1: np.clip(ns[2], -p.maxVel1, p.maxVel1),
      dtheta2: np.clip(ns[3], -p.maxVel2, p.maxVel2),
    };
    const terminated = np.cos(next.theta1).neg().sub(np.cos(next.theta2.add(next.theta1))).gt(1.0);
    return { obs: this.obs(next), state: next, reward: reward(np.where(terminated, 0, -1)), terminated, truncated: np.asArray(false), info: {} };
  }
  /** gymnasium's picture (500 x 500 at renderScale 1): goal line, two links, joints. */
  render(s: AcrobotState, p: AcrobotParams = this.defaultParams): Value {
    const D = Math.round(500 * this.renderScale);
    const g = R.grid(D, D, { yUp: true });
    const bound = p.linkLength1 + p.linkLength2 + 0.2;
    const scale = D / (bound * 2);
    const offset = D / 2;
    const [t1, t2] = [s.theta1.astype("float32"), s.theta2.astype("float32")];
    // gymnasium's xys = [[0, 0], p1][:, ::-1]: (x, y) = (l1 sin t1, -l1 cos t1) for the elbow.
    const joints: [R.Coord, R.Coord][] = [
      [offset, offset],
      [np.sin(t1).mul(p.linkLength1 * scale).add(offset), np.cos(t1).mul(-p.linkLength1 * scale).add(offset)],
    ];
    const angles = [t1.sub(Math.PI / 2), t1.add(t2).sub(Math.PI / 2)];
    const lengths = [p.linkLength1 * scale, p.linkLength2 * scale];
    let img = R.canvas(D, D);
    img = R.paint(img, R.line(g, -2.2 * scale + offset, scale + offset, 2.2 * scale + offset, scale + offset, 1), R.BLACK);
    joints.forEach(([x, y], i) => {
      img = R.paint(img, R.box(g, 0, lengths[i]!, -0.1 * scale, 0.1 * scale, angles[i]!, x, y), [0, 204, 204]);
      img = R.paint(img, R.circle(g, x, y, 0.1 * scale), [204, 204, 0]);
    });
    return img;
  }
}

/** gymnasium's wrap: subtract / add the period until x lies in [m, M] (three rounds cover any reachable x). */
function wrap(x: Value, m: number, M: number): Value {
  const diff = M - m;
  let y = x;
  for (let i = 0; i < 3; i++) y = np.where(y.gt(M), y.sub(diff), y);
  for (let i = 0; i < 3; i++) y = np.where(y.lt(m), y.add(diff), y);
  return y;
}
