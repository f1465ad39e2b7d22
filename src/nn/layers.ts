// The basic layers: Dense, Conv2d (NHWC / HWIO, as flax), LayerNorm, Embedding, and max
// pooling. Parameter names follow flax (kernel, bias, scale, embedding) so fixtures and
// checkpoints line up with JAX code.
import type { Value } from "../core/values.js";
import type { DType } from "../xla/dtype.js";
import { lax } from "../lax/index.js";
import { numpy as np } from "../numpy/index.js";
import { checkInput, splitKeys, type Module } from "./module.js";
import { lecunNormal, ones, varianceScaling, zeros, type Initializer } from "./initializers.js";

type Pair = number | readonly [number, number];
export type Padding = "SAME" | "VALID" | readonly (readonly [number, number])[];

const pair = (who: string, what: string, v: Pair, min = 1): [number, number] => {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (p.length !== 2 || p.some((d) => !Number.isInteger(d) || d < min)) throw new TypeError(`${who}: ${what} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}`);
  return p;
};

function checkFeatures(who: string, n: unknown): number {
  if (!Number.isInteger(n) || (n as number) < 1) throw new TypeError(`${who}: features must be a positive integer, got ${String(n)}`);
  return n as number;
}

// --- Dense ------------------------------------------------------------------------------------

export interface DenseOptions {
  features: number;
  useBias?: boolean;
  /** Default lecunNormal() (flax's default). RL torsos usually take orthogonal(√2). */
  kernelInit?: Initializer;
  biasInit?: Initializer;
  dtype?: DType;
}
export interface DenseParams {
  kernel: Value;
  bias?: Value;
}

/** y = x · kernel + bias over the last axis; kernel is [in, features]. */
export function Dense(opts: DenseOptions | number): Module<DenseParams> {
  const o = typeof opts === "number" ? { features: opts } : opts;
  const who = `nn.Dense(${o.features})`;
  const features = checkFeatures(who, o.features);
  const useBias = o.useBias ?? true;
  const kernelInit = o.kernelInit ?? lecunNormal();
  const biasInit = o.biasInit ?? zeros;
  const dtype = o.dtype ?? "float32";
  return {
    name: `Dense(${features})`,
    init(key, inputShape) {
      const s = checkInput(who, inputShape, 1);
      const [kk, kb] = splitKeys(key, 2);
      const p: DenseParams = { kernel: kernelInit(kk!, [s[s.length - 1]!, features], dtype) };
      if (useBias) p.bias = biasInit(kb!, [features], dtype);
      return p;
    },
    apply(p, x) {
      checkInput(who, x, 1, [p.kernel.shape[0]]);
      const y = np.matmul(x, p.kernel);
      return useBias ? np.add(y, p.bias!) : y;
    },
    outputShape: (s) => [...checkInput(who, s, 1).slice(0, -1), features],
  };
}

// --- Conv2d -----------------------------------------------------------------------------------

export interface Conv2dOptions {
  features: number;
  kernelSize: Pair;
  strides?: Pair;
  /** "SAME" (default, as flax), "VALID", or explicit [[top, bottom], [left, right]]. */
  padding?: Padding;
  /** Kernel dilation (atrous convolution). */
  dilation?: Pair;
  useBias?: boolean;
  kernelInit?: Initializer;
  biasInit?: Initializer;
  dtype?: DType;
}
export interface ConvParams {
  kernel: Value;
  bias?: Value;
}

/**
 * 2-D convolution on NHWC inputs ([..., H, W, C]; any number of leading batch axes, or none)
 * with an HWIO kernel [kh, kw, C, features], as flax.linen.Conv.
 */
export function Conv2d(opts: Conv2dOptions): Module<ConvParams> {
  const who = `nn.Conv2d(${opts.features})`;
  const features = checkFeatures(who, opts.features);
  const ks = pair(who, "kernelSize", opts.kernelSize);
  const st = pair(who, "strides", opts.strides ?? 1);
  const dil = pair(who, "dilation", opts.dilation ?? 1);
  const padding = opts.padding ?? "SAME";
  const useBias = opts.useBias ?? true;
  const kernelInit = opts.kernelInit ?? lecunNormal();
  const biasInit = opts.biasInit ?? zeros;
  const dtype = opts.dtype ?? "float32";
  const effK = ks.map((k, i) => (k - 1) * dil[i]! + 1);

  const outputShape = (s: readonly number[]): number[] => {
    checkInput(who, s, 3);
    const [h, w] = s.slice(-3, -1) as [number, number];
    const pads = lax.padtypeToPads([h, w], effK, st, padding);
    const out = [h, w].map((n, i) => {
      const padded = n + pads[i]![0] + pads[i]![1];
      return padded < effK[i]! ? 0 : Math.floor((padded - effK[i]!) / st[i]!) + 1;
    });
    return [...s.slice(0, -3), out[0]!, out[1]!, features];
  };

  return {
    name: `Conv2d(${features}, ${ks.join("x")}/${st.join("x")}, ${typeof padding === "string" ? padding : "explicit"})`,
    init(key, inputShape) {
      const s = checkInput(who, inputShape, 3);
      const [kk, kb] = splitKeys(key, 2);
      const p: ConvParams = { kernel: kernelInit(kk!, [ks[0], ks[1], s[s.length - 1]!, features], dtype) };
      if (useBias) p.bias = biasInit(kb!, [features], dtype);
      return p;
    },
    apply(p, x) {
      const s = checkInput(who, x, 3, [undefined, undefined, p.kernel.shape[2]]);
      // lax.conv wants exactly one batch axis: add or merge leading axes, then restore them.
      const lead = s.slice(0, -3);
      const x4 = np.reshape(x, [lead.reduce((a, b) => a * b, 1), ...s.slice(-3)]);
      let y = lax.convGeneralDilated(x4, p.kernel, st, padding, null, dil, ["NHWC", "HWIO", "NHWC"]);
      if (useBias) y = np.add(y, p.bias!);
      return np.reshape(y, [...lead, ...y.shape.slice(1)]);
    },
    outputShape,
  };
}

// --- pooling ----------------------------------------------------------------------------------

/**
 * Max pooling over H, W of an NHWC input ([..., H, W, C]), as flax.linen.max_pool: the input is
 * padded with −inf and the window's strided slices are combined with maximum (no reduce_window
 * primitive needed; grads flow through pad / slice / max).
 */
export function maxPool(x: Value, window: Pair, strides?: Pair, padding: Padding = "VALID"): Value {
  const who = "nn.maxPool";
  const s = checkInput(who, x, 3);
  const win = pair(who, "window", window);
  const st = pair(who, "strides", strides ?? window);
  const r = s.length;
  const [h, w] = [s[r - 3]!, s[r - 2]!];
  const pads = lax.padtypeToPads([h, w], win, st, padding);
  const config = s.map((): [number, number, number] => [0, 0, 0]);
  config[r - 3] = [pads[0]![0], pads[0]![1], 0];
  config[r - 2] = [pads[1]![0], pads[1]![1], 0];
  if (!["float32", "float64", "float16", "bfloat16"].includes(x.dtype)) throw new TypeError(`${who}: expects a floating-point input, got ${x.aval}`);
  const xp = config.some((c) => c[0] || c[1]) ? lax.pad(x, -Infinity, config) : x;
  const [hp, wp] = [xp.shape[r - 3]!, xp.shape[r - 2]!];
  const [oh, ow] = [Math.floor((hp - win[0]) / st[0]) + 1, Math.floor((wp - win[1]) / st[1]) + 1];
  if (oh < 1 || ow < 1) throw new TypeError(`${who}: window ${win.join("x")} does not fit the (padded) input ${hp}x${wp}`);
  let out: Value | undefined;
  for (let i = 0; i < win[0]; i++)
    for (let j = 0; j < win[1]; j++) {
      const start = xp.shape.map(() => 0);
      const limit = [...xp.shape];
      const strides = xp.shape.map(() => 1);
      start[r - 3] = i;
      start[r - 2] = j;
      limit[r - 3] = i + (oh - 1) * st[0] + 1;
      limit[r - 2] = j + (ow - 1) * st[1] + 1;
      strides[r - 3] = st[0];
      strides[r - 2] = st[1];
      const sl = lax.slice(xp, start, limit, strides);
      out = out === undefined ? sl : lax.max(out, sl);
    }
  return out!;
}

/** maxPool as a parameter-free module. */
export function MaxPool(window: Pair, strides?: Pair, padding: Padding = "VALID"): Module<Record<string, never>> {
  const win = pair("nn.MaxPool", "window", window);
  const st = pair("nn.MaxPool", "strides", strides ?? window);
  return {
    name: `MaxPool(${win.join("x")}/${st.join("x")})`,
    init: () => ({}),
    apply: (_p, x) => maxPool(x, win, st, padding),
    outputShape(s) {
      checkInput("nn.MaxPool", s, 3);
      const [h, w] = s.slice(-3, -1) as [number, number];
      const pads = lax.padtypeToPads([h, w], win, st, padding);
      const o = [h, w].map((n, i) => Math.floor((n + pads[i]![0] + pads[i]![1] - win[i]!) / st[i]!) + 1);
      return [...s.slice(0, -3), o[0]!, o[1]!, s[s.length - 1]!];
    },
  };
}

// --- LayerNorm --------------------------------------------------------------------------------

export interface LayerNormOptions {
  epsilon?: number;
  useBias?: boolean;
  useScale?: boolean;
  scaleInit?: Initializer;
  biasInit?: Initializer;
  dtype?: DType;
}
export interface LayerNormParams {
  scale?: Value;
  bias?: Value;
}

/**
 * Normalizes the last axis: (x − mean)·rsqrt(var + ε)·scale + bias, with flax's defaults
 * (ε = 1e-6, var = mean(x²) − mean², clamped at 0).
 */
export function LayerNorm(opts: LayerNormOptions = {}): Module<LayerNormParams> {
  const who = "nn.LayerNorm";
  const eps = opts.epsilon ?? 1e-6;
  const useBias = opts.useBias ?? true;
  const useScale = opts.useScale ?? true;
  const dtype = opts.dtype ?? "float32";
  return {
    name: "LayerNorm",
    init(key, inputShape) {
      const s = checkInput(who, inputShape, 1);
      const f = s[s.length - 1]!;
      const [k1, k2] = splitKeys(key, 2);
      const p: LayerNormParams = {};
      if (useScale) p.scale = (opts.scaleInit ?? ones)(k1!, [f], dtype);
      if (useBias) p.bias = (opts.biasInit ?? zeros)(k2!, [f], dtype);
      return p;
    },
    apply(p, x) {
      checkInput(who, x, 1, [(p.scale ?? p.bias)?.shape[0]]);
      const mean = np.mean(x, -1, true);
      const mean2 = np.mean(np.square(x), -1, true);
      const variance = np.maximum(0, np.subtract(mean2, np.square(mean)));
      let mul = lax.rsqrt(np.add(variance, eps));
      if (useScale) mul = np.multiply(mul, p.scale!);
      const y = np.multiply(np.subtract(x, mean), mul);
      return useBias ? np.add(y, p.bias!) : y;
    },
    outputShape: (s) => [...checkInput(who, s, 1)],
  };
}

// --- Embedding --------------------------------------------------------------------------------

export interface EmbeddingOptions {
  numEmbeddings: number;
  features: number;
  /** Default: variance scaling 1/features, normal (flax's default_embed_init). */
  embeddingInit?: Initializer;
  dtype?: DType;
}
export interface EmbeddingParams {
  embedding: Value;
}

/** A lookup table [numEmbeddings, features]: integer inputs of any shape → [..., features]. */
export function Embedding(opts: EmbeddingOptions): Module<EmbeddingParams> {
  const who = `nn.Embedding(${opts.numEmbeddings}, ${opts.features})`;
  const n = checkFeatures(who, opts.numEmbeddings);
  const f = checkFeatures(who, opts.features);
  const init = opts.embeddingInit ?? varianceScaling(1, "fanIn", "normal", { outAxis: 0 });
  return {
    name: `Embedding(${n}, ${f})`,
    init: (key) => ({ embedding: init(key, [n, f], opts.dtype ?? "float32") }),
    apply(p, x) {
      if (!/int/.test(x.dtype)) throw new TypeError(`${who}: expects integer indices, got ${x.aval}`);
      return np.take(p.embedding, x, 0);
    },
    outputShape: (s) => [...s, f],
  };
}
