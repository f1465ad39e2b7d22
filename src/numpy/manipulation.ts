// Shape manipulation (reshape, transpose, stack, split, tile, repeat, pad, roll...), sorting,
// and take / takeAlongAxis (gathers).
import { sizeOf } from "../core/aval.js";
import { Array as ConcreteArray, Value } from "../core/values.js";
import { lax } from "../lax/index.js";
import { asArray, asIndexArray, fromHost, scalar, type ArrayLike, type ShapeLike } from "./creation.js";
import { broadcastShapes, broadcastTo, promote } from "./broadcast.js";
import { isIntDtype, isUnsignedDtype } from "./dtypes.js";
import { constLike } from "./math.js";
import { normAxes, normAxis, type Axis } from "./reductions.js";

const fmt = (s: readonly number[]) => `[${s.join(", ")}]`;
const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

// --- reshaping -----------------------------------------------------------------------------

/** New shape with the same elements; one entry may be -1 (inferred). */
export function reshape(x: ArrayLike, shape: ShapeLike): Value {
  const a = asArray(x);
  const s = typeof shape === "number" ? [shape] : [...shape];
  const unknown = s.filter((d) => d === -1).length;
  const bad = () => new TypeError(`reshape: cannot reshape an array of shape ${fmt(a.shape)} (size ${a.size}) into shape ${fmt(s)}`);
  if (unknown > 1 || s.some((d) => !Number.isInteger(d) || d < -1)) throw bad();
  if (unknown) {
    const known = s.filter((d) => d !== -1).reduce((p, q) => p * q, 1);
    if (known === 0 || a.size % known !== 0) throw bad();
    s[s.indexOf(-1)] = a.size / known;
  }
  if (sizeOf(s) !== a.size) throw bad();
  return lax.reshape(a, s);
}

export function ravel(x: ArrayLike): Value {
  const a = asArray(x);
  return lax.reshape(a, [a.size]);
}
export const flatten = ravel;

/** Permutes axes (default: reversed). */
export function transpose(x: ArrayLike, axes?: readonly number[] | null): Value {
  const a = asArray(x);
  if (axes === undefined || axes === null) return lax.transpose(a, range(0, a.ndim).reverse());
  if (axes.length !== a.ndim) throw new TypeError(`transpose: axes ${JSON.stringify(axes)} do not match an array of rank ${a.ndim} (shape ${fmt(a.shape)})`);
  const perm = axes.map((d) => normAxis("transpose", d, a.ndim));
  if (new Set(perm).size !== perm.length) throw new TypeError(`transpose: axes ${JSON.stringify(axes)} repeat an axis`);
  return lax.transpose(a, perm);
}
/** Permutes the last two axes (jnp.matrix_transpose / x.mT). */
export function matrixTranspose(x: ArrayLike): Value {
  const a = asArray(x);
  if (a.ndim < 2) throw new TypeError(`matrixTranspose: needs rank >= 2, got shape ${fmt(a.shape)}`);
  return lax.transpose(a, [...range(0, a.ndim - 2), a.ndim - 1, a.ndim - 2]);
}

export function swapaxes(x: ArrayLike, axis1: number, axis2: number): Value {
  const a = asArray(x);
  const p = range(0, a.ndim);
  const i = normAxis("swapaxes", axis1, a.ndim);
  const j = normAxis("swapaxes", axis2, a.ndim);
  [p[i], p[j]] = [p[j]!, p[i]!];
  return lax.transpose(a, p);
}

/** Moves axes to new positions, the others keeping their order. */
export function moveaxis(x: ArrayLike, source: number | readonly number[], destination: number | readonly number[]): Value {
  const a = asArray(x);
  const src = (typeof source === "number" ? [source] : [...source]).map((d) => normAxis("moveaxis", d, a.ndim));
  const dst = (typeof destination === "number" ? [destination] : [...destination]).map((d) => normAxis("moveaxis", d, a.ndim));
  if (src.length !== dst.length) throw new TypeError(`moveaxis: source ${JSON.stringify(source)} and destination ${JSON.stringify(destination)} differ in length`);
  const rest = range(0, a.ndim).filter((d) => !src.includes(d));
  const perm = new Array<number>(a.ndim);
  dst.forEach((d, k) => (perm[d] = src[k]!));
  let r = 0;
  for (let i = 0; i < a.ndim; i++) if (perm[i] === undefined) perm[i] = rest[r++]!;
  return lax.transpose(a, perm);
}

/** Inserts size-1 axes at the given positions of the result. */
export function expandDims(x: ArrayLike, axis: number | readonly number[]): Value {
  const a = asArray(x);
  const axes = typeof axis === "number" ? [axis] : [...axis];
  const nd = a.ndim + axes.length;
  const norm = axes.map((d) => normAxis("expandDims", d, nd));
  if (new Set(norm).size !== norm.length) throw new TypeError(`expandDims: axis ${JSON.stringify(axis)} repeats an axis`);
  return lax.expandDims(a, norm);
}

/** Removes size-1 axes (all of them, or those named, which must have size 1). */
export function squeeze(x: ArrayLike, axis?: Axis): Value {
  const a = asArray(x);
  if (axis === undefined || axis === null) return lax.reshape(a, a.shape.filter((d) => d !== 1));
  const axes = normAxes("squeeze", axis, a.ndim);
  for (const d of axes)
    if (a.shape[d] !== 1) throw new TypeError(`squeeze: cannot squeeze axis ${d} of shape ${fmt(a.shape)}: its size is ${a.shape[d]}, not 1`);
  return lax.reshape(a, a.shape.filter((_, i) => !axes.includes(i)));
}

export function atleast1d(x: ArrayLike): Value {
  const a = asArray(x);
  return a.ndim >= 1 ? a : lax.reshape(a, [1]);
}
export function atleast2d(x: ArrayLike): Value {
  const a = asArray(x);
  return a.ndim >= 2 ? a : lax.reshape(a, a.ndim === 1 ? [1, a.shape[0]!] : [1, 1]);
}

// --- joining and splitting -------------------------------------------------------------------

/** Joins arrays along an existing axis (axis null: flattened first). Dtypes are promoted. */
export function concatenate(xs: readonly ArrayLike[], axis: number | null = 0): Value {
  if (!xs.length) throw new TypeError("concatenate: needs at least one array");
  let vs = promote(xs);
  if (axis === null) {
    vs = vs.map((v) => lax.reshape(v, [v.size]));
    axis = 0;
  }
  const nd = vs[0]!.ndim;
  if (nd === 0) throw new TypeError("concatenate: zero-dimensional arrays cannot be concatenated (use stack)");
  const ax = normAxis("concatenate", axis, nd);
  vs.forEach((v, i) => {
    if (v.ndim !== nd || v.shape.some((d, k) => k !== ax && d !== vs[0]!.shape[k]))
      throw new TypeError(`concatenate: array ${i} has shape ${fmt(v.shape)}, which does not match ${fmt(vs[0]!.shape)} outside axis ${ax}`);
  });
  return lax.concatenate(vs, ax);
}

/** Joins equally shaped arrays along a new axis. */
export function stack(xs: readonly ArrayLike[], axis = 0): Value {
  if (!xs.length) throw new TypeError("stack: needs at least one array");
  const vs = promote(xs);
  const s0 = vs[0]!.shape;
  vs.forEach((v, i) => {
    if (v.ndim !== s0.length || v.shape.some((d, k) => d !== s0[k])) throw new TypeError(`stack: array ${i} has shape ${fmt(v.shape)}, array 0 ${fmt(s0)}; all must be equal`);
  });
  const ax = normAxis("stack", axis, s0.length + 1);
  return lax.concatenate(
    vs.map((v) => lax.expandDims(v, [ax])),
    ax,
  );
}
export function hstack(xs: readonly ArrayLike[]): Value {
  const vs = xs.map(atleast1d);
  return concatenate(vs, vs[0]?.ndim === 1 ? 0 : 1);
}
export function vstack(xs: readonly ArrayLike[]): Value {
  return concatenate(xs.map(atleast2d), 0);
}

function splitAt(fn: string, a: Value, bounds: number[], ax: number): Value[] {
  const n = a.shape[ax]!;
  const edges = [0, ...bounds.map((b) => Math.min(Math.max(b < 0 ? b + n : b, 0), n)), n];
  return range(0, edges.length - 1).map((i) => {
    const lo = edges[i]!;
    const hi = Math.max(lo, edges[i + 1]!);
    return lax.sliceInDim(a, lo, hi, 1, ax);
  });
}

/** Splits into `sections` equal parts, or at the given indices, along `axis`. */
export function split(x: ArrayLike, indicesOrSections: number | readonly number[], axis = 0): Value[] {
  const a = asArray(x);
  const ax = normAxis("split", axis, a.ndim);
  if (typeof indicesOrSections === "number") {
    const k = indicesOrSections;
    const n = a.shape[ax]!;
    if (!Number.isInteger(k) || k <= 0 || n % k !== 0)
      throw new TypeError(`split: axis ${ax} of size ${n} cannot be split into ${k} equal sections (use arraySplit for unequal ones)`);
    return splitAt("split", a, range(1, k).map((i) => (i * n) / k), ax);
  }
  return splitAt("split", a, [...indicesOrSections], ax);
}

/** Like split, but `sections` need not divide the axis: the first n % sections parts get one more. */
export function arraySplit(x: ArrayLike, indicesOrSections: number | readonly number[], axis = 0): Value[] {
  const a = asArray(x);
  const ax = normAxis("arraySplit", axis, a.ndim);
  if (typeof indicesOrSections !== "number") return splitAt("arraySplit", a, [...indicesOrSections], ax);
  const k = indicesOrSections;
  if (!Number.isInteger(k) || k <= 0) throw new TypeError(`arraySplit: sections must be a positive integer, got ${k}`);
  const n = a.shape[ax]!;
  const q = Math.floor(n / k);
  const r = n % k;
  const bounds: number[] = [];
  let at = 0;
  for (let i = 0; i < k - 1; i++) bounds.push((at += q + (i < r ? 1 : 0)));
  return splitAt("arraySplit", a, bounds, ax);
}

// --- repetition ------------------------------------------------------------------------------

/** Repeats the whole array `reps` times along each axis. */
export function tile(x: ArrayLike, reps: number | readonly number[]): Value {
  const a0 = asArray(x);
  const r0 = typeof reps === "number" ? [reps] : [...reps];
  const nd = Math.max(a0.ndim, r0.length);
  const a = lax.reshape(a0, [...new Array(nd - a0.ndim).fill(1), ...a0.shape]);
  const r = [...new Array(nd - r0.length).fill(1), ...r0];
  if (r.some((k) => !Number.isInteger(k) || k < 0)) throw new TypeError(`tile: reps ${JSON.stringify(reps)} must be non-negative integers`);
  // [s0, s1] -> [r0, s0, r1, s1] -> [r0*s0, r1*s1]
  const inter = a.shape.flatMap((d, i) => [r[i]!, d]);
  const b = lax.broadcastInDim(
    a,
    inter,
    range(0, nd).map((i) => 2 * i + 1),
  );
  return lax.reshape(
    b,
    a.shape.map((d, i) => d * r[i]!),
  );
}

/**
 * Repeats each element `repeats` times along `axis` (flattened when omitted). `repeats` may be
 * an array (one count per element); then the output length must be known: pass
 * totalRepeatLength, or give concrete counts.
 */
export function repeat(x: ArrayLike, repeats: number | ArrayLike, axis?: number | null, totalRepeatLength?: number): Value {
  let a = asArray(x);
  if (axis === undefined || axis === null) {
    a = lax.reshape(a, [a.size]);
    axis = 0;
  }
  const ax = normAxis("repeat", axis, a.ndim);
  const n = a.shape[ax]!;
  if (typeof repeats === "number") {
    if (!Number.isInteger(repeats) || repeats < 0) throw new TypeError(`repeat: repeats must be a non-negative integer, got ${repeats}`);
    const shape = [...a.shape];
    shape.splice(ax + 1, 0, repeats);
    const b = lax.broadcastInDim(
      a,
      shape,
      range(0, a.ndim).map((i) => (i <= ax ? i : i + 1)),
    );
    const out = [...a.shape];
    out[ax] = n * repeats;
    return lax.reshape(b, out);
  }
  let r = asIndexArray("repeat", repeats);
  if (!isIntDtype(r.dtype)) throw new TypeError(`repeat: repeats must be integers, got ${r.dtype}`);
  if (r.ndim === 0) r = lax.broadcastInDim(r, [n], []);
  if (r.ndim !== 1 || r.shape[0] !== n) throw new TypeError(`repeat: repeats of shape ${fmt(r.shape)} do not match axis ${ax} of size ${n}`);
  r = lax.convertElementType(r, "int32");
  let total = totalRepeatLength;
  if (total === undefined) {
    if (!(r instanceof ConcreteArray))
      throw new TypeError("repeat: array repeats under jit need totalRepeatLength (the output length must be known while tracing)");
    total = Array.from(r.dataSync() as Int32Array).reduce((p, q) => p + q, 0);
  }
  // Output position p takes element #{i : cumsum(repeats)[i] <= p}.
  const ends = lax.cumsum(r, 0);
  const pos = lax.broadcastedIota("int32", [total, n], 0);
  const le = lax.le(lax.broadcastInDim(ends, [total, n], [1]), pos);
  const idx = lax.min(lax.reduceSum(lax.convertElementType(le, "int32"), [1]), lax.broadcastInDim(scalar(n - 1, "int32"), [total], []));
  return take(a, idx, ax, "clip");
}

// --- flips, rolls, padding ----------------------------------------------------------------

export function flip(x: ArrayLike, axis?: Axis): Value {
  const a = asArray(x);
  return lax.rev(a, normAxes("flip", axis, a.ndim));
}

/** Rolls elements along axes (flattened when axis is omitted); shift may be a traced scalar. */
export function roll(x: ArrayLike, shift: number | Value | readonly number[], axis?: Axis): Value {
  const a = asArray(x);
  if (axis === undefined || axis === null) return lax.reshape(roll(lax.reshape(a, [a.size]), shift, 0), a.shape);
  const axes = typeof axis === "number" ? [axis] : [...axis];
  const shifts = typeof shift === "number" || shift instanceof Value ? axes.map(() => shift) : [...shift];
  if (shifts.length !== axes.length) throw new TypeError(`roll: ${shifts.length} shifts for ${axes.length} axes`);
  let r = a;
  axes.forEach((ax0, k) => {
    const ax = normAxis("roll", ax0, a.ndim);
    const n = a.shape[ax]!;
    if (n === 0) return;
    const s = shifts[k]!;
    if (typeof s === "number") {
      const m = ((s % n) + n) % n;
      if (m) r = lax.concatenate([lax.sliceInDim(r, n - m, n, 1, ax), lax.sliceInDim(r, 0, n - m, 1, ax)], ax);
    } else {
      // Dynamic: slice a window of [r, r] starting at (n - shift) mod n.
      const si = lax.convertElementType(s, "int32");
      const nn = scalar(n, "int32");
      const start = lax.rem(lax.add(lax.sub(nn, lax.rem(si, nn)), nn), nn);
      r = lax.dynamicSliceInDim(lax.concatenate([r, r], ax), start, n, ax);
    }
  });
  return r;
}

export type PadWidth = number | readonly [number, number] | readonly (readonly [number, number] | readonly [number])[];

function padPairs(fn: string, w: PadWidth, nd: number): [number, number][] {
  let pairs: [number, number][];
  if (typeof w === "number") pairs = range(0, nd).map(() => [w, w]);
  else if (w.length === 2 && typeof w[0] === "number" && typeof w[1] === "number") pairs = range(0, nd).map(() => [w[0] as number, w[1] as number]);
  else {
    const ws = w as readonly (readonly number[])[];
    const one = (p: readonly number[]): [number, number] => [p[0]!, p[1] ?? p[0]!];
    if (ws.length === 1) pairs = range(0, nd).map(() => one(ws[0]!));
    else if (ws.length === nd) pairs = ws.map(one);
    else throw new TypeError(`${fn}: padWidth ${JSON.stringify(w)} must have one [before, after] pair per axis (${nd})`);
  }
  for (const [lo, hi] of pairs)
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < 0) throw new TypeError(`${fn}: padWidth ${JSON.stringify(w)} must hold non-negative integers`);
  return pairs;
}

export interface PadOptions {
  mode?: "constant" | "edge";
  constantValues?: number;
}

/** Pads with a constant (default 0) or by repeating the edge values. */
export function pad(x: ArrayLike, padWidth: PadWidth, opts: PadOptions = {}): Value {
  const a = asArray(x);
  const pairs = padPairs("pad", padWidth, a.ndim);
  const mode = opts.mode ?? "constant";
  if (mode === "constant") return lax.pad(a, scalar(opts.constantValues ?? 0, a.dtype), pairs.map(([lo, hi]) => [lo, hi, 0] as const));
  if (mode === "edge") {
    let r = a;
    pairs.forEach(([lo, hi], ax) => {
      const n = r.shape[ax]!;
      if ((lo || hi) && n === 0) throw new TypeError(`pad: mode "edge" cannot pad the empty axis ${ax}`);
      const parts: Value[] = [];
      if (lo) parts.push(repeat(lax.sliceInDim(r, 0, 1, 1, ax), lo, ax));
      parts.push(r);
      if (hi) parts.push(repeat(lax.sliceInDim(r, n - 1, n, 1, ax), hi, ax));
      r = parts.length > 1 ? lax.concatenate(parts, ax) : r;
    });
    return r;
  }
  throw new TypeError(`pad: mode ${JSON.stringify(mode)} is not supported (use "constant" or "edge")`);
}

// --- gathers --------------------------------------------------------------------------------

export type TakeMode = "fill" | "clip" | "wrap";

/** Index arrays: negative entries count from the end (wrap once), as numpy's. */
export function normIndex(idx: Value, n: number): Value {
  const i = isIntDtype(idx.dtype) ? idx : lax.convertElementType(idx, "int32");
  if (isUnsignedDtype(i.dtype)) return i;
  return lax.select(lax.lt(i, constLike(i, 0)), lax.add(i, constLike(i, n)), i);
}

/**
 * Elements of x at `indices` along `axis` (flattened when omitted). mode "fill" (default, as
 * jnp): negative indices count from the end, out-of-range ones give NaN (ints: the dtype's
 * minimum); "clip": clamped into range (negatives to 0); "wrap": modulo the axis size.
 */
export function take(x: ArrayLike, indices: ArrayLike, axis?: number | null, mode: TakeMode = "fill", fillValue?: number): Value {
  let a = asArray(x);
  if (axis === undefined || axis === null) {
    a = lax.reshape(a, [a.size]);
    axis = 0;
  }
  const ax = normAxis("take", axis, a.ndim);
  const n = a.shape[ax]!;
  let idx = asIndexArray("take", indices);
  if (!isIntDtype(idx.dtype)) throw new TypeError(`take: indices must be integers, got ${idx.aval} (np.array makes float32 from JS numbers: pass a dtype, e.g. "int32")`);
  if (mode === "wrap") {
    const i32 = lax.convertElementType(idx, "int32");
    idx = lax.rem(lax.add(lax.rem(i32, constLike(i32, n)), constLike(i32, n)), constLike(i32, n));
  } else if (mode === "fill") idx = normIndex(idx, n); // "clip" clamps negatives to 0, as jnp
  const sliceSizes = a.shape.map((d, i) => (i === ax ? 1 : d));
  const offsetDims = range(0, a.ndim - 1).map((i) => (i < ax ? i : i + idx.ndim));
  return lax.gather(
    a,
    idx,
    { offsetDims, collapsedSliceDims: [ax], startIndexMap: [ax], indexVectorDim: idx.ndim },
    sliceSizes,
    { mode: mode === "fill" ? "fill" : "clip", ...(fillValue !== undefined ? { fillValue } : {}) },
  );
}

/** x[..., indices, ...] along `axis`, indices broadcasting against x's other axes (numpy's take_along_axis). */
export function takeAlongAxis(x: ArrayLike, indices: ArrayLike, axis: number | null, mode: "fill" | "clip" = "fill"): Value {
  let a = asArray(x);
  let idx = asIndexArray("takeAlongAxis", indices);
  if (axis === null) {
    a = lax.reshape(a, [a.size]);
    idx = lax.reshape(idx, [idx.size]);
    axis = 0;
  }
  if (!isIntDtype(idx.dtype)) throw new TypeError(`takeAlongAxis: indices must be integers, got ${idx.aval}`);
  if (idx.ndim !== a.ndim) throw new TypeError(`takeAlongAxis: indices of shape ${fmt(idx.shape)} must have the rank of x ${fmt(a.shape)}`);
  const ax = normAxis("takeAlongAxis", axis, a.ndim);
  // Broadcast the non-axis dimensions of x and indices together.
  const shape = broadcastShapes(
    "takeAlongAxis",
    a.shape.map((d, i) => (i === ax ? 1 : d)),
    idx.shape.map((d, i) => (i === ax ? 1 : d)),
  );
  const aShape = shape.map((d, i) => (i === ax ? a.shape[ax]! : d));
  const iShape = shape.map((d, i) => (i === ax ? idx.shape[ax]! : d));
  a = broadcastTo(a, aShape, "takeAlongAxis");
  idx = lax.convertElementType(normIndex(broadcastTo(idx, iShape, "takeAlongAxis"), a.shape[ax]!), "int32");
  // Full coordinates for every output element: iota along the other axes, idx along `ax`.
  const coords = range(0, a.ndim).map((d) => lax.reshape(d === ax ? idx : lax.broadcastedIota("int32", iShape, d), [...iShape, 1]));
  const all = lax.concatenate(coords, a.ndim);
  return lax.gather(
    a,
    all,
    { offsetDims: [], collapsedSliceDims: range(0, a.ndim), startIndexMap: range(0, a.ndim), indexVectorDim: a.ndim },
    a.shape.map(() => 1),
    { mode },
  );
}

// --- sorting --------------------------------------------------------------------------------

export interface SortOptions {
  descending?: boolean;
  /** Keep equal elements in their original order (default true). */
  stable?: boolean;
}

/** Sorted copy along `axis` (default the last; null: flattened). NaNs sort last. */
export function sort(x: ArrayLike, axis: number | null = -1, opts: SortOptions = {}): Value {
  let a = asArray(x);
  if (axis === null) {
    a = lax.reshape(a, [a.size]);
    axis = 0;
  }
  if (a.ndim === 0) return a;
  const ax = normAxis("sort", axis, a.ndim);
  const s = lax.sort(a, { dimension: ax, isStable: opts.stable ?? true });
  return opts.descending ? lax.rev(s, [ax]) : s;
}

/** Indices that sort x along `axis` (stable by default: ties keep their order, also when descending). */
export function argsort(x: ArrayLike, axis: number | null = -1, opts: SortOptions = {}): Value {
  let a = asArray(x);
  if (axis === null) {
    a = lax.reshape(a, [a.size]);
    axis = 0;
  }
  if (a.ndim === 0) return fromHost([0], [], "int32");
  const ax = normAxis("argsort", axis, a.ndim);
  const stable = opts.stable ?? true;
  let iota = lax.broadcastedIota("int32", a.shape, ax);
  if (opts.descending && stable) {
    a = lax.rev(a, [ax]);
    iota = lax.rev(iota, [ax]);
  }
  const [, idx] = lax.sort([a, iota], { dimension: ax, isStable: stable, numKeys: 1 });
  return opts.descending ? lax.rev(idx!, [ax]) : idx!;
}

export { broadcastTo };
