// Parameter initializers, as jax.nn.initializers: `(key, shape, dtype?) => array`, with the
// same fan computation, scalings and samplers as JAX (so the same key gives JAX's values).
import { jit } from "../core/jit.js";
import { Array as ConcreteArray, type Value } from "../core/values.js";
import { ShapedArray } from "../core/aval.js";
import { fromNumbers } from "../core/host.js";
import type { DType } from "../xla/dtype.js";
import { numpy as np } from "../numpy/index.js";
import { random } from "../random/index.js";
import { qrPositive, qrPositiveHost } from "./qr.js";

export type Initializer = (key: Value, shape: readonly number[], dtype?: DType) => Value;
export type FanMode = "fanIn" | "fanOut" | "fanAvg" | "fanGeoAvg";
export type Distribution = "truncatedNormal" | "normal" | "uniform";
export type AxisSpec = number | readonly number[];

/** Stddev of a standard normal truncated to (−2, 2): variance-scaling divides by it. */
export const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

const FLOATS: readonly DType[] = ["float32", "float64", "float16", "bfloat16"];

function checkArgs(what: string, shape: readonly number[], dtype: DType): number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new TypeError(`nn.initializers.${what}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!FLOATS.includes(dtype)) throw new TypeError(`nn.initializers.${what}: dtype must be a float dtype, got ${dtype}`);
  return [...shape];
}

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);
const at = (shape: readonly number[], ax: number) => shape[ax < 0 ? ax + shape.length : ax];

function axisSize(what: string, shape: readonly number[], axes: AxisSpec): number {
  const list = typeof axes === "number" ? [axes] : axes;
  return prod(
    list.map((a) => {
      const d = at(shape, a);
      if (d === undefined) throw new TypeError(`nn.initializers.${what}: axis ${a} is out of range for shape [${shape.join(", ")}]`);
      return d;
    }),
  );
}

/** jax's _compute_fans: fan_in / fan_out including the receptive field (conv kernels are HWIO). */
export function computeFans(shape: readonly number[], inAxis: AxisSpec = -2, outAxis: AxisSpec = -1, batchAxis: AxisSpec = []): [number, number] {
  if (inAxis === -2 && shape.length <= 1)
    throw new TypeError(`nn.initializers: cannot compute the fans of a ${shape.length}-dimensional weight with the default inAxis; give a shape of rank >= 2 or an explicit inAxis`);
  const inSize = axisSize("computeFans", shape, inAxis);
  const outSize = axisSize("computeFans", shape, outAxis);
  const batch = axisSize("computeFans", shape, batchAxis);
  const receptive = prod(shape) / inSize / outSize / batch;
  return [inSize * receptive, outSize * receptive];
}

export interface VarianceScalingOptions {
  inAxis?: AxisSpec;
  outAxis?: AxisSpec;
  batchAxis?: AxisSpec;
  dtype?: DType;
}

/**
 * jax.nn.initializers.variance_scaling: samples with variance scale / fan (fan by `mode`);
 * truncated normals are cut at ±2 and rescaled by 1 / 0.8796... so the variance is exact.
 */
export function varianceScaling(scale: number, mode: FanMode, distribution: Distribution, opts: VarianceScalingOptions = {}): Initializer {
  if (!["fanIn", "fanOut", "fanAvg", "fanGeoAvg"].includes(mode)) throw new TypeError(`nn.initializers.varianceScaling: invalid mode "${mode}" (fanIn, fanOut, fanAvg, fanGeoAvg)`);
  if (!["truncatedNormal", "normal", "uniform"].includes(distribution))
    throw new TypeError(`nn.initializers.varianceScaling: invalid distribution "${distribution}" (truncatedNormal, normal, uniform)`);
  return (key, shape, dtype = opts.dtype ?? "float32") => {
    const s = checkArgs("varianceScaling", shape, dtype);
    const [fanIn, fanOut] = computeFans(s, opts.inAxis, opts.outAxis, opts.batchAxis);
    const denom = mode === "fanIn" ? fanIn : mode === "fanOut" ? fanOut : mode === "fanAvg" ? (fanIn + fanOut) / 2 : Math.sqrt(fanIn * fanOut);
    // As JAX: the variance is rounded to the dtype first, the rest computed in it.
    const variance = np.array(scale / denom, dtype);
    if (distribution === "truncatedNormal") {
      const stddev = np.divide(np.sqrt(variance), np.array(TRUNCATED_NORMAL_STDDEV, dtype));
      return np.multiply(random.truncatedNormal(key, -2, 2, s, dtype), stddev);
    }
    if (distribution === "normal") return np.multiply(random.normal(key, s, dtype), np.sqrt(variance));
    return np.multiply(random.uniform(key, s, dtype, -1, 1), np.sqrt(np.multiply(3, variance)));
  };
}

type Axes = Omit<VarianceScalingOptions, never>;
/** LeCun normal: truncated normal, variance 1 / fan_in (flax's default kernel init). */
export const lecunNormal = (o: Axes = {}) => varianceScaling(1, "fanIn", "truncatedNormal", o);
/** LeCun uniform: variance 1 / fan_in. */
export const lecunUniform = (o: Axes = {}) => varianceScaling(1, "fanIn", "uniform", o);
/** He (Kaiming) normal: truncated normal, variance 2 / fan_in. */
export const heNormal = (o: Axes = {}) => varianceScaling(2, "fanIn", "truncatedNormal", o);
/** He (Kaiming) uniform: variance 2 / fan_in. */
export const heUniform = (o: Axes = {}) => varianceScaling(2, "fanIn", "uniform", o);
/** Glorot (Xavier) normal: truncated normal, variance 2 / (fan_in + fan_out). */
export const glorotNormal = (o: Axes = {}) => varianceScaling(1, "fanAvg", "truncatedNormal", o);
/** Glorot (Xavier) uniform: variance 2 / (fan_in + fan_out). */
export const glorotUniform = (o: Axes = {}) => varianceScaling(1, "fanAvg", "uniform", o);

/** jax.nn.initializers.uniform: U[0, scale). */
export function uniform(scale = 1e-2, dtype0?: DType): Initializer {
  return (key, shape, dtype = dtype0 ?? "float32") => np.multiply(random.uniform(key, checkArgs("uniform", shape, dtype), dtype), np.array(scale, dtype));
}

/** jax.nn.initializers.normal: N(0, stddev²). */
export function normal(stddev = 1e-2, dtype0?: DType): Initializer {
  return (key, shape, dtype = dtype0 ?? "float32") => np.multiply(random.normal(key, checkArgs("normal", shape, dtype), dtype), np.array(stddev, dtype));
}

/** jax.nn.initializers.truncated_normal: stddev · (a standard normal truncated to (lower, upper)). */
export function truncatedNormal(stddev = 1e-2, lower = -2, upper = 2, dtype0?: DType): Initializer {
  return (key, shape, dtype = dtype0 ?? "float32") =>
    np.multiply(random.truncatedNormal(key, lower, upper, checkArgs("truncatedNormal", shape, dtype), dtype), np.array(stddev, dtype));
}

/** Every entry `value`. */
export function constant(value: number, dtype0?: DType): Initializer {
  return (_key, shape, dtype = dtype0 ?? "float32") => np.full(checkArgs("constant", shape, dtype), value, dtype);
}

/** All zeros (the usual bias init). */
export const zeros: Initializer = (_key, shape, dtype = "float32") => np.zeros(checkArgs("zeros", shape, dtype), dtype);
/** All ones (the usual LayerNorm scale init). */
export const ones: Initializer = (_key, shape, dtype = "float32") => np.ones(checkArgs("ones", shape, dtype), dtype);

// Traced keys (init under jit / vmap) run the QR as lax ops, one jitted kernel per (shape,
// dtype) inlined into the caller's program. A concrete key (plain eager init) runs it on the
// host in float64 — no loop to compile for every new shape, and no eager op after sampling.
const orthoKernels = new Map<string, (key: Value) => Value>();

/** scale · the (nRows, nCols) semi-orthogonal matrix of jax.random.orthogonal for this key, reshaped to `shape`. */
function orthogonalMatrix(key: Value, nRows: number, nCols: number, scale: number, dtype: DType, shape: number[]): Value {
  // As JAX: QR of a (max, min) normal matrix, sign-corrected, transposed if wide.
  const [n, m] = [Math.max(nRows, nCols), Math.min(nRows, nCols)];
  if (key instanceof ConcreteArray) {
    const z = random.normal(key, [n, m], dtype) as ConcreteArray;
    const q = qrPositiveHost(z.dataSync() as ArrayLike<number>, n, m);
    const out = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[nRows < nCols ? j * n + i : i * m + j] = scale * q[i * m + j]!;
    return new ConcreteArray(new ShapedArray(shape, dtype), { host: fromNumbers(out, shape, dtype).data });
  }
  const id = `${nRows}x${nCols}|${dtype}`;
  let f = orthoKernels.get(id);
  if (!f) {
    f = jit((k: Value) => {
      const q = qrPositive(random.normal(k, [n, m], dtype));
      return nRows < nCols ? np.transpose(q) : q;
    }, { name: "nn.initializers.orthogonal" });
    orthoKernels.set(id, f);
  }
  return np.reshape(np.multiply(np.array(scale, dtype), f(key)), shape);
}

/**
 * jax.nn.initializers.orthogonal: a (semi-)orthogonal matrix over (all axes but columnAxis) ×
 * columnAxis, times `scale` — rows or columns orthonormal, so QᵀQ = scale²·I when rows ≥ cols.
 * The QR is a Householder QR (src/nn/qr.ts; lax ops when traced, float64 on the host when
 * eager), not LAPACK: values equal JAX's for the same key to float32 rounding.
 */
export function orthogonal(scale = 1.0, columnAxis = -1, dtype0?: DType): Initializer {
  return (key, shape, dtype = dtype0 ?? "float32") => {
    const s = checkArgs("orthogonal", shape, dtype);
    if (s.length < 2) throw new TypeError(`nn.initializers.orthogonal: needs a shape of rank >= 2, got [${s.join(", ")}]`);
    const ax = columnAxis < 0 ? columnAxis + s.length : columnAxis;
    if (ax < 0 || ax >= s.length) throw new TypeError(`nn.initializers.orthogonal: columnAxis ${columnAxis} is out of range for shape [${s.join(", ")}]`);
    if (s.some((d) => d === 0)) return np.zeros(s, dtype);
    const nCols = s[ax]!;
    const nRows = prod(s) / nCols;
    const rest = s.filter((_, i) => i !== ax);
    return np.moveaxis(orthogonalMatrix(key, nRows, nCols, scale, dtype, [...rest, nCols]), -1, ax);
  };
}
