// Action transforms for Box action spaces (gymnasium's ClipAction and RescaleAction).
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Box, type Space } from "../spaces.js";
import { Wrapper } from "./base.js";

function boxOf(what: string, s: Space): Box {
  if (!(s instanceof Box)) throw new TypeError(`${what}: needs a Box action space, got ${s}`);
  return s;
}

/** Clips actions into the action space's bounds; the wrapper accepts any real action. */
export class ClipAction<S = unknown, P = unknown> extends Wrapper<S, P, S> {
  constructor(env: Environment<S, P>) {
    super(env);
    boxOf("ClipAction", env.actionSpace());
  }
  override innerState(state: S): S {
    return state;
  }
  override actionSpace(params?: P): Space<Value> {
    const b = boxOf("ClipAction", this.env.actionSpace(params));
    return new Box(-Infinity, Infinity, b.shape, b.dtype);
  }
  reset(key: Value, params?: P): ResetResult<S> {
    return this.env.reset(key, params);
  }
  step(key: Value, state: S, action: Value, params?: P): StepResult<S> {
    const b = boxOf("ClipAction", this.env.actionSpace(params));
    return this.env.step(key, state, np.clip(action, b.low, b.high).astype(b.dtype), params);
  }
}

/**
 * Accepts actions in [minAction, maxAction] (numbers or arrays of the action shape) and maps
 * them linearly onto the environment's bounds (no clipping, as gymnasium).
 */
export class RescaleAction<S = unknown, P = unknown> extends Wrapper<S, P, S> {
  constructor(
    env: Environment<S, P>,
    readonly minAction: number | readonly number[],
    readonly maxAction: number | readonly number[],
  ) {
    super(env);
    const b = boxOf("RescaleAction", env.actionSpace());
    if (!b.bounded) throw new TypeError(`RescaleAction: the action space ${b} must be bounded`);
    new Box(minAction, maxAction, b.shape, b.dtype); // validates the new bounds
  }
  override innerState(state: S): S {
    return state;
  }
  override actionSpace(params?: P): Space<Value> {
    const b = boxOf("RescaleAction", this.env.actionSpace(params));
    return new Box(this.minAction, this.maxAction, b.shape, b.dtype);
  }
  reset(key: Value, params?: P): ResetResult<S> {
    return this.env.reset(key, params);
  }
  step(key: Value, state: S, action: Value, params?: P): StepResult<S> {
    const b = boxOf("RescaleAction", this.env.actionSpace(params));
    const nb = this.actionSpace(params) as Box;
    const a = action.astype(b.dtype);
    const mapped = b.low.add(a.sub(nb.low).mul(b.high.sub(b.low)).div(nb.high.sub(nb.low)));
    return this.env.step(key, state, mapped, params);
  }
}
