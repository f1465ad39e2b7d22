// JAX's default PRNG, threefry2x32, written with lax ops (uint32 add wraps mod 2^32), so its
// bits equal jax.random's for the same key. Keys are raw uint32[2] arrays, as jax.random.PRNGKey.
// Both of JAX's counter layouts exist: jax_threefry_partitionable=True (the default since JAX
// 0.5) and the original one, selected with setThreefryPartitionable(false).
import { ShapedArray, type Shape } from "../core/aval.js";
import { Array as CoreArray, type Value } from "../core/values.js";
import { scan } from "../lax/control/scan.js";
import "../lax/control/rules.js";
import { L, full, scalar, sizeOf } from "./util.js";

let partitionable = true;

/** Chooses JAX's counter layout (jax_threefry_partitionable); true is JAX's default. */
export function setThreefryPartitionable(on: boolean): void {
  partitionable = on;
}
export function threefryPartitionable(): boolean {
  return partitionable;
}

const ROTATIONS = [
  [13, 15, 26, 6],
  [17, 29, 16, 24],
];

/**
 * The Threefry-2x32 block function (20 rounds) on counters x0, x1 of one shape, with a key
 * given as two uint32 scalars. Returns the two output words, of the counters' shape.
 *
 * The rounds are a loop of 5 trips of 4 rounds (a scan), as JAX lowers threefry on CPU
 * (use_rolled_loops): the loop's outputs are materialized once. Written out straight, XLA
 * fuses the 20 rounds into every consumer of the bits (each field of a reset state, each half
 * of a split key), computing the same hash several times; see docs/performance.md.
 */
export function threefry2x32(k0: Value, k1: Value, x0: Value, x1: Value): [Value, Value] {
  const shape = x0.shape;
  const bc = (s: Value) => L.broadcastInDim(s, shape, []);
  const k2 = L.bitwiseXor(L.bitwiseXor(k0, k1), scalar(0x1bd11bda, "uint32"));
  const thirtyTwo = scalar(32, "uint32");
  const rotl = (x: Value, r: Value) => L.bitwiseOr(L.shiftLeft(x, bc(r)), L.shiftRightLogical(x, bc(L.sub(thirtyTwo, r))));
  // Per trip: its 4 rotation amounts and its round constant (i + 1).
  const rot = Array.from({ length: 5 }, (_, i) => ROTATIONS[i % 2]!);
  const xs = { rot: constU32(rot.flat(), [5, 4]), inj: constU32([1, 2, 3, 4, 5], [5]) };
  type Carry = [Value, Value, Value, Value, Value];
  const [[a, b]] = scan(
    ([a, b, ka, kb, kc]: Carry, x: { rot: Value; inj: Value }): [Carry, null] => {
      for (let j = 0; j < 4; j++) {
        a = L.add(a, b);
        b = L.bitwiseXor(rotl(b, L.reshape(L.slice(x.rot, [j], [j + 1]), [])), a);
      }
      // Key injection with the key words rotated one place per trip (ks[(i+1)%3], ks[(i+2)%3]);
      // the round constant is folded into the scalar (addition mod 2^32 associates).
      return [[L.add(a, bc(kb)), L.add(b, bc(L.add(kc, x.inj))), kb, kc, ka], null];
    },
    [L.add(x0, bc(k0)), L.add(x1, bc(k1)), k0, k1, k2] as Carry,
    xs,
  );
  return [a, b];
}

function constU32(values: readonly number[], shape: Shape): Value {
  return new CoreArray(new ShapedArray(shape, "uint32"), { host: Uint32Array.from(values) });
}

/** The key's two words as uint32 scalars. */
export function keyWords(key: Value): [Value, Value] {
  return [L.reshape(L.slice(key, [0], [1]), []), L.reshape(L.slice(key, [1], [2]), [])];
}

/**
 * jax's threefry_2x32(key, count) on a flat counter vector: the first half of the (zero-padded
 * to even length) counters are x0, the second half x1; the output is concat(y0, y1) unpadded.
 */
export function threefryFlat(key: Value, counts: Value): Value {
  const n = counts.shape[0]!;
  const padded = n % 2 ? L.concatenate([counts, full(0, [1], "uint32")], 0) : counts;
  const h = padded.shape[0]! / 2;
  const [k0, k1] = keyWords(key);
  const [y0, y1] = threefry2x32(k0, k1, L.slice(padded, [0], [h]), L.slice(padded, [h], [2 * h]));
  const out = L.concatenate([y0, y1], 0);
  return n % 2 ? L.slice(out, [0], [n]) : out;
}

/** jax's iota_2x32_shape: the row-major index of each element as (high, low) uint32 words. */
function iota2x32(shape: Shape): [Value, Value] {
  const n = sizeOf(shape);
  if (n > 2 ** 32) throw new RangeError(`random: arrays of more than 2^32 elements are not supported (shape [${shape.join(", ")}])`);
  return [full(0, shape, "uint32"), L.reshape(L.iota("uint32", n), shape)];
}

/** Key data from a seed value (jax's threefry_seed with x64 off: high word 0, low word the seed mod 2^32). */
export function seedKey(seed: Value): Value {
  const lo = L.reshape(L.convertElementType(seed, "uint32"), [1]);
  return L.concatenate([full(0, [1], "uint32"), lo], 0);
}

/** `shape`-many new keys, as uint32[...shape, 2]. */
export function splitKey(key: Value, shape: Shape): Value {
  const n = sizeOf(shape);
  if (!partitionable) return L.reshape(threefryFlat(key, L.iota("uint32", 2 * n)), [...shape, 2]);
  const [k0, k1] = keyWords(key);
  const [c0, c1] = iota2x32(shape);
  const [b0, b1] = threefry2x32(k0, k1, c0, c1);
  const col = (x: Value) => L.reshape(x, [...shape, 1]);
  return L.concatenate([col(b0), col(b1)], shape.length);
}

/** jax's threefry_fold_in: hash the counter pair (0, data) with the key. */
export function foldInKey(key: Value, data: Value): Value {
  return threefryFlat(key, seedKey(data));
}

export type BitWidth = 8 | 16 | 32 | 64;

/**
 * Uniform random bits of `bitWidth` in `shape`, as jax's random_bits. xla-ts has no uint16 or
 * uint64 dtype: 8 gives uint8, 16 a uint32 array of 16-bit values, 32 uint32, and 64 an int64
 * array holding the uint64 bit pattern.
 */
export function randomBits(key: Value, bitWidth: BitWidth, shape: Shape): Value {
  if (!partitionable) return randomBitsOriginal(key, bitWidth, shape);
  const [k0, k1] = keyWords(key);
  const [c0, c1] = iota2x32(shape);
  const [b0, b1] = threefry2x32(k0, k1, c0, c1);
  if (bitWidth === 64) return join64(b0, b1);
  const bits = L.bitwiseXor(b0, b1);
  if (bitWidth === 16) return L.bitwiseAnd(bits, full(0xffff, shape, "uint32"));
  return bitWidth === 32 ? bits : L.convertElementType(bits, "uint8");
}

function join64(hi: Value, lo: Value): Value {
  const h = L.convertElementType(hi, "int64");
  return L.bitwiseOr(L.shiftLeft(h, full(32, h.shape, "int64")), L.convertElementType(lo, "int64"));
}

function randomBitsOriginal(key: Value, bitWidth: BitWidth, shape: Shape): Value {
  const size = sizeOf(shape);
  const maxCount = Math.ceil((bitWidth * size) / 32);
  if (maxCount >= 2 ** 32 - 1) throw new RangeError(`random: too many bits requested for shape [${shape.join(", ")}]`);
  const bits = threefryFlat(key, L.iota("uint32", maxCount));
  if (bitWidth === 32) return L.reshape(bits, shape);
  if (bitWidth === 64) {
    const h = maxCount / 2;
    return L.reshape(join64(L.slice(bits, [0], [h]), L.slice(bits, [h], [maxCount])), shape);
  }
  // The little-endian pieces of each word, in order (a view of the words as uint8 / uint16), then [:size].
  const k = 32 / bitWidth;
  const per = [maxCount, k];
  const words = L.broadcastInDim(bits, per, [0]);
  const shifts = L.mul(L.broadcastedIota("uint32", per, 1), full(bitWidth, per, "uint32"));
  const pieces = L.bitwiseAnd(L.shiftRightLogical(words, shifts), full(2 ** bitWidth - 1, per, "uint32"));
  const flat = L.slice(L.reshape(pieces, [maxCount * k]), [0], [size]);
  return L.reshape(bitWidth === 8 ? L.convertElementType(flat, "uint8") : flat, shape);
}
