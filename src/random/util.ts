// Helpers shared by the PRNG and the samplers: constants, numpy-style broadcasting, argument
// normalization and a cache of jitted kernels (one per static configuration).
import { ShapedArray, shapeStr, sizeOf, type Shape } from "../core/aval.js";
import { Array, Value } from "../core/values.js";
import { jit } from "../core/jit.js";
import { fromNumbers } from "../core/host.js";
import { isDType, type DType } from "../xla/dtype.js";
import { lax as ew } from "../lax/elementwise.js";
import { convertLax } from "../lax/convert.js";
import { shapeLax } from "../lax/shape.js";
import { sortLax } from "../lax/sort.js";
import { reduceLax } from "../lax/reduce.js";
import { gatherLax } from "../lax/gather.js";

/** The lax ops this package is built from (nothing else: everything jits, runs on ref, vmaps). */
export const L = { ...ew, ...convertLax, ...shapeLax, ...sortLax, ...reduceLax, ...gatherLax };

/** A strongly typed scalar constant. */
export function scalar(v: number | bigint, dtype: DType): Value {
  // f16 / bf16 scalars are made in f32 and converted: a traced f16 scalar literal currently
  // carries its raw bits as its value (core/trace.ts scalarOf), which would corrupt it.
  if (dtype === "float16" || dtype === "bfloat16") return L.convertElementType(scalar(v, "float32"), dtype);
  if (typeof v === "bigint") {
    const data = new BigInt64Array([BigInt.asIntN(64, v)]);
    if (dtype !== "int64") throw new TypeError(`scalar: bigint values are only for int64, got ${dtype}`);
    return new Array(new ShapedArray([], dtype), { host: data });
  }
  return new Array(new ShapedArray([], dtype), { host: fromNumbers([v], [], dtype).data });
}

/** `v` broadcast to `shape` (a broadcast_in_dim of a scalar constant). */
export function full(v: number | bigint, shape: Shape, dtype: DType): Value {
  return L.broadcastInDim(scalar(v, dtype), shape, []);
}

/** numpy-style broadcast of `x` to `shape` (dimensions aligned on the right). */
export function broadcastTo(what: string, x: Value, shape: Shape): Value {
  const off = shape.length - x.ndim;
  if (off < 0 || x.shape.some((d, i) => d !== 1 && d !== shape[off + i]))
    throw new TypeError(`${what}: an argument of shape ${shapeStr(x.shape)} does not broadcast to the requested shape ${shapeStr(shape)}`);
  return L.broadcastInDim(
    x,
    shape,
    x.shape.map((_, i) => off + i),
  );
}

export function checkShape(what: string, shape: unknown): number[] {
  if (!globalThis.Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new TypeError(`${what}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  return shape as number[];
}

export function checkDtype(what: string, dtype: unknown, allowed: readonly DType[]): DType {
  if (!isDType(dtype) || !allowed.includes(dtype))
    throw new TypeError(`${what}: dtype must be one of ${allowed.join(", ")}, got ${JSON.stringify(dtype)}`);
  return dtype;
}

/** Checks that `key` is a raw threefry key: a uint32 array of shape [2]. */
export function checkKey(what: string, key: unknown): Value {
  if (!(key instanceof Value))
    throw new TypeError(`${what}: key must be a uint32[2] array from random.key(seed) or random.split(...), got ${typeof key}`);
  if (key.dtype !== "uint32" || key.ndim !== 1 || key.shape[0] !== 2)
    throw new TypeError(
      `${what}: key must be a single uint32[2] key (random.key(seed)); got ${key.aval}. ` +
        `To use a batch of keys, index one (keys[i]) or map over them with vmap.`,
    );
  return key;
}

/** A JS number or an array value, as a strongly typed value of `dtype`. */
export function asValue(x: Value | number, dtype: DType): Value {
  if (typeof x === "number") return scalar(x, dtype);
  return L.convertElementType(x, dtype);
}

/** Normalizes an axis (negative counts from the end). */
export function normAxis(what: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) throw new TypeError(`${what}: axis ${axis} is out of range for rank ${ndim}`);
  return axis < 0 ? axis + ndim : axis;
}

export { sizeOf };

// One jitted function per static configuration (name, shapes, dtypes, flags): eager calls on
// XLA then compile one program per configuration instead of one per primitive, and inside an
// outer trace the program is inlined. Keying by the static values (rather than jit's static
// arguments) keeps jit's "retraced for the same shapes" warning meaningful.
const kernels = new Map<string, (...args: Value[]) => unknown>();

export function kernel<R>(name: string, statics: unknown, build: () => (...args: Value[]) => R): (...args: Value[]) => R {
  const k = `${name}|${JSON.stringify(statics)}`;
  let f = kernels.get(k);
  if (!f) {
    f = jit(build(), { name: `random.${name}` });
    kernels.set(k, f);
  }
  return f as (...args: Value[]) => R;
}
