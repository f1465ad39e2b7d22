// Actor-critic networks for vector observations, initialized as PureJaxRL / CleanRL do:
// orthogonal(√2) hidden layers with zero biases, orthogonal(0.01) policy head (a near-uniform
// initial policy), orthogonal(1) value head. Separate torsos (the default) or one shared torso
// with two heads.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { nn, type Module } from "../../nn/index.js";

export interface ActorCriticOptions {
  /** Hidden layer widths of each torso (default [64, 64]). */
  hiddenSizes?: readonly number[];
  /** Hidden activation by name (default "tanh"). */
  activation?: string;
  /** One torso feeding both heads instead of two separate ones. */
  sharedTorso?: boolean;
}

/** Params of separate torsos ({actor, critic}) or a shared one ({torso, policyHead, valueHead}). */
export type ActorCriticParams = Record<string, any>;

export interface ActorCritic {
  init(key: Value, obsShape: readonly number[]): ActorCriticParams;
  /** [policy outputs [..., outputs], values [...]]. */
  apply(params: ActorCriticParams, obs: Value): [Value, Value];
  value(params: ActorCriticParams, obs: Value): Value;
}

/** obs → float32, flattened to one feature axis after the leading batch axes. */
export function flattenObs(obs: Value, obsShape: readonly number[]): Value {
  const lead = obs.shape.slice(0, obs.ndim - obsShape.length);
  const x = obs.dtype === "float32" ? obs : np.astype(obs, "float32");
  return obsShape.length === 1 ? x : np.reshape(x, [...lead, obsShape.reduce((a, b) => a * b, 1)]);
}

export function actorCritic(outputs: number, opts: ActorCriticOptions = {}): ActorCritic {
  const hidden = [...(opts.hiddenSizes ?? [64, 64])];
  const activation = opts.activation ?? "tanh";
  const ortho = nn.initializers.orthogonal;
  const zeros = nn.initializers.zeros;
  const head = (n: number, gain: number) => nn.Dense({ features: n, kernelInit: ortho(gain), biasInit: zeros });
  const mlp = (out: number | undefined, gain: number): Module =>
    nn.MLP({
      hiddenSizes: hidden,
      activation,
      outputSize: out,
      kernelInit: ortho(Math.SQRT2),
      biasInit: zeros,
      lastKernelInit: ortho(gain),
    });
  const squeeze = (v: Value) => np.squeeze(v, -1);

  if (opts.sharedTorso) {
    if (hidden.length === 0) throw new TypeError("actorCritic: a shared torso needs at least one hidden layer (hiddenSizes)");
    const torso = mlp(undefined, Math.SQRT2);
    const pHead = head(outputs, 0.01);
    const vHead = head(1, 1);
    return {
      init(key, obsShape) {
        const flatShape = [obsShape.reduce((a, b) => a * b, 1)];
        const [k1, k2, k3] = nn.splitKeys(key, 3);
        const h = [hidden[hidden.length - 1]!];
        return { torso: torso.init(k1!, flatShape), policyHead: pHead.init(k2!, h), valueHead: vHead.init(k3!, h) };
      },
      apply(p, obs) {
        const h = torso.apply(p.torso, obs);
        return [pHead.apply(p.policyHead, h), squeeze(vHead.apply(p.valueHead, h))];
      },
      value: (p, obs) => squeeze(vHead.apply(p.valueHead, torso.apply(p.torso, obs))),
    };
  }
  const actor = mlp(outputs, 0.01);
  const critic = mlp(1, 1);
  return {
    init(key, obsShape) {
      const flatShape = [obsShape.reduce((a, b) => a * b, 1)];
      const [k1, k2] = nn.splitKeys(key, 2);
      return { actor: actor.init(k1!, flatShape), critic: critic.init(k2!, flatShape) };
    },
    apply: (p, obs) => [actor.apply(p.actor, obs), squeeze(critic.apply(p.critic, obs))],
    value: (p, obs) => squeeze(critic.apply(p.critic, obs)),
  };
}
