/**
 * Probability distributions for policies, like distrax: small immutable classes registered
 * as pytrees, so they pass through jit / vmap / grad (their arrays are the leaves; options
 * such as eventNdims are static). Every method is a pure function of the arrays.
 */
import { Categorical } from "./categorical.js";
import { Normal, TanhNormal, tanhLogDetJacobian } from "./normal.js";
import { Bernoulli, Deterministic } from "./bernoulli.js";
import type { Value } from "../core/values.js";

export { Categorical, Normal, TanhNormal, Bernoulli, Deterministic, tanhLogDetJacobian };
export type { EventOptions } from "./normal.js";
export type { DeterministicOptions } from "./bernoulli.js";

export type Distribution = Categorical | Normal | TanhNormal | Bernoulli | Deterministic;

/** KL(p ‖ q) for two distributions of the same kind. */
export function kl<D extends Distribution>(p: D, q: D): Value {
  return (p.kl as (o: D) => Value)(q);
}

export const distributions = { Categorical, Normal, TanhNormal, Bernoulli, Deterministic, kl, tanhLogDetJacobian };
