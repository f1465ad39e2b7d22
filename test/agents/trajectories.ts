// Random rollouts for the return estimators' properties (GAE, V-trace): [T, B] rewards,
// values, next values, terminations and truncations (fast-check).
import fc from "fast-check";
import { numpy as np } from "../../src/index.js";

export interface Traj {
  T: number;
  B: number;
  r: number[];
  v: number[];
  nv: number[];
  term: boolean[];
  trunc: boolean[];
}

/** Rollouts of 1..maxT steps × 1..3 envs. */
export function trajectories(maxT: number): fc.Arbitrary<Traj> {
  return fc.integer({ min: 1, max: maxT }).chain((T) =>
    fc.integer({ min: 1, max: 3 }).chain((B) => {
      const n = T * B;
      const f = fc.array(fc.float({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });
      const kind = fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: n, maxLength: n }); // 1: terminated, 2: truncated
      // As in a real rollout, V(s'_t) is V(s_{t+1}) inside an episode; it is free only at an
      // episode's end (the final observation) and at the rollout's last step.
      return fc.tuple(f, f, f, kind).map(([r, v, free, k]): Traj => {
        const nv = free.map((x, i) => (k[i] === 0 && i + B < n ? v[i + B]! : x));
        return { T, B, r, v, nv, term: k.map((x) => x === 1), trunc: k.map((x) => x === 2) };
      });
    }),
  );
}

/** One field of a trajectory as a [T, B] array. */
export const arr = (xs: number[] | boolean[], t: Traj) => np.reshape(np.array(xs as number[], typeof xs[0] === "boolean" ? "bool" : "float32"), [t.T, t.B]);

/**
 * Host reference, written from the definition (not a recursion): G_s = Σ_k γ^k r_{s+k} until
 * the episode ends (bootstrapping V(s') on truncation) or the rollout does (bootstrapping there).
 */
export function nStepReturns(t: Traj, gamma: number): number[] {
  const out = new Array<number>(t.T * t.B);
  for (let b = 0; b < t.B; b++)
    for (let s = 0; s < t.T; s++) {
      let g = 0;
      let disc = 1;
      for (let u = s; u < t.T; u++) {
        const i = u * t.B + b;
        g += disc * t.r[i]!;
        disc *= gamma;
        if (t.term[i]) break;
        if (t.trunc[i] || u === t.T - 1) {
          g += disc * t.nv[i]!;
          break;
        }
      }
      out[s * t.B + b] = g;
    }
  return out;
}
