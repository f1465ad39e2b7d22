// V-trace (Espeholt et al. 2018): off-policy corrected value targets from importance ratios
// ρ_t = π(a_t|s_t) / μ(a_t|s_t), and the policy-gradient advantages built on them, after
// evorl's compute_vtrace / compute_pg_advantage (which follow rlax.vtrace and
// rlax.vtrace_td_error_and_advantage):
//   δ_t  = min(ρ̄, ρ_t) · (r_t + γ (1 − terminated_t) V(s'_t) − V(s_t))
//   v_t  = V(s_t) + δ_t + γ (1 − done_t) · λ min(c̄, ρ_t) · (v_{t+1} − V(s_{t+1}))
//   A_t  = r_t + γ (1 − terminated_t) · q̂_{t+1} − V(s_t)          (before the ρ_pg weight)
// where q̂_{t+1} is v_{t+1} ("official", as the IMPALA paper and rllib) or
// λ v_{t+1} + (1 − λ) V(s_{t+1}) ("acme", as rlax). Termination and truncation are kept
// apart as evorl does: a terminated step bootstraps nothing, a truncated one bootstraps
// V(s'_t) of its real final observation; either ends the trace, and at the end of an episode
// (or of the rollout) q̂_{t+1} is V(s'_t). Time is axis 0; any batch axes follow.
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";

type Num = number | Value;

export type VtraceAdvantageMode = "official" | "acme";

export interface VtraceInput {
  /** V(s_t), [T, ...batch]. */
  values: Value;
  /** V(s'_t) of the real next observation (the final one at an episode end), [T, ...batch]. */
  nextValues: Value;
  rewards: Value;
  /** π(a_t|s_t) / μ(a_t|s_t): target over behaviour policy probabilities, [T, ...batch]. */
  rhos: Value;
  /** The episode ended in a terminal state at step t (no bootstrap). */
  terminated: Value;
  /** The episode ended at step t for any reason (terminated or truncated): cut the trace. */
  done: Value;
  gamma: Num;
  /** λ of V-trace's traces (1: the paper's V-trace). */
  lambda: Num;
  /** ρ̄: clip of the importance weights in the TD errors (null: no clip). */
  clipRho: Num | null;
  /** c̄: clip of the trace coefficients (null: no clip). */
  clipC: Num | null;
  /** ρ̄_pg: clip of the importance weights of the policy gradient (null: no clip). */
  clipPgRho: Num | null;
  mode: VtraceAdvantageMode;
}

export interface VtraceOutput {
  /** The V-trace targets v_t the critic regresses to. */
  vs: Value;
  /** q̂_t = r_t + γ (1 − terminated_t) · q̂_{t+1}: the policy gradient's Q estimates. */
  qEstimates: Value;
  /** min(ρ̄_pg, ρ_t) · (q̂_t − V(s_t)): the policy gradient's advantages. */
  pgAdvantages: Value;
}

const f32 = (x: Value) => (x.dtype === "float32" ? x : np.astype(x, "float32"));
const clipTo = (x: Value, c: Num | null) => (c === null ? x : np.minimum(x, c));

/** V-trace targets and policy-gradient advantages (see the file comment for the formulas). */
export function vtrace(x: VtraceInput): VtraceOutput {
  if (x.mode !== "official" && x.mode !== "acme") throw new TypeError(`vtrace: mode must be "official" or "acme", got ${JSON.stringify(x.mode)}`);
  const shape = x.values.shape;
  for (const [name, v] of [["nextValues", x.nextValues], ["rewards", x.rewards], ["rhos", x.rhos], ["terminated", x.terminated], ["done", x.done]] as const)
    if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i]))
      throw new TypeError(`vtrace: ${name} has shape [${v.shape.join(", ")}] but values has [${shape.join(", ")}] (every input is [T, ...batch])`);
  if (shape.length < 1 || shape[0] === 0) throw new TypeError(`vtrace: values must have a time axis of length ≥ 1, got [${shape.join(", ")}]`);

  const values = f32(x.values);
  const nextValues = f32(x.nextValues);
  const rhos = f32(x.rhos);
  const bootstrap = np.multiply(x.gamma, np.subtract(1, f32(x.terminated)));
  const notDone = np.subtract(1, f32(x.done));
  const td = np.multiply(clipTo(rhos, x.clipRho), np.subtract(np.add(f32(x.rewards), np.multiply(bootstrap, nextValues)), values));
  const traceFactors = np.multiply(np.multiply(np.multiply(x.gamma, notDone), x.lambda), clipTo(rhos, x.clipC));
  const [, deltas] = lax.scan(
    (next: Value, [d, f]: [Value, Value]): [Value, Value] => {
      const acc = np.add(d, np.multiply(f, next));
      return [acc, acc];
    },
    np.zerosLike(values.get(0)),
    [td, traceFactors],
    { reverse: true },
  );
  const vs = np.add(values, deltas);

  // q̂'s bootstrap: the next step's estimate within an episode, V(s'_t) at its end or the rollout's.
  const T = shape[0]!;
  const shifted = (a: Value) => np.concatenate([np.get(a, np.s(1, T)), np.get(nextValues, np.s(T - 1, T))], 0);
  const vsNext = shifted(vs);
  const inner = x.mode === "official" ? vsNext : np.add(np.multiply(x.lambda, vsNext), np.multiply(np.subtract(1, x.lambda), shifted(values)));
  const nextEstimate = np.where(np.greater(notDone, 0), inner, nextValues);
  const qEstimates = np.add(f32(x.rewards), np.multiply(bootstrap, nextEstimate));
  const pgAdvantages = np.multiply(clipTo(rhos, x.clipPgRho), np.subtract(qEstimates, values));
  return { vs, qEstimates, pgAdvantages };
}
