// CartPole-v1 (gymnasium's CartPoleEnv: Barto, Sutton & Anderson's cart-pole with Euler
// integration). Reward 1 on every step, the terminating one included; termination when the
// cart leaves [-2.4, 2.4] or the pole leans past 12 degrees; make() truncates at 500 steps.
import type { Value } from "../../core/values.js";
import { numpy as np, type ArrayLike } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Box, Discrete } from "../spaces.js";
import * as R from "../render.js";
import { entry, observe, parseOptions, reward, stateVector, type FloatDType } from "./common.js";

export interface CartPoleState {
  x: Value;
  xDot: Value;
  theta: Value;
  thetaDot: Value;
}

export interface CartPoleParams {
  gravity: number;
  massCart: number;
  massPole: number;
  /** Half the pole's length. */
  length: number;
  forceMag: number;
  /** Seconds per step. */
  tau: number;
  thetaThresholdRadians: number;
  xThreshold: number;
  /** gymnasium's sutton_barto_reward: 0 per step and -1 on termination. */
  suttonBartoReward: boolean;
}

export class CartPole implements Environment<CartPoleState, CartPoleParams> {
  readonly id = "CartPole-v1";
  readonly dtype: FloatDType;
  readonly renderScale: number;
  readonly defaultParams: CartPoleParams = {
    gravity: 9.8,
    massCart: 1.0,
    massPole: 0.1,
    length: 0.5,
    forceMag: 10.0,
    tau: 0.02,
    thetaThresholdRadians: (12 * 2 * Math.PI) / 360,
    xThreshold: 2.4,
    suttonBartoReward: false,
  };
  constructor(options: Record<string, unknown> = {}) {
    const o = parseOptions(this.id, options);
    this.dtype = o.dtype;
    this.renderScale = o.scale;
  }
  observationSpace(params: CartPoleParams = this.defaultParams): Box {
    const high = [params.xThreshold * 2, Infinity, params.thetaThresholdRadians * 2, Infinity];
    return new Box(high.map((h) => -h), high, [4], "float32");
  }
  actionSpace(): Discrete {
    return new Discrete(2);
  }
  /** A state from gymnasium's state vector [x, x_dot, theta, theta_dot]. */
  stateFrom(v: ArrayLike): CartPoleState {
    const s = stateVector(this.id, v, 4, this.dtype);
    const [x, xDot, theta, thetaDot] = [0, 1, 2, 3].map((i) => entry(s, i, this.dtype)) as [Value, Value, Value, Value];
    return { x, xDot, theta, thetaDot };
  }
  private obs(s: CartPoleState): Value {
    return observe([s.x, s.xDot, s.theta, s.thetaDot]);
  }
  reset(key: Value): ResetResult<CartPoleState> {
    const state = this.stateFrom(random.uniform(key, [4], this.dtype, -0.05, 0.05));
    return { obs: this.obs(state), state };
  }
  step(_key: Value, s: CartPoleState, action: Value, p: CartPoleParams = this.defaultParams): StepResult<CartPoleState> {
    // Operation for operation as gymnasium (Python evaluates left to right), so float64 agrees.
    const totalMass = p.massPole + p.massCart;
    const polemassLength = p.massPole * p.length;
    const force = np.where(np.equal(action, 1), p.forceMag, -p.forceMag).astype(this.dtype);
    const cos = np.cos(s.theta);
    const sin = np.sin(s.theta);
    const temp = force.add(np.multiply(polemassLength, np.square(s.thetaDot)).mul(sin)).div(totalMass);
    const thetaAcc = np
      .multiply(p.gravity, sin)
      .sub(cos.mul(temp))
      .div(np.multiply(p.length, np.subtract(4.0 / 3.0, np.multiply(p.massPole, np.square(cos)).div(totalMass))));
    const xAcc = temp.sub(np.multiply(polemassLength, thetaAcc).mul(cos).div(totalMass));
    const next: CartPoleState = {
      x: s.x.add(np.multiply(p.tau, s.xDot)),
      xDot: s.xDot.add(np.multiply(p.tau, xAcc)),
      theta: s.theta.add(np.multiply(p.tau, s.thetaDot)),
      thetaDot: s.thetaDot.add(np.multiply(p.tau, thetaAcc)),
    };
    const terminated = [
      next.x.lt(-p.xThreshold),
      next.x.gt(p.xThreshold),
      next.theta.lt(-p.thetaThresholdRadians),
      next.theta.gt(p.thetaThresholdRadians),
    ].reduce((a, b) => np.logicalOr(a, b));
    // Stepping past termination is undefined (gymnasium warns), so the reward needs no more state.
    const r = p.suttonBartoReward ? np.where(terminated, -1, 0) : 1;
    return { obs: this.obs(next), state: next, reward: reward(r), terminated, truncated: np.asArray(false), info: {} };
  }
  /** gymnasium's picture (600 x 400 at renderScale 1): cart, pole, axle and track. */
  render(s: CartPoleState, p: CartPoleParams = this.defaultParams): Value {
    const k = this.renderScale;
    const [W, H] = [Math.round(600 * k), Math.round(400 * k)];
    const g = R.grid(H, W, { yUp: true });
    const scale = W / (p.xThreshold * 2);
    const poleWidth = 10 * k;
    const poleLen = scale * (2 * p.length);
    const [cartW, cartH] = [50 * k, 30 * k];
    const cartX = s.x.astype("float32").mul(scale).add(W / 2);
    const cartY = 100 * k;
    const axleY = cartY + cartH / 4;
    let img = R.canvas(H, W);
    img = R.paint(img, R.rect(g, cartX.sub(cartW / 2), cartY - cartH / 2, cartX.add(cartW / 2), cartY + cartH / 2), R.BLACK);
    const pole = R.box(g, -poleWidth / 2, poleWidth / 2, -poleWidth / 2, poleLen - poleWidth / 2, s.theta.neg(), cartX, axleY);
    img = R.paint(img, pole, [202, 152, 101]);
    img = R.paint(img, R.circle(g, cartX, axleY, poleWidth / 2), [129, 132, 203]);
    return R.paint(img, R.rect(g, 0, cartY - 0.5, W, cartY + 0.5), R.BLACK);
  }
}
