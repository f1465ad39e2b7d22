// The environment contract: gymnasium's semantics in gymnax's functional form. Every method
// is a pure function of arrays, so it traces, jits and vmaps.
import type { Value } from "../core/values.js";
import type { Space } from "./spaces.js";

/** What reset returns. */
export interface ResetResult<S> {
  obs: Value;
  state: S;
}

/** What step returns; `terminated` and `truncated` are bool scalars (per env). */
export interface StepResult<S> {
  obs: Value;
  state: S;
  reward: Value;
  terminated: Value;
  truncated: Value;
  /** Extra per-step values (arrays only, a fixed structure per environment). */
  info: Record<string, Value>;
}

/**
 * An environment. `S` is its state (a pytree of arrays), `P` its parameters (a pytree of
 * numbers / arrays; `defaultParams` when omitted). Methods never mutate anything.
 */
export interface Environment<S = unknown, P = unknown> {
  readonly id: string;
  readonly defaultParams: P;
  observationSpace(params?: P): Space;
  /** Actions are arrays (what `step` takes): Discrete, Box or MultiDiscrete. */
  actionSpace(params?: P): Space<Value>;
  reset(key: Value, params?: P): ResetResult<S>;
  step(key: Value, state: S, action: Value, params?: P): StepResult<S>;
  /** An RGB frame, uint8 [H, W, 3], traced (so it vmaps). */
  render(state: S, params?: P): Value;
}

export type EnvFactory = (options?: Record<string, unknown>) => Environment;
