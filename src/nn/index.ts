// nn: pure, pytree-based layers. A Module is { init(key, inputShape) -> params,
// apply(params, x) -> y, outputShape(inputShape) }; params are plain records / arrays of
// arrays, so jit, grad, vmap, optimizers and checkpoints treat them as any pytree.
import * as act from "./activations.js";
import * as init from "./initializers.js";
import * as layers from "./layers.js";
import * as models from "./models.js";
import * as mod from "./module.js";

export type { Activation } from "./activations.js";
export type { Initializer, FanMode, Distribution, VarianceScalingOptions } from "./initializers.js";
export type { Module, Layer, ApplyOptions } from "./module.js";
export type {
  DenseOptions,
  DenseParams,
  Conv2dOptions,
  ConvParams,
  Padding,
  LayerNormOptions,
  LayerNormParams,
  EmbeddingOptions,
  EmbeddingParams,
} from "./layers.js";
export type { MLPOptions, MLPParams, EncoderOptions, NatureCNNParams, ImpalaCNNOptions, ImpalaCNNParams, ImpalaStackParams } from "./models.js";

/** jax.nn.initializers, camelCased. */
export const initializers = {
  varianceScaling: init.varianceScaling,
  computeFans: init.computeFans,
  lecunNormal: init.lecunNormal,
  lecunUniform: init.lecunUniform,
  heNormal: init.heNormal,
  heUniform: init.heUniform,
  glorotNormal: init.glorotNormal,
  glorotUniform: init.glorotUniform,
  orthogonal: init.orthogonal,
  uniform: init.uniform,
  normal: init.normal,
  truncatedNormal: init.truncatedNormal,
  constant: init.constant,
  zeros: init.zeros,
  ones: init.ones,
  TRUNCATED_NORMAL_STDDEV: init.TRUNCATED_NORMAL_STDDEV,
};

export const nn = {
  // layers and combinators
  Dense: layers.Dense,
  Conv2d: layers.Conv2d,
  LayerNorm: layers.LayerNorm,
  Embedding: layers.Embedding,
  MaxPool: layers.MaxPool,
  maxPool: layers.maxPool,
  Flatten: mod.Flatten,
  flatten: mod.flatten,
  Sequential: mod.Sequential,
  Lambda: mod.Lambda,
  MLP: models.MLP,
  NatureCNN: models.NatureCNN,
  ImpalaCNN: models.ImpalaCNN,
  splitKeys: mod.splitKeys,
  paramCount: mod.paramCount,
  // activations
  relu: act.relu,
  elu: act.elu,
  leakyRelu: act.leakyRelu,
  tanh: act.tanh,
  sigmoid: act.sigmoid,
  gelu: act.gelu,
  silu: act.silu,
  softplus: act.softplus,
  identity: act.identity,
  getActivation: act.getActivation,
  activations: act.activations,
  // initializers, also at the top level as RL code uses them per layer
  initializers,
  ...initializers,
};

/** The types under the namespace too: `nn.Module`, `nn.DenseParams`, ... */
export declare namespace nn {
  type Module<P = unknown> = mod.Module<P>;
  type Layer = mod.Layer;
  type ApplyOptions = mod.ApplyOptions;
  type Activation = act.Activation;
  type Initializer = init.Initializer;
  type DenseOptions = layers.DenseOptions;
  type DenseParams = layers.DenseParams;
  type Conv2dOptions = layers.Conv2dOptions;
  type ConvParams = layers.ConvParams;
  type LayerNormParams = layers.LayerNormParams;
  type EmbeddingParams = layers.EmbeddingParams;
  type MLPOptions = models.MLPOptions;
  type MLPParams = models.MLPParams;
  type NatureCNNParams = models.NatureCNNParams;
  type ImpalaCNNParams = models.ImpalaCNNParams;
}
