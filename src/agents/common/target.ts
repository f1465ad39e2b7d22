// Target networks (Mnih et al. 2015; Lillicrap et al. 2016): every `every` updates the target
// moves to τ·online + (1 − τ)·target — τ = 1 is DQN's hard copy, every = 1 with τ < 1 is
// Polyak averaging (DDPG, TD3, SAC), SB3's `tau` + `target_update_interval` in one rule.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { map } from "../../pytree/index.js";
import { optim } from "../../optim/index.js";

export interface TargetUpdate {
  /** The Polyak coefficient (1: copy). */
  tau: number | Value;
  /** Update the target every this many gradient updates. */
  every: number;
}

/** The target after gradient update number `updates` (1-based: the update just made). */
export function updateTarget<P>(target: P, online: P, updates: Value, opts: TargetUpdate): P {
  const moved = typeof opts.tau === "number" && opts.tau === 1 ? online : optim.incrementalUpdate(online, target, opts.tau);
  if (opts.every <= 1) return moved;
  const now = np.equal(np.remainder(updates, opts.every), 0);
  return map((m: Value, t: Value) => np.where(now, m, t), moved, target) as P;
}
