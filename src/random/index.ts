// jax.random for xla-ts: the threefry2x32 PRNG with JAX's bits for the same seed, and samplers
// following JAX's algorithms, all built from lax ops (so they jit, run on the ref backend and
// vmap). Arguments follow JAX's order and defaults.
//
// Keys are raw uint32[2] arrays, as jax.random.PRNGKey returns (not JAX's typed key arrays):
// `keyData(key)` is the identity. A key is consumed by use: split it for more randomness.
//
// Seeds: a JS number is taken modulo 2^32 into the low word with a zero high word, as JAX does
// with x64 off (its default): key(-7) is [0, 4294967289]. A bigint is a 64-bit seed, as JAX
// with x64 on: key(4294967301n) is [1, 5]. An integer array (traced or not) works too.
import { ShapedArray, type Shape } from "../core/aval.js";
import { Array, Value } from "../core/values.js";
import type { DType } from "../xla/dtype.js";
import { isFloatDtype, isIntDtype } from "../core/aval.js";
import { foldInKey, randomBits, seedKey, splitKey, setThreefryPartitionable, threefryPartitionable } from "./threefry.js";
import {
  FLOATS,
  INTS,
  bernoulliImpl,
  categoricalImpl,
  choiceNoReplaceP,
  choiceReplaceP,
  exponentialImpl,
  gumbelImpl,
  normalImpl,
  permutationImpl,
  randintImpl,
  take,
  truncatedNormalImpl,
  uniformImpl,
} from "./distributions.js";
import { L, checkDtype, checkKey, checkShape, kernel, normAxis, scalar, sizeOf } from "./util.js";

export { setThreefryPartitionable, threefryPartitionable };

/** A PRNG key (uint32[2]) from an integer seed; see the notes on seeds above. */
export function key(seed: number | bigint | Value): Value {
  if (typeof seed === "number") {
    if (!Number.isInteger(seed)) throw new TypeError(`random.key: seed must be an integer, got ${seed}`);
    if (!Number.isSafeInteger(seed))
      throw new RangeError(`random.key: seed ${seed} is not exactly representable as a JS number (|seed| > 2**53 - 1); pass it as a bigint`);
    return words(0, ((seed % 2 ** 32) + 2 ** 32) % 2 ** 32);
  }
  if (typeof seed === "bigint") {
    // Like JAX (np.int64(seed)), plus the unsigned 64-bit seeds: anything wider would wrap.
    if (seed < -(2n ** 63n) || seed >= 2n ** 64n)
      throw new RangeError(`random.key: seed ${seed} does not fit in 64 bits; use a seed in [-2**63, 2**64)`);
    const s = BigInt.asUintN(64, seed);
    return words(Number(s >> 32n), Number(s & 0xffffffffn));
  }
  if (!(seed instanceof Value) || seed.ndim !== 0 || !isIntDtype(seed.dtype))
    throw new TypeError(`random.key: seed must be an integer scalar, got ${seed instanceof Value ? seed.aval : typeof seed}`);
  if (seed.dtype === "int64")
    return kernel("key64", [], () => (x: Value) => {
      const hi = L.convertElementType(L.shiftRightLogical(x, scalar(32, "int64")), "uint32");
      return L.concatenate([L.reshape(hi, [1]), L.reshape(L.convertElementType(x, "uint32"), [1])], 0);
    })(seed);
  return kernel("key", [], () => (x: Value) => seedKey(x))(seed);
}

/** jax.random.PRNGKey: the same raw key as `key`. */
export const PRNGKey = key;

function words(hi: number, lo: number): Value {
  return new Array(new ShapedArray([2], "uint32"), { host: Uint32Array.of(hi, lo) });
}

/** The key's raw uint32[2] data: keys are already raw, so this is the identity. */
export function keyData(k: Value): Value {
  return checkKey("random.keyData", k);
}

/** New keys: uint32[num, 2] (or uint32[...num, 2] for a shape). */
export function split(k: Value, num: number | readonly number[] = 2): Value {
  checkKey("random.split", k);
  const shape = checkShape("random.split", typeof num === "number" ? [num] : [...num]);
  return kernel("split", [shape, threefryPartitionable()], () => (kk: Value) => splitKey(kk, shape))(k);
}

/** A new key from a key and an integer (taken modulo 2^32). */
export function foldIn(k: Value, data: number | Value): Value {
  checkKey("random.foldIn", k);
  let d: Value;
  if (typeof data === "number") {
    if (!Number.isInteger(data)) throw new TypeError(`random.foldIn: data must be an integer, got ${data}`);
    d = scalar(((data % 2 ** 32) + 2 ** 32) % 2 ** 32, "uint32");
  } else {
    if (data.ndim !== 0 || !isIntDtype(data.dtype)) throw new TypeError(`random.foldIn: data must be an integer scalar, got ${data.aval}`);
    d = data;
  }
  return kernel("foldIn", [threefryPartitionable()], () => (kk: Value, x: Value) => foldInKey(kk, L.convertElementType(x, "uint32")))(k, d);
}

/** Uniform random bits (uint8 or uint32; xla-ts has no uint16 / uint64). */
export function bits(k: Value, shape: Shape = [], dtype: DType = "uint32"): Value {
  checkKey("random.bits", k);
  const s = checkShape("random.bits", shape);
  const dt = checkDtype("random.bits", dtype, ["uint32", "uint8"]);
  return kernel("bits", [s, dt, threefryPartitionable()], () => (kk: Value) => randomBits(kk, dt === "uint8" ? 8 : 32, s))(k);
}

function floatArg(what: string, x: number | Value, dtype: DType): Value {
  if (typeof x === "number") return scalar(x, dtype);
  if (x.dtype === "bool") throw new TypeError(`${what}: expects a numeric array, got ${x.aval}`);
  return x;
}

/** Uniform floats in [minval, maxval). */
export function uniform(k: Value, shape: Shape = [], dtype: DType = "float32", minval: number | Value = 0, maxval: number | Value = 1): Value {
  checkKey("random.uniform", k);
  const s = checkShape("random.uniform", shape);
  const dt = checkDtype("random.uniform", dtype, FLOATS);
  const f = kernel("uniform", [s, dt, threefryPartitionable()], () => (kk: Value, lo: Value, hi: Value) => uniformImpl(kk, s, dt, lo, hi));
  return f(k, floatArg("random.uniform", minval, dt), floatArg("random.uniform", maxval, dt));
}

/** A sampler with no parameters but the key: shape and float dtype. */
function simple(name: string, impl: (k: Value, s: Shape, d: DType) => Value) {
  return (k: Value, shape: Shape = [], dtype: DType = "float32"): Value => {
    checkKey(`random.${name}`, k);
    const s = checkShape(`random.${name}`, shape);
    const dt = checkDtype(`random.${name}`, dtype, FLOATS);
    return kernel(name, [s, dt, threefryPartitionable()], () => (kk: Value) => impl(kk, s, dt))(k);
  };
}

/** Standard normal floats (inverse-erf of uniforms, as JAX). */
export const normal = simple("normal", normalImpl);
/** Standard Gumbel floats: -log(-log(u)). */
export const gumbel = simple("gumbel", gumbelImpl);
/** Standard exponential floats: -log1p(-u). */
export const exponential = simple("exponential", exponentialImpl);

function intArg(what: string, x: number | Value, dtype: DType): Value {
  if (typeof x !== "number") {
    if (!isIntDtype(x.dtype) || x.dtype === "int64") {
      if (isFloatDtype(x.dtype)) return L.convertElementType(x, "int32");
      throw new TypeError(`${what}: bounds must be int32 / uint32 / int8 / uint8 arrays or numbers, got ${x.aval}`);
    }
    return x.dtype === "int32" || x.dtype === "uint32" ? x : L.convertElementType(x, "int32");
  }
  if (!Number.isInteger(x)) throw new TypeError(`${what}: bounds must be integers, got ${x}`);
  if (x >= -(2 ** 31) && x < 2 ** 31) return scalar(x, "int32");
  if (dtype === "uint32" && x >= 0 && x < 2 ** 32) return scalar(x, "uint32");
  throw new RangeError(`${what}: bound ${x} does not fit in int32 (JAX would overflow too)`);
}

/** Uniform integers in [minval, maxval) (int32, uint32, int8 or uint8). */
export function randint(k: Value, shape: Shape, minval: number | Value, maxval: number | Value, dtype: DType = "int32"): Value {
  checkKey("random.randint", k);
  const s = checkShape("random.randint", shape);
  if (dtype === "int64") throw new TypeError("random.randint: int64 needs 64-bit unsigned arithmetic, which xla-ts has no dtype for; use int32");
  const dt = checkDtype("random.randint", dtype, INTS);
  const f = kernel("randint", [s, dt, threefryPartitionable()], () => (kk: Value, lo: Value, hi: Value) => randintImpl(kk, s, lo, hi, dt));
  return f(k, intArg("random.randint", minval, dt), intArg("random.randint", maxval, dt));
}

/** Booleans that are true with probability p (default 0.5); shape defaults to p's shape. */
export function bernoulli(k: Value, p: number | Value = 0.5, shape?: Shape): Value {
  checkKey("random.bernoulli", k);
  const pv = typeof p === "number" ? scalar(p, "float32") : p;
  if (!isFloatDtype(pv.dtype)) throw new TypeError(`random.bernoulli: probability p must have a floating dtype, got ${pv.aval}`);
  const s = shape === undefined ? [...pv.shape] : checkShape("random.bernoulli", shape);
  return kernel("bernoulli", [s, threefryPartitionable()], () => (kk: Value, pp: Value) => bernoulliImpl(kk, pp, s))(k, pv);
}

/**
 * Standard normals truncated to (lower, upper); shape defaults to the broadcast of the
 * bounds' shapes.
 */
export function truncatedNormal(k: Value, lower: number | Value, upper: number | Value, shape?: Shape, dtype: DType = "float32"): Value {
  checkKey("random.truncatedNormal", k);
  // float16 / bfloat16 would need a 16-bit nextafter, i.e. a 16-bit integer dtype xla-ts lacks.
  const dt = checkDtype("random.truncatedNormal", dtype, ["float32", "float64"]);
  const lo = floatArg("random.truncatedNormal", lower, dt);
  const hi = floatArg("random.truncatedNormal", upper, dt);
  const s = shape === undefined ? broadcastShapes("random.truncatedNormal", lo.shape, hi.shape) : checkShape("random.truncatedNormal", shape);
  const f = kernel("truncatedNormal", [s, dt, threefryPartitionable()], () => (kk: Value, a: Value, b: Value) => truncatedNormalImpl(kk, a, b, s, dt));
  return f(k, lo, hi);
}

function broadcastShapes(what: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new TypeError(`${what}: shapes [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * Samples from categorical distributions given unnormalized log-probabilities along `axis`
 * (Gumbel-max). The result has `shape` (default: logits' shape without `axis`), whose
 * trailing dimensions must broadcast with that batch shape. Indices are int32.
 */
export function categorical(k: Value, logits: Value, axis = -1, shape?: Shape): Value {
  checkKey("random.categorical", k);
  if (!(logits instanceof Value) || !isFloatDtype(logits.dtype))
    throw new TypeError(`random.categorical: logits must be a floating-point array, got ${logits instanceof Value ? logits.aval : typeof logits}`);
  const ax = normAxis("random.categorical", axis, logits.ndim);
  const batch = logits.shape.filter((_, i) => i !== ax);
  const s = shape === undefined ? batch : checkShape("random.categorical", shape);
  if (s.length < batch.length || batch.some((d, i) => d !== 1 && d !== s[s.length - batch.length + i]))
    throw new TypeError(`random.categorical: shape [${s.join(", ")}] is not broadcast-compatible with the batch shape [${batch.join(", ")}] of the logits`);
  return kernel("categorical", [ax, s, threefryPartitionable()], () => (kk: Value, l: Value) => categoricalImpl(kk, l, ax, s))(k, logits);
}

/**
 * A random permutation of arange(x) (x a number) or of x's slices along `axis`;
 * `independent` shuffles each slice along `axis` separately.
 */
export function permutation(k: Value, x: number | Value, axis = 0, independent = false): Value {
  checkKey("random.permutation", k);
  const xv = typeof x === "number" ? arange("random.permutation", x) : x;
  if (xv.ndim === 0) throw new TypeError("random.permutation: x must be an integer or an array of rank >= 1");
  const ax = normAxis("random.permutation", axis, xv.ndim);
  const f = kernel("permutation", [ax, independent, threefryPartitionable()], () => (kk: Value, v: Value) => permutationImpl(kk, v, ax, independent));
  return f(k, xv);
}

function arange(what: string, n: number): Value {
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`${what}: expects a non-negative integer, got ${n}`);
  return L.iota("int32", n);
}

/**
 * Samples from arange(a) (a a number) or from a's slices along `axis`: with or without
 * replacement, uniformly or with probabilities p (a 1-D array of a's length along axis).
 */
export function choice(k: Value, a: number | Value, shape: Shape = [], replace = true, p?: Value, axis = 0): Value {
  const W = "random.choice";
  checkKey(W, k);
  const s = checkShape(W, shape);
  const arr = typeof a === "number" ? undefined : a;
  if (arr && arr.ndim === 0) throw new TypeError(`${W}: a must be a number or an array of rank >= 1`);
  const ax = arr ? normAxis(W, axis, arr.ndim) : 0;
  const n = arr ? arr.shape[ax]! : (a as number);
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`${W}: a must be a non-negative integer, got ${n}`);
  const draws = sizeOf(s);
  const outShape = arr ? [...arr.shape.slice(0, ax), ...s, ...arr.shape.slice(ax + 1)] : s;
  if (draws === 0) return L.broadcastInDim(scalar(0, arr ? arr.dtype : "int32"), outShape, []);
  if (n <= 0) throw new RangeError(`${W}: a must be greater than 0 unless no samples are taken`);
  if (!replace && draws > n) throw new RangeError(`${W}: cannot take a larger sample (size ${draws}) than population (size ${n}) when replace=false`);
  let pv: Value | undefined;
  if (p !== undefined) {
    pv = isFloatDtype(p.dtype) ? p : L.convertElementType(p, "float32");
    if (pv.ndim !== 1 || pv.shape[0] !== n) throw new TypeError(`${W}: p must be a 1-D array of length ${n}, got ${p.aval}`);
  }
  const isArr = arr !== undefined;
  const hasP = pv !== undefined;
  const f = kernel("choice", [s, replace, isArr, hasP, ax, n, threefryPartitionable()], () => (kk: Value, av: Value, pp: Value) => {
    const outShape = isArr ? [...av.shape.slice(0, ax), ...s, ...av.shape.slice(ax + 1)] : s;
    let ind: Value;
    if (!hasP) {
      if (!replace) {
        // The first `draws` entries of a permutation (of arange(n) or of the array's slices).
        const perm = permutationImpl(kk, av, ax, false);
        const lim = perm.shape.map((d, i) => (i === ax ? draws : d));
        return L.reshape(L.slice(perm, perm.shape.map(() => 0), lim), outShape);
      }
      ind = randintImpl(kk, s, scalar(0, "int32"), scalar(n, "int32"), "int32");
    } else ind = replace ? choiceReplaceP(kk, pp, s) : L.reshape(choiceNoReplaceP(kk, pp, draws), s);
    return isArr ? L.reshape(take(av, ind, ax), outShape) : ind;
  });
  // Without an array, `a` is arange(n): only the non-replacing uniform path shuffles it.
  const av = arr ?? (!hasP && !replace ? arange(W, n) : scalar(0, "int32"));
  return f(k, av, pv ?? scalar(0, "float32"));
}

/** The `random` namespace, as `jax.random`. */
export const random = {
  key,
  PRNGKey,
  keyData,
  split,
  foldIn,
  bits,
  uniform,
  normal,
  randint,
  bernoulli,
  categorical,
  choice,
  permutation,
  gumbel,
  truncatedNormal,
  exponential,
  setThreefryPartitionable,
  threefryPartitionable,
};
