// Ready-made networks: MLP and the two standard RL image encoders (Nature-DQN and IMPALA).
// Each layer's initializer can be chosen, as RL code does: e.g. an orthogonal(√2) torso, an
// orthogonal(0.01) policy head and an orthogonal(1) value head.
import type { Value } from "../core/values.js";
import { numpy as np } from "../numpy/index.js";
import { getActivation, relu, type Activation } from "./activations.js";
import { orthogonal, zeros, type Initializer } from "./initializers.js";
import { Conv2d, Dense, MaxPool, type ConvParams, type DenseParams } from "./layers.js";
import { Flatten, checkInput, splitKeys, type Module } from "./module.js";

// --- MLP --------------------------------------------------------------------------------------

export interface MLPOptions {
  hiddenSizes: readonly number[];
  /** Between layers; default relu. A function or a name ("tanh", "relu", ...). */
  activation?: Activation | string;
  /** A final Dense of this size (without it the last hidden layer is the output, activated). */
  outputSize?: number;
  /** Applied to the final Dense's output; default none (linear). */
  outputActivation?: Activation | string;
  /** Hidden layers' kernel init (default lecunNormal, as flax). */
  kernelInit?: Initializer;
  biasInit?: Initializer;
  /** The output layer's kernel init (default: kernelInit), e.g. orthogonal(0.01) for a policy head. */
  lastKernelInit?: Initializer;
  lastBiasInit?: Initializer;
}

/** Params: one {kernel, bias} per Dense layer, in order (paths `0.kernel`, `1.bias`, ...). */
export type MLPParams = DenseParams[];

export function MLP(opts: MLPOptions): Module<MLPParams> {
  const hidden = [...opts.hiddenSizes];
  const act = getActivation(opts.activation ?? relu);
  const outAct = opts.outputActivation === undefined ? undefined : getActivation(opts.outputActivation);
  const denses = hidden.map((h) => Dense({ features: h, kernelInit: opts.kernelInit, biasInit: opts.biasInit }));
  const hasOut = opts.outputSize !== undefined;
  if (hasOut)
    denses.push(
      Dense({ features: opts.outputSize!, kernelInit: opts.lastKernelInit ?? opts.kernelInit, biasInit: opts.lastBiasInit ?? opts.biasInit }),
    );
  if (denses.length === 0) throw new TypeError("nn.MLP: needs at least one hidden size or an outputSize");
  const sizes = [...hidden, ...(hasOut ? [opts.outputSize!] : [])].join(", ");
  return {
    name: `MLP(${sizes})`,
    init(key, inputShape) {
      const keys = splitKeys(key, denses.length);
      let s = [...inputShape];
      return denses.map((d, i) => {
        const p = d.init(keys[i]!, s);
        s = d.outputShape(s);
        return p;
      });
    },
    apply(params, x) {
      if (!Array.isArray(params) || params.length !== denses.length)
        throw new TypeError(`nn.MLP(${sizes}): params must be an array of ${denses.length} Dense params (from init), got ${Array.isArray(params) ? params.length : typeof params}`);
      let h = x;
      denses.forEach((d, i) => {
        h = d.apply(params[i]!, h);
        const last = i === denses.length - 1;
        if (!last || !hasOut) h = act(h);
        else if (outAct) h = outAct(h);
      });
      return h;
    },
    outputShape: (s) => denses.reduce<number[]>((acc, d) => d.outputShape(acc), [...s]),
  };
}

// --- image encoders ---------------------------------------------------------------------------

/** uint8 pixels become floats in [0, 1]; float inputs pass through unchanged. */
function pixels(x: Value): Value {
  return x.dtype === "uint8" ? np.divide(np.astype(x, "float32"), 255) : x;
}

export interface EncoderOptions {
  /** Width of the final Dense (default 512 for NatureCNN, 256 for ImpalaCNN); 0: no Dense, the flattened features. */
  features?: number;
  /** Default orthogonal(√2), as CleanRL / PureJaxRL. */
  kernelInit?: Initializer;
  biasInit?: Initializer;
  activation?: Activation | string;
}

export interface NatureCNNParams {
  conv1: ConvParams;
  conv2: ConvParams;
  conv3: ConvParams;
  dense?: DenseParams;
}

/**
 * The Nature-DQN encoder (Mnih et al. 2015): conv 32 8×8/4, conv 64 4×4/2, conv 64 3×3/1 (all
 * VALID, ReLU), flatten, Dense 512 + ReLU. NHWC input ([..., 84, 84, 4] usually); uint8 pixels
 * are scaled to [0, 1]. `channels` narrows or widens the three convs (default [32, 64, 64]).
 */
export function NatureCNN(opts: EncoderOptions & { channels?: readonly [number, number, number] } = {}): Module<NatureCNNParams> {
  const [c1, c2, c3] = opts.channels ?? [32, 64, 64];
  const ki = opts.kernelInit ?? orthogonal(Math.SQRT2);
  const bi = opts.biasInit ?? zeros;
  const act = getActivation(opts.activation ?? relu);
  const features = opts.features ?? 512;
  const convs = [
    Conv2d({ features: c1, kernelSize: 8, strides: 4, padding: "VALID", kernelInit: ki, biasInit: bi }),
    Conv2d({ features: c2, kernelSize: 4, strides: 2, padding: "VALID", kernelInit: ki, biasInit: bi }),
    Conv2d({ features: c3, kernelSize: 3, strides: 1, padding: "VALID", kernelInit: ki, biasInit: bi }),
  ];
  const flat = Flatten({ dims: 3 });
  const dense = features > 0 ? Dense({ features, kernelInit: ki, biasInit: bi }) : undefined;
  const names = ["conv1", "conv2", "conv3"] as const;
  const outputShape = (s: readonly number[]) => {
    checkInput("nn.NatureCNN", s, 3);
    const f = flat.outputShape(convs.reduce<number[]>((a, c) => c.outputShape(a), [...s]));
    return dense ? dense.outputShape(f) : f;
  };
  return {
    name: `NatureCNN(${features})`,
    init(key, inputShape) {
      outputShape(inputShape);
      const keys = splitKeys(key, 4);
      let s = [...inputShape];
      const p = {} as NatureCNNParams;
      convs.forEach((c, i) => {
        p[names[i]!] = c.init(keys[i]!, s);
        s = c.outputShape(s);
      });
      if (dense) p.dense = dense.init(keys[3]!, flat.outputShape(s));
      return p;
    },
    apply(p, x) {
      let h = pixels(x);
      convs.forEach((c, i) => (h = act(c.apply(p[names[i]!], h))));
      h = flat.apply({}, h);
      return dense ? act(dense.apply(p.dense!, h)) : h;
    },
    outputShape,
  };
}

export interface ImpalaCNNOptions extends EncoderOptions {
  /** Channels of each stack (default [16, 32, 32]). */
  channels?: readonly number[];
  /** Residual blocks per stack (default 2). */
  numBlocks?: number;
}

export interface ImpalaStackParams {
  conv: ConvParams;
  blocks: { conv1: ConvParams; conv2: ConvParams }[];
}
export interface ImpalaCNNParams {
  stacks: ImpalaStackParams[];
  dense?: DenseParams;
}

/**
 * The IMPALA residual encoder (Espeholt et al. 2018), as CleanRL's procgen agent: per stack a
 * 3×3 conv, max-pool 3×3/2 SAME, then residual blocks x + conv(relu(conv(relu(x)))); then
 * relu, flatten, Dense 256 + ReLU. uint8 pixels are scaled to [0, 1].
 */
export function ImpalaCNN(opts: ImpalaCNNOptions = {}): Module<ImpalaCNNParams> {
  const ki = opts.kernelInit ?? orthogonal(Math.SQRT2);
  const bi = opts.biasInit ?? zeros;
  const act = getActivation(opts.activation ?? relu);
  const channels = [...(opts.channels ?? [16, 32, 32])];
  const numBlocks = opts.numBlocks ?? 2;
  const features = opts.features ?? 256;
  const conv = (c: number) => Conv2d({ features: c, kernelSize: 3, strides: 1, padding: "SAME", kernelInit: ki, biasInit: bi });
  const pool = MaxPool(3, 2, "SAME");
  const stacks = channels.map((c) => ({ conv: conv(c), blocks: Array.from({ length: numBlocks }, () => [conv(c), conv(c)] as const) }));
  const flat = Flatten({ dims: 3 });
  const dense = features > 0 ? Dense({ features, kernelInit: ki, biasInit: bi }) : undefined;
  const trunkShape = (s: readonly number[]) => flat.outputShape(stacks.reduce<number[]>((a, st) => pool.outputShape(st.conv.outputShape(a)), [...s]));
  const outputShape = (s: readonly number[]) => {
    checkInput("nn.ImpalaCNN", s, 3);
    const f = trunkShape(s);
    return dense ? dense.outputShape(f) : f;
  };
  return {
    name: `ImpalaCNN([${channels.join(", ")}], ${features})`,
    init(key, inputShape) {
      outputShape(inputShape);
      const [kStacks, kDense] = splitKeys(key, 2);
      const sk = splitKeys(kStacks!, stacks.length);
      let s = [...inputShape];
      const ps = stacks.map((st, i) => {
        const ks = splitKeys(sk[i]!, 1 + 2 * numBlocks);
        const p: ImpalaStackParams = { conv: st.conv.init(ks[0]!, s), blocks: [] };
        s = pool.outputShape(st.conv.outputShape(s));
        st.blocks.forEach(([c1, c2], b) => p.blocks.push({ conv1: c1.init(ks[1 + 2 * b]!, s), conv2: c2.init(ks[2 + 2 * b]!, s) }));
        return p;
      });
      const p: ImpalaCNNParams = { stacks: ps };
      if (dense) p.dense = dense.init(kDense!, flat.outputShape(s));
      return p;
    },
    apply(p, x) {
      let h = pixels(x);
      stacks.forEach((st, i) => {
        const sp = p.stacks[i]!;
        h = pool.apply({}, st.conv.apply(sp.conv, h));
        st.blocks.forEach(([c1, c2], b) => {
          const bp = sp.blocks[b]!;
          h = np.add(h, c2.apply(bp.conv2, act(c1.apply(bp.conv1, act(h)))));
        });
      });
      h = flat.apply({}, act(h));
      return dense ? act(dense.apply(p.dense!, h)) : h;
    },
    outputShape,
  };
}
