// Symmetry (rsl_rl's extension; Mittal et al. 2024): a task symmetric under a mirror — CartPole
// under x → −x with left ↔ right — should get a policy that is too. Two switchable uses of
// user-supplied mirror functions:
// - data augmentation: each minibatch is extended by its mirror (mirrored observations and
//   actions; old log-probs, values, advantages and targets repeated), so the losses see both;
// - the mirror loss: coef · MSE between the actor on mirrored observations and the mirrored
//   actor output (detached). Discrete policies compare probabilities (logits are only defined
//   up to a constant), Box policies their means. With the loss off it is still logged.
import type { Value } from "../../core/values.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { map } from "../../pytree/index.js";
import type { FullSampleBatch } from "../types.js";
import type { SymmetryOptions } from "./config.js";
import type { Extension, ExtensionSpaces, Metrics } from "./types.js";

/** Mirror functions; every one maps a batch [N, ...] to its mirror image. */
export interface Mirror {
  obs(x: Value): Value;
  /** Actions as the batch stores them (Discrete: int indices [N]; Box: [N, A]). */
  actions(a: Value): Value;
  /** Policy outputs [N, A]: logits (Discrete) or means (Box). */
  policyOutput(o: Value): Value;
}

const MIRRORS = new Map<string, Mirror>();

/** Adds mirror functions under a name (the `symmetry` option picks them). */
export function registerMirror(name: string, mirror: Mirror): void {
  if (MIRRORS.has(name)) throw new TypeError(`registerMirror: "${name}" is already registered`);
  MIRRORS.set(name, mirror);
}

export function getMirror(name: string): Mirror {
  const m = MIRRORS.get(name);
  if (!m) throw new TypeError(`symmetry: no mirror functions named "${name}" (registered: ${[...MIRRORS.keys()].join(", ")}; add one with registerMirror)`);
  return m;
}

/** CartPole: position, velocity, angle and angular velocity change sign; push left ↔ push right. */
export const CARTPOLE_MIRROR: Mirror = {
  obs: (x) => np.negative(x),
  actions: (a) => np.subtract(1, a).astype(a.dtype),
  policyOutput: (o) => np.flip(o, -1),
};
registerMirror("cartpole", CARTPOLE_MIRROR);

export class Symmetry implements Extension<null> {
  readonly name = "symmetry";
  readonly mirror: Mirror;

  constructor(
    readonly spaces: ExtensionSpaces,
    readonly options: SymmetryOptions,
    mirror?: Mirror,
  ) {
    this.mirror = mirror ?? getMirror(options.symmetry ?? "");
    Object.freeze(this);
  }

  init(): null {
    return null;
  }

  /** The minibatch followed by its mirror (when augmentation is on). */
  augment(mb: FullSampleBatch): FullSampleBatch {
    if (!this.options.symmetryAugment) return mb;
    const both = (a: Value, b: Value) => np.concatenate([a, b], 0);
    const rep = (v: Value) => both(v, v);
    return {
      obs: both(mb.obs, this.mirror.obs(mb.obs)),
      actions: both(mb.actions, this.mirror.actions(mb.actions)),
      nextObs: both(mb.nextObs, this.mirror.obs(mb.nextObs)),
      rewards: rep(mb.rewards),
      terminated: rep(mb.terminated),
      truncated: rep(mb.truncated),
      extras: map(rep, mb.extras) as FullSampleBatch["extras"],
    };
  }

  /** MSE(actor(mirror(obs)), mirror(actor(obs)) detached), on the original samples; × coef when the loss is on, else detached (logged only). */
  policyLoss(actor: (obs: Value) => Value, mb: FullSampleBatch, originalSize: number): { loss: Value; metrics: Metrics } {
    const obs = mb.obs.shape[0] === originalSize ? mb.obs : lax.sliceInDim(mb.obs, 0, originalSize, 1, 0);
    const out = (o: Value) => (this.spaces.discrete ? np.softmax(o, -1) : o);
    const target = lax.stopGradient(this.mirror.policyOutput(actor(obs)));
    const mse = np.mean(np.square(np.subtract(out(actor(this.mirror.obs(obs))), out(target))));
    const on = this.options.symmetryMirrorLoss;
    return { loss: on ? np.multiply(this.options.symmetryCoef, mse) : np.multiply(0, lax.stopGradient(mse)), metrics: { "loss/mirror": lax.stopGradient(mse) } };
  }
}
