// The Module contract and the combinators. A module is a pure value: `init` makes a pytree of
// parameters from a key and an input shape, `apply` maps (params, x) to y, `outputShape` says
// what apply returns without running it. No hidden state: params travel explicitly, so
// jit / grad / vmap / checkpoints see ordinary pytrees.
import { Value } from "../core/values.js";
import { leaves } from "../pytree/index.js";
import { random } from "../random/index.js";
import { numpy as np } from "../numpy/index.js";
import { getActivation, type Activation } from "./activations.js";

export interface ApplyOptions {
  /** Training mode (for layers that behave differently in training; none of the built-in ones do yet). */
  train?: boolean;
  /** Randomness for stochastic layers. */
  key?: Value;
}

export interface Module<P = unknown> {
  /** A short description for error messages ("Dense(64)"). */
  readonly name: string;
  /**
   * Parameters for inputs of shape `inputShape` (with or without leading batch axes: layers
   * read only the trailing feature axes they need).
   */
  init(key: Value, inputShape: readonly number[]): P;
  apply(params: P, x: Value, opts?: ApplyOptions): Value;
  /** The shape `apply` returns for an input of `inputShape`. */
  outputShape(inputShape: readonly number[]): number[];
}

/** A layer in Sequential / MLP: a module, or an activation given as a function or a name. */
export type Layer = Module | Activation | string;

/** `n` independent keys from one (split, as jax.random.split). */
export function splitKeys(key: Value, n: number): Value[] {
  const ks = random.split(key, n);
  return Array.from({ length: n }, (_, i) => ks.get(i));
}

const shapeStr = (s: readonly number[]) => `[${s.join(", ")}]`;

/** Throws a clear error unless x has rank >= minRank and the trailing dims are `tail`. */
export function checkInput(who: string, x: Value | readonly number[], minRank: number, tail?: readonly (number | undefined)[]): readonly number[] {
  const shape = Array.isArray(x) ? (x as readonly number[]) : (x as Value).shape;
  if (shape.length < minRank) throw new TypeError(`${who}: expects an input of rank >= ${minRank}, got shape ${shapeStr(shape)}`);
  if (tail) {
    const got = shape.slice(shape.length - tail.length);
    if (tail.some((d, i) => d !== undefined && d !== got[i]))
      throw new TypeError(`${who}: the input's trailing dims must be ${shapeStr(tail.map((d) => d ?? -1))} (−1: any), got shape ${shapeStr(shape)}; were the params made for another input shape?`);
  }
  return shape;
}

/** A parameter-free module from a function of x (shape-preserving unless `outputShape` says otherwise). */
export function Lambda(fn: (x: Value) => Value, name = fn.name || "Lambda", outputShape?: (s: readonly number[]) => number[]): Module<Record<string, never>> {
  return {
    name,
    init: () => ({}),
    apply: (_p, x) => fn(x),
    outputShape: outputShape ?? ((s) => [...s]),
  };
}

export function asModule(layer: Layer): Module {
  if (typeof layer === "object" && layer !== null && typeof layer.apply === "function") return layer;
  if (typeof layer === "function" || typeof layer === "string") {
    const f = getActivation(layer);
    return Lambda(f, typeof layer === "string" ? layer : f.name || "activation");
  }
  throw new TypeError(`nn: a layer must be a Module, an activation function or its name, got ${String(layer)}`);
}

/** Merges the trailing `dims` axes into one (default 3: H, W, C of an NHWC image), keeping leading (batch) axes. */
export function Flatten(opts: { dims?: number } = {}): Module<Record<string, never>> {
  const dims = opts.dims ?? 3;
  if (!Number.isInteger(dims) || dims < 1) throw new TypeError(`nn.Flatten: dims must be a positive integer, got ${dims}`);
  const out = (s: readonly number[]) => {
    checkInput(`nn.Flatten(${dims})`, s, dims);
    const lead = s.slice(0, s.length - dims);
    return [...lead, s.slice(s.length - dims).reduce((a, b) => a * b, 1)];
  };
  return { name: `Flatten(${dims})`, init: () => ({}), apply: (_p, x) => np.reshape(x, out(x.shape)), outputShape: out };
}

/** Flatten of the last three axes (H, W, C). */
export const flatten = Flatten();

/**
 * Layers applied in order. Params are an array with one entry per layer (`{}` for parameter-
 * free ones), so paths read `0.kernel`, `2.bias`. Activations may be given as functions or names.
 */
export function Sequential(layers: readonly Layer[], name = "Sequential"): Module<unknown[]> {
  const mods = layers.map(asModule);
  const outputShape = (s: readonly number[]) => mods.reduce<number[]>((acc, m) => m.outputShape(acc), [...s]);
  return {
    name: `${name}(${mods.map((m) => m.name).join(", ")})`,
    init(key, inputShape) {
      const keys = splitKeys(key, mods.length);
      let shape = [...inputShape];
      return mods.map((m, i) => {
        const p = m.init(keys[i]!, shape);
        shape = m.outputShape(shape);
        return p;
      });
    },
    apply(params, x, opts) {
      if (!Array.isArray(params) || params.length !== mods.length)
        throw new TypeError(`nn.${name}: params must be an array of ${mods.length} entries (one per layer, from init), got ${Array.isArray(params) ? `${params.length} entries` : typeof params}`);
      return mods.reduce((h, m, i) => m.apply(params[i], h, opts), x);
    },
    outputShape,
  };
}

/** The number of scalar parameters in a params pytree. */
export function paramCount(params: unknown): number {
  return leaves(params).reduce<number>((n, l) => n + (l instanceof Value ? l.size : 0), 0);
}
