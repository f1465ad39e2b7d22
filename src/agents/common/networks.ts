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
  /**
   * "mlp" (default): flattened observations through MLPs; "nature" / "impala": a CNN torso
   * shared by the heads, on frames as `pixelFrames` makes them ([..., H, W, C] floats).
   */
  torso?: Torso;
  /** Value outputs: 1 (values [...], the default) or 2 (values [..., 2]: extrinsic, intrinsic). */
  valueHeads?: number;
}

export type Torso = "mlp" | "nature" | "impala";

/** Params of separate torsos ({actor, critic}) or a shared one ({torso, policyHead, valueHead}): a record of modules' params. */
export type ActorCriticParams = Record<string, unknown>;

export interface ActorCritic {
  init(key: Value, obsShape: readonly number[]): ActorCriticParams;
  /** [policy outputs [..., outputs], values [...]]. */
  apply(params: ActorCriticParams, obs: Value): [Value, Value];
  value(params: ActorCriticParams, obs: Value): Value;
  /** The shared torso's output (CNN torsos and sharedTorso only), [..., featureSize]. */
  features?(params: ActorCriticParams, obs: Value): Value;
  /** The width of `features`, for observations of this shape. */
  featureSize?(obsShape: readonly number[]): number;
}

/** obs → float32, flattened to one feature axis after the leading batch axes. */
export function flattenObs(obs: Value, obsShape: readonly number[]): Value {
  const lead = obs.shape.slice(0, obs.ndim - obsShape.length);
  const x = obs.dtype === "float32" ? obs : np.astype(obs, "float32");
  return obsShape.length === 1 ? x : np.reshape(x, [...lead, obsShape.reduce((a, b) => a * b, 1)]);
}

/** The frame shape [H, W, C] a CNN torso sees for observations of `obsShape` (see pixelFrames). */
export function frameShape(obsShape: readonly number[]): [number, number, number] {
  if (obsShape.length === 2) return [obsShape[0]!, obsShape[1]!, 1];
  if (obsShape.length !== 3) throw new TypeError(`networks: a CNN torso needs 2-D or 3-D observations ([H, W], [H, W, C] or [C, H, W]), got shape [${obsShape.join(", ")}]`);
  const [a, b, c] = obsShape as [number, number, number];
  return channelsFirst(obsShape) ? [b, c, a] : [a, b, c];
}

// Frame stacks such as MultiRoom's [4, 96, 96] put channels first; MinAtar's [10, 10, 4] last.
// A leading axis shorter than the trailing one (and at most 16) is read as channels.
function channelsFirst(obsShape: readonly number[]): boolean {
  return obsShape.length === 3 && obsShape[0]! <= 16 && obsShape[0]! < obsShape[2]!;
}

/**
 * Observations as channels-last float frames [..., H, W, C] for a CNN: uint8 pixels scaled by
 * 1/256 to [0, 1) (as the RLAgents notes do), float observations unchanged, channels-first
 * stacks moved last, 2-D observations given one channel.
 */
export function pixelFrames(obs: Value, obsShape: readonly number[]): Value {
  const lead = obs.ndim - obsShape.length;
  let x = obs.dtype === "uint8" ? np.divide(np.astype(obs, "float32"), 256) : obs.dtype === "float32" ? obs : np.astype(obs, "float32");
  if (obsShape.length === 2) return np.expandDims(x, -1);
  if (channelsFirst(obsShape)) x = np.moveaxis(x, lead, -1);
  return x;
}

export function actorCritic(outputs: number, opts: ActorCriticOptions = {}): ActorCritic {
  const heads = opts.valueHeads ?? 1;
  if (heads !== 1 && heads !== 2) throw new TypeError(`actorCritic: valueHeads must be 1 or 2, got ${heads}`);
  // One value head: values [...]; two: [..., 2].
  const valueOut = (v: Value) => (heads === 1 ? np.squeeze(v, -1) : v);
  if ((opts.torso ?? "mlp") !== "mlp") return cnnActorCritic(outputs, opts.torso as "nature" | "impala", heads, valueOut);
  const hidden = [...(opts.hiddenSizes ?? [64, 64])];
  const activation = opts.activation ?? "tanh";
  const ortho = nn.initializers.orthogonal;
  const zeros = nn.initializers.zeros;
  const head = (n: number, gain: number): Module => nn.Dense({ features: n, kernelInit: ortho(gain), biasInit: zeros });
  const mlp = (out: number | undefined, gain: number): Module =>
    nn.MLP({
      hiddenSizes: hidden,
      activation,
      outputSize: out,
      kernelInit: ortho(Math.SQRT2),
      biasInit: zeros,
      lastKernelInit: ortho(gain),
    });
  const squeeze = valueOut;

  if (opts.sharedTorso) {
    if (hidden.length === 0) throw new TypeError("actorCritic: a shared torso needs at least one hidden layer (hiddenSizes)");
    const torso = mlp(undefined, Math.SQRT2);
    const pHead = head(outputs, 0.01);
    const vHead = head(heads, 1);
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
      features: (p, obs) => torso.apply(p.torso, obs),
      featureSize: () => hidden[hidden.length - 1]!,
    };
  }
  const actor = mlp(outputs, 0.01);
  const critic = mlp(heads, 1);
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

// A CNN encoder shared by a policy head (orthogonal 0.01) and value head(s) (orthogonal 1), as
// CleanRL's Atari / procgen agents.
function cnnActorCritic(outputs: number, torso: "nature" | "impala", heads: number, valueOut: (v: Value) => Value): ActorCritic {
  const ortho = nn.initializers.orthogonal;
  const zeros = nn.initializers.zeros;
  const encoder: Module = torso === "nature" ? nn.NatureCNN() : nn.ImpalaCNN();
  const pHead: Module = nn.Dense({ features: outputs, kernelInit: ortho(0.01), biasInit: zeros });
  const vHead: Module = nn.Dense({ features: heads, kernelInit: ortho(1), biasInit: zeros });
  return {
    init(key, obsShape) {
      const [k1, k2, k3] = nn.splitKeys(key, 3);
      const frame = frameShape(obsShape);
      const h = encoder.outputShape(frame);
      return { torso: encoder.init(k1!, frame), policyHead: pHead.init(k2!, h), valueHead: vHead.init(k3!, h) };
    },
    apply(p, x) {
      const h = encoder.apply(p.torso, x);
      return [pHead.apply(p.policyHead, h), valueOut(vHead.apply(p.valueHead, h))];
    },
    value: (p, x) => valueOut(vHead.apply(p.valueHead, encoder.apply(p.torso, x))),
    features: (p, x) => encoder.apply(p.torso, x),
    featureSize: (obsShape) => encoder.outputShape(frameShape(obsShape))[0]!,
  };
}
