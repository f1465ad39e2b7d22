// The samplers, each following jax.random's algorithm step by step (jax/_src/random.py) so
// that the same key gives the same numbers. Called inside a jitted kernel (see index.ts); the
// arguments are already arrays of the right dtype.
import type { Shape } from "../core/aval.js";
import type { Value } from "../core/values.js";
import type { DType } from "../xla/dtype.js";
import { randomBits, splitKey } from "./threefry.js";
import { erf, erfInv, nextafter } from "./special.js";
import { L, broadcastTo, full, scalar, sizeOf } from "./util.js";

export const FLOATS: readonly DType[] = ["float32", "float64", "float16", "bfloat16"];

const NMANT: Partial<Record<DType, number>> = { float32: 23, float64: 52, float16: 10, bfloat16: 7 };
const TINY: Partial<Record<DType, number>> = { float32: 2 ** -126, float64: 2 ** -1022, float16: 2 ** -14, bfloat16: 2 ** -126 };

/** Floats uniform in [1, 2) made from random mantissa bits, minus 1: uniform in [0, 1). */
function unitFloats(key: Value, shape: Shape, dtype: DType): Value {
  const nmant = NMANT[dtype]!;
  if (dtype === "float32") {
    const bits = L.shiftRightLogical(randomBits(key, 32, shape), full(32 - nmant, shape, "uint32"));
    const f = L.bitcastConvertType(L.bitwiseOr(bits, full(0x3f800000, shape, "uint32")), "float32");
    return L.sub(f, full(1, shape, dtype));
  }
  if (dtype === "float64") {
    // 64 random bits held in an int64 (there is no uint64): the logical shift reads them unsigned.
    const bits = L.shiftRightLogical(randomBits(key, 64, shape), full(64 - nmant, shape, "int64"));
    const f = L.bitcastConvertType(L.bitwiseOr(bits, full(0x3ff0000000000000, shape, "int64")), "float64");
    return L.sub(f, full(1, shape, dtype));
  }
  // f16 (10-bit mantissa, 16 random bits) and bf16 (7-bit mantissa, 8 random bits, as JAX
  // does below 8 mantissa bits): 1 + m / 2^nmant is exact in f32, so build it there.
  const rngBits = nmant < 8 ? 8 : 16;
  const raw = rngBits === 8 ? L.convertElementType(randomBits(key, 8, shape), "uint32") : randomBits(key, 16, shape);
  const m = L.shiftRightLogical(raw, full(rngBits - nmant, shape, "uint32"));
  const f32 = L.bitcastConvertType(L.bitwiseOr(L.shiftLeft(m, full(23 - nmant, shape, "uint32")), full(0x3f800000, shape, "uint32")), "float32");
  return L.sub(L.convertElementType(f32, dtype), full(1, shape, dtype));
}

/** Uniform in [minval, maxval) (jax.random.uniform); minval / maxval broadcast to `shape`. */
export function uniformImpl(key: Value, shape: Shape, dtype: DType, minval: Value, maxval: Value): Value {
  const lo = broadcastTo("uniform", L.convertElementType(minval, dtype), shape);
  const hi = broadcastTo("uniform", L.convertElementType(maxval, dtype), shape);
  const f = unitFloats(key, shape, dtype);
  return L.max(lo, L.add(L.mul(f, L.sub(hi, lo)), lo));
}

function uniformConst(key: Value, shape: Shape, dtype: DType, lo: number, hi: number): Value {
  return uniformImpl(key, shape, dtype, scalar(lo, dtype), scalar(hi, dtype));
}

export function normalImpl(key: Value, shape: Shape, dtype: DType): Value {
  const lo = -(1 - 2 ** -(NMANT[dtype]! + 1)); // nextafter(-1, 0)
  const u = uniformConst(key, shape, dtype, lo, 1);
  return L.mul(full(Math.SQRT2, shape, dtype), erfInv(u));
}

export function gumbelImpl(key: Value, shape: Shape, dtype: DType): Value {
  const u = uniformConst(key, shape, dtype, TINY[dtype]!, 1);
  return L.neg(L.log(L.neg(L.log(u))));
}

export function exponentialImpl(key: Value, shape: Shape, dtype: DType): Value {
  return L.neg(L.log1p(L.neg(uniformConst(key, shape, dtype, 0, 1))));
}

export function bernoulliImpl(key: Value, p: Value, shape: Shape): Value {
  return L.lt(uniformConst(key, shape, p.dtype, 0, 1), broadcastTo("bernoulli", p, shape));
}

export function truncatedNormalImpl(key: Value, lower: Value, upper: Value, shape: Shape, dtype: DType): Value {
  const lo = L.convertElementType(lower, dtype);
  const hi = L.convertElementType(upper, dtype);
  const s2 = (x: Value) => full(Math.SQRT2, x.shape, dtype);
  const a = erf(L.div(lo, s2(lo)));
  const b = erf(L.div(hi, s2(hi)));
  const u = uniformImpl(key, shape, dtype, a, b);
  const out = L.mul(full(Math.SQRT2, shape, dtype), erfInv(u));
  // Clamp into the open interval (lower, upper): rounding may land on (or past) a bound.
  const lo2 = broadcastTo("truncatedNormal", nextafter(lo, full(Infinity, lo.shape, dtype)), shape);
  const hi2 = broadcastTo("truncatedNormal", nextafter(hi, full(-Infinity, hi.shape, dtype)), shape);
  return L.min(L.max(out, lo2), hi2);
}

// --- integers --------------------------------------------------------------------------------

const IINFO: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};
export const INTS: readonly DType[] = ["int32", "uint32", "int8", "uint8"];

/** jax's _convert_and_clip_integer: convert, clipping to the target range rather than wrapping. */
function convertClip(x: Value, dtype: DType): Value {
  const [a, b] = IINFO[x.dtype]!;
  const [c, d] = IINFO[dtype]!;
  const lo = full(Math.max(a, c), x.shape, x.dtype);
  const hi = full(Math.min(b, d), x.shape, x.dtype);
  return L.convertElementType(L.clamp(lo, x, hi), dtype);
}

/** jax.random.randint; minval / maxval are int32 or uint32 arrays. */
export function randintImpl(key: Value, shape: Shape, minval: Value, maxval: Value, dtype: DType): Value {
  if (dtype === "int8" || dtype === "uint8") {
    // Narrow types sample in 32 bits (less bias), as JAX does.
    const [a, b] = IINFO[dtype]!;
    const clip = (x: Value, hi: number) => L.clamp(full(a, x.shape, "int32"), L.convertElementType(x, "int32"), full(hi, x.shape, "int32"));
    return L.convertElementType(randintImpl(key, shape, clip(minval, b), clip(maxval, b + 1), "int32"), dtype);
  }
  const [, dmax] = IINFO[dtype]!;
  const outOfRange = L.gt(maxval, full(Math.min(dmax, IINFO[maxval.dtype]![1]), maxval.shape, maxval.dtype));
  const lo = broadcastTo("randint", convertClip(minval, dtype), shape);
  const hi = broadcastTo("randint", convertClip(maxval, dtype), shape);
  const over = broadcastTo("randint", outOfRange, shape);

  const keys = splitKey(key, [2]);
  const row = (i: number) => L.reshape(L.slice(keys, [i, 0], [i + 1, 2]), [2]);
  const higher = randomBits(row(0), 32, shape);
  const lower = randomBits(row(1), 32, shape);

  const u = (v: number) => full(v, shape, "uint32");
  let span = L.convertElementType(L.sub(hi, lo), "uint32");
  span = L.select(L.le(hi, lo), u(1), span);
  // maxval beyond the dtype's range: the span is one larger (wrapping to 0 means "all values").
  span = L.select(L.bitwiseAnd(over, L.gt(hi, lo)), L.add(span, u(1)), span);
  // (higher * 2^32 + lower) mod span, without 64-bit arithmetic.
  let mult = L.rem(u(2 ** 16), span);
  mult = L.rem(L.mul(mult, mult), span);
  let off = L.add(L.mul(L.rem(higher, span), mult), L.rem(lower, span));
  off = L.rem(off, span);
  return L.add(lo, L.convertElementType(off, dtype));
}

// --- permutations and choices ----------------------------------------------------------------

/** Sorts x along `axis` by fresh random keys, ceil(3 ln(n) / ln(2^32 - 1)) rounds (jax's _shuffle). */
export function shuffleImpl(key: Value, x: Value, axis: number, keyShape: Shape = x.shape): Value {
  const n = sizeOf(keyShape);
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(2 ** 32 - 1));
  const keyDims = keyShape.length === x.ndim ? x.shape.map((_, i) => i) : [axis];
  for (let r = 0; r < rounds; r++) {
    const keys = splitKey(key, [2]);
    key = L.reshape(L.slice(keys, [0, 0], [1, 2]), [2]);
    const sub = L.reshape(L.slice(keys, [1, 0], [2, 2]), [2]);
    const sortKeys = L.broadcastInDim(randomBits(sub, 32, keyShape), x.shape, keyDims);
    x = L.sort([sortKeys, x], { dimension: axis, numKeys: 1, isStable: true })[1]!;
  }
  return x;
}

/**
 * jax.random.permutation. Shuffling whole slices (independent=false) draws the keys of a
 * 1-D shuffle of arange(n) and sorts every slice by the same keys: with a stable sort this
 * moves slices exactly as jnp.take(x, permutation(key, n), axis) would.
 */
export function permutationImpl(key: Value, x: Value, axis: number, independent: boolean): Value {
  if (independent || x.ndim === 1) return shuffleImpl(key, x, axis);
  return shuffleImpl(key, x, axis, [x.shape[axis]!]);
}

/** jnp.take(x, ind, axis) for in-range indices. */
export function take(x: Value, ind: Value, axis: number): Value {
  const range = (a: number, b: number) => globalThis.Array.from({ length: b - a }, (_, i) => a + i);
  const idx = L.reshape(L.convertElementType(ind, "int32"), [...ind.shape, 1]);
  const outRank = x.ndim - 1 + ind.ndim;
  return L.gather(
    x,
    idx,
    { offsetDims: [...range(0, axis), ...range(axis + ind.ndim, outRank)], collapsedSliceDims: [axis], startIndexMap: [axis], indexVectorDim: ind.ndim },
    x.shape.map((d, i) => (i === axis ? 1 : d)),
  );
}

/** Indices drawn with probabilities p (jax.random.choice's inverse-CDF path, with replacement). */
export function choiceReplaceP(key: Value, p: Value, shape: Shape): Value {
  const n = p.shape[0]!;
  const cum = L.cumsum(p, 0);
  const total = L.broadcastInDim(L.reshape(L.slice(cum, [n - 1], [n]), []), shape, []);
  const r = L.mul(total, L.sub(full(1, shape, p.dtype), uniformConst(key, shape, p.dtype, 0, 1)));
  // searchsorted(cum, r, side="left") = how many cumulative sums lie below r (cum is sorted).
  const wide = [...shape, n];
  const below = L.lt(L.broadcastInDim(cum, wide, [shape.length]), L.broadcastInDim(r, wide, shape.map((_, i) => i)));
  return L.reduceSum(L.convertElementType(below, "int32"), [shape.length]);
}

/** Indices drawn without replacement with probabilities p (Gumbel top-k). */
export function choiceNoReplaceP(key: Value, p: Value, k: number): Value {
  const g = L.add(gumbelImpl(key, p.shape, p.dtype), L.log(p));
  return L.topK(g, k)[1];
}

/** jax.random.categorical (Gumbel max), with replacement. */
export function categoricalImpl(key: Value, logits: Value, axis: number, shape: Shape): Value {
  const batch = logits.shape.filter((_, i) => i !== axis);
  const prefix = shape.slice(0, shape.length - batch.length);
  const full_ = [...prefix, ...shape.slice(prefix.length)];
  full_.splice(prefix.length + axis, 0, logits.shape[axis]!);
  const g = gumbelImpl(key, full_, logits.dtype);
  const l = broadcastTo("categorical", logits, full_);
  return L.argmax(L.add(g, l), prefix.length + axis, "int32");
}
