// Numpy indexing as functions: get(x, ...index) is x[index], at(x, ...index).set(v) / .add(v)
// is jax's x.at[index].set(v). An index entry is
//   a number (negative counts from the end), a Slice (s(start, stop, step) or a string such as
//   ":", "1:3", "::-1"), null (a new axis), "..." (the remaining axes), or an integer array /
//   traced value / nested list (advanced indexing, numpy's rules for where the broadcast
//   index dimensions go). A concrete bool array selects where it is true (not under jit).
// Basic indices become one slice + reshape; advanced ones one gather (x[...]) or one scatter
// (at[...]). Out-of-range advanced indices are clamped by get and dropped by updates, as in jax.
import { Array as ConcreteArray, Value } from "../core/values.js";
import { lax } from "../lax/index.js";
import { asArray, asIndexArray, fromHost, scalar, type ArrayLike, type NestedData } from "./creation.js";
import { broadcastShapes, broadcastTo, castTo } from "./broadcast.js";
import { isIntDtype } from "./dtypes.js";
import { normIndex } from "./manipulation.js";

const fmt = (s: readonly number[]) => `[${s.join(", ")}]`;
const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

/** A Python-style slice; null bounds are open. */
export class Slice {
  constructor(
    readonly start: number | null = null,
    readonly stop: number | null = null,
    readonly step: number | null = null,
  ) {
    for (const v of [start, stop, step])
      if (v !== null && !Number.isInteger(v)) throw new TypeError(`slice: bounds must be integers or null, got ${String(v)}`);
    if (step === 0) throw new TypeError("slice: step cannot be zero");
  }
  /** Python's slice.indices: concrete [start, stop, step, length] for an axis of size n. */
  indices(n: number): [number, number, number, number] {
    const step = this.step ?? 1;
    const clampB = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    let start: number;
    let stop: number;
    if (step > 0) {
      start = this.start === null ? 0 : clampB(this.start < 0 ? this.start + n : this.start, 0, n);
      stop = this.stop === null ? n : clampB(this.stop < 0 ? this.stop + n : this.stop, 0, n);
    } else {
      start = this.start === null ? n - 1 : clampB(this.start < 0 ? this.start + n : this.start, -1, n - 1);
      stop = this.stop === null ? -1 : clampB(this.stop < 0 ? this.stop + n : this.stop, -1, n - 1);
    }
    const len = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
    return [start, stop, step, len];
  }
  toString(): string {
    const f = (v: number | null) => (v === null ? "" : String(v));
    return `${f(this.start)}:${f(this.stop)}${this.step === null ? "" : `:${this.step}`}`;
  }
}

/** Python's slice(): s(stop), s(start, stop), s(start, stop, step); null for an open bound. */
export function s(a: number | null = null, b?: number | null, step: number | null = null): Slice {
  return b === undefined ? new Slice(null, a, null) : new Slice(a, b, step);
}

// np.array makes float32 from JS numbers: say how to get int indices.
const INT_HINT = "; np.array makes float32 from JS numbers: pass a dtype, e.g. np.array(2, \"int32\")";

export type IndexEntry = number | Slice | string | null | Value | readonly NestedData[];

type Entry =
  | { kind: "int"; value: number }
  | { kind: "slice"; slice: Slice }
  | { kind: "new" }
  | { kind: "array"; value: Value };

function parseString(fn: string, str: string): Slice | "..." {
  if (str === "...") return "...";
  const m = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/.exec(str);
  if (!m) throw new TypeError(`${fn}: cannot read index "${str}"; use ":", "1:3", "::-1", "..." or s(start, stop, step)`);
  const n = (t: string | undefined) => (t === undefined ? null : Number(t));
  return new Slice(n(m[1]), n(m[2]), n(m[3]));
}

/** Turns the user's entries into one entry per operand axis (plus new axes). */
function normalize(fn: string, shape: readonly number[], idx: readonly IndexEntry[]): Entry[] {
  const out: (Entry | "...")[] = [];
  for (const e of idx) {
    if (e === null || e === undefined) out.push({ kind: "new" });
    else if (typeof e === "number") {
      if (!Number.isInteger(e)) throw new TypeError(`${fn}: index ${e} is not an integer`);
      out.push({ kind: "int", value: e });
    } else if (typeof e === "string") {
      const p = parseString(fn, e);
      out.push(p === "..." ? p : { kind: "slice", slice: p });
    } else if (e instanceof Slice) out.push({ kind: "slice", slice: e });
    else if (typeof e === "boolean") throw new TypeError(`${fn}: a bare boolean index is not supported; use null for a new axis`);
    else {
      const v = asIndexArray(fn, e as ArrayLike);
      if (v.dtype === "bool") out.push(...boolMask(fn, v));
      else if (!isIntDtype(v.dtype)) throw new TypeError(`${fn}: array indices must be integers (or a concrete bool mask), got ${v.aval}${INT_HINT}`);
      else out.push({ kind: "array", value: v });
    }
  }
  const ell = out.filter((e) => e === "...").length;
  if (ell > 1) throw new TypeError(`${fn}: an index can have only one "..."`);
  const used = out.filter((e) => e !== "..." && e.kind !== "new").length;
  if (used > shape.length) throw new RangeError(`${fn}: too many indices for an array of shape ${fmt(shape)}: ${used} were given`);
  const fill = range(0, shape.length - used).map((): Entry => ({ kind: "slice", slice: new Slice() }));
  const at = out.indexOf("...");
  if (at >= 0) out.splice(at, 1, ...fill);
  else out.push(...fill);
  return out as Entry[];
}

/** A concrete bool mask becomes the integer index arrays of its true positions. */
function boolMask(fn: string, m: Value): Entry[] {
  if (!(m instanceof ConcreteArray))
    throw new TypeError(`${fn}: a bool mask index has a data-dependent shape, which jit cannot trace; use np.where(mask, x, other) instead`);
  const d = m.dataSync();
  const coords: number[][] = m.shape.map(() => []);
  const st = m.shape.map((_, i) => m.shape.slice(i + 1).reduce((p, q) => p * q, 1));
  for (let f = 0; f < m.size; f++) if (d[f]) m.shape.forEach((n, i) => coords[i]!.push(Math.floor(f / st[i]!) % n));
  return coords.map((c) => ({ kind: "array", value: fromHost(c, [c.length], "int32") }));
}

interface Plan {
  /** Per operand axis: its entry (ints stay ints only when there is no advanced index). */
  axes: Entry[];
  /** The sequence that shapes the result (operand entries and new axes, in order). */
  seq: Entry[];
  adv: boolean;
}

function plan(fn: string, shape: readonly number[], idx: readonly IndexEntry[]): Plan {
  const seq = normalize(fn, shape, idx);
  const adv = seq.some((e) => e.kind === "array");
  const axes: Entry[] = [];
  for (const e of seq) {
    if (e.kind === "new") continue;
    const d = axes.length;
    const n = shape[d]!;
    if (e.kind === "int") {
      if (e.value < -n || e.value >= n) throw new RangeError(`${fn}: index ${e.value} is out of bounds for axis ${d} with size ${n}`);
      const v = e.value < 0 ? e.value + n : e.value;
      axes.push({ kind: "int", value: v });
    } else axes.push(e);
  }
  return { axes, seq, adv };
}

/** Applies every slice (negative steps through rev) in one lax.slice; ints keep one element. */
function basicSlice(x: Value, axes: Entry[]): Value {
  const revDims: number[] = [];
  const start: number[] = [];
  const limit: number[] = [];
  const strides: number[] = [];
  axes.forEach((e, d) => {
    const n = x.shape[d]!;
    if (e.kind === "int") {
      start.push(e.value);
      limit.push(e.value + 1);
      strides.push(1);
    } else if (e.kind === "slice") {
      const [st, , step, len] = e.slice.indices(n);
      const k = Math.abs(step);
      const s0 = step > 0 ? st : n - 1 - st;
      if (step < 0) revDims.push(d);
      start.push(len ? s0 : 0);
      limit.push(len ? s0 + (len - 1) * k + 1 : 0);
      strides.push(k);
    } else {
      start.push(0);
      limit.push(n);
      strides.push(1);
    }
  });
  const r = lax.rev(x, revDims);
  const full = start.every((v) => v === 0) && limit.every((v, d) => v === x.shape[d]) && strides.every((v) => v === 1);
  return full ? r : lax.slice(r, start, limit, strides);
}

/** Advanced index arrays broadcast together, normalised (negative wrap) and int32. */
function advIndices(fn: string, x: Value, axes: Entry[]): { dims: number[]; arrays: Value[]; bshape: number[] } {
  const dims: number[] = [];
  const raw: Value[] = [];
  axes.forEach((e, d) => {
    if (e.kind === "array") {
      dims.push(d);
      raw.push(e.value);
    } else if (e.kind === "int") {
      dims.push(d);
      raw.push(scalar(e.value, "int32"));
    }
  });
  const bshape = broadcastShapes(fn, ...raw.map((r) => r.shape));
  const arrays = raw.map((r, k) => lax.convertElementType(normIndex(broadcastTo(r, bshape, fn), x.shape[dims[k]!]!), "int32"));
  return { dims, arrays, bshape };
}

/** Whether the advanced entries of `seq` are contiguous (numpy then keeps their place). */
function advAdjacent(seq: Entry[]): boolean {
  const pos = seq.map((e, i) => (e.kind === "array" || e.kind === "int" ? i : -1)).filter((i) => i >= 0);
  return pos.every((p, k) => k === 0 || p === pos[k - 1]! + 1);
}

/**
 * The layout of the result: for each output axis, where it comes from. `b` = the broadcast
 * advanced-index block, `s` = slice axis k (in operand order), `n` = a new axis.
 */
function layout(p: Plan): ("b" | "n" | number)[] {
  const out: ("b" | "n" | number)[] = [];
  let k = 0;
  if (!p.adv) {
    for (const e of p.seq) {
      if (e.kind === "slice") out.push(k++);
      else if (e.kind === "new") out.push("n");
    }
    return out;
  }
  const adjacent = advAdjacent(p.seq);
  let placed = false;
  if (!adjacent) out.push("b");
  for (const e of p.seq) {
    if (e.kind === "slice") out.push(k++);
    else if (e.kind === "new") out.push("n");
    else if (adjacent && !placed) {
      out.push("b");
      placed = true;
    }
  }
  return out;
}

function resultShape(lay: ("b" | "n" | number)[], bshape: number[], sliceSizes: number[]): number[] {
  return lay.flatMap((t) => (t === "b" ? bshape : t === "n" ? [1] : [sliceSizes[t]!]));
}

/** x[index]. */
export function get(x: ArrayLike, ...index: IndexEntry[]): Value {
  const a = asArray(x);
  const p = plan("get", a.shape, index);
  if (!p.adv) {
    const y = basicSlice(a, p.axes);
    const sizes = p.axes.flatMap((e, d) => (e.kind === "slice" ? [y.shape[d]!] : []));
    return lax.reshape(y, resultShape(layout(p), [], sizes));
  }
  // Slices first (ints and arrays keep their axes whole), then one gather for the rest.
  const y = basicSlice(
    a,
    p.axes.map((e) => (e.kind === "slice" ? e : { kind: "slice", slice: new Slice() })),
  );
  const { dims, arrays, bshape } = advIndices("get", y, p.axes);
  const sliceDims = range(0, y.ndim).filter((d) => !dims.includes(d));
  const sliceSizes = sliceDims.map((d) => y.shape[d]!);
  const nb = bshape.length;
  const idx = lax.concatenate(
    arrays.map((v) => lax.reshape(v, [...bshape, 1])),
    nb,
  );
  const g = lax.gather(
    y,
    idx,
    { offsetDims: range(nb, nb + sliceDims.length), collapsedSliceDims: dims, startIndexMap: dims, indexVectorDim: nb },
    y.shape.map((n, d) => (dims.includes(d) ? 1 : n)),
  );
  // g is [B..., slices...]; move B into place and insert the new axes.
  const lay = layout(p).filter((t) => t !== "n");
  const perm = lay.flatMap((t) => (t === "b" ? range(0, nb) : [nb + (t as number)]));
  return lax.reshape(lax.transpose(g, perm), resultShape(layout(p), bshape, sliceSizes));
}

// --- functional updates ----------------------------------------------------------------------

export type UpdateKind = "set" | "add" | "mul" | "min" | "max";

export interface UpdateOptions {
  /** "drop" (default, as jax): out-of-range advanced indices are skipped; "clip": clamped. */
  mode?: "drop" | "clip";
  /** A promise that the indices do not repeat (lets XLA pick a faster scatter). */
  uniqueIndices?: boolean;
}

const COMBINE: Record<UpdateKind, (a: Value, b: Value) => Value> = {
  set: (_a, b) => b,
  add: (a, b) => lax.add(a, b),
  mul: (a, b) => lax.mul(a, b),
  min: (a, b) => lax.min(a, b),
  max: (a, b) => lax.max(a, b),
};

/** x with x[index] replaced by (or combined with) values; values broadcast to x[index]'s shape. */
export function update(kind: UpdateKind, x: ArrayLike, index: readonly IndexEntry[], values: ArrayLike, opts: UpdateOptions = {}): Value {
  const fn = `at(...).${kind}`;
  const a = asArray(x);
  const p = plan(fn, a.shape, index);
  const v = castTo(values, { dtype: a.dtype, weak: a.weakType });
  const strided = p.axes.some((e) => e.kind === "slice" && (e.slice.step ?? 1) !== 1);
  if (!p.adv && !strided) {
    // Static ints and unit slices: one window, dynamic_update_slice.
    const y = basicSlice(a, p.axes);
    const sizes = p.axes.flatMap((e, d) => (e.kind === "slice" ? [y.shape[d]!] : []));
    const u = lax.reshape(broadcastTo(v, resultShape(layout(p), [], sizes), fn), y.shape);
    const starts = p.axes.map((e, d) => (e.kind === "int" ? e.value : e.kind === "slice" ? (y.shape[d] ? e.slice.indices(a.shape[d]!)[0] : 0) : 0));
    return lax.dynamicUpdateSlice(a, COMBINE[kind](y, u), starts);
  }
  if (strided) return gridUpdate(fn, kind, a, p, v, opts);
  const { dims, arrays, bshape } = advIndices(fn, a, p.axes);
  const sliceDims = range(0, a.ndim).filter((d) => !dims.includes(d));
  const sl = sliceDims.map((d) => (p.axes[d] as { kind: "slice"; slice: Slice }).slice.indices(a.shape[d]!));
  const sliceSizes = sl.map((q) => q[3]);
  const nb = bshape.length;
  // Slices with a nonzero start join the index vector as constant starts.
  const offsetDims = sliceDims.filter((_, k) => sl[k]![0] !== 0 && sliceSizes[k]! > 0);
  const cols = [
    ...arrays,
    ...offsetDims.map((d) => lax.broadcastInDim(scalar(sl[sliceDims.indexOf(d)]![0], "int32"), bshape, [])),
  ];
  const idx = lax.concatenate(
    cols.map((c) => lax.reshape(c, [...bshape, 1])),
    nb,
  );
  const lay = layout(p);
  const target = resultShape(lay, bshape, sliceSizes);
  const noNew = lay.filter((t) => t !== "n");
  const u = lax.reshape(broadcastTo(v, target, fn), resultShape(noNew, bshape, sliceSizes));
  const bAt = noNew.indexOf("b");
  const updateWindowDims = noNew.flatMap((t, i) => (t === "b" ? [] : [i < bAt ? i : i + nb - 1]));
  const dn = { updateWindowDims, insertedWindowDims: dims, scatterDimsToOperandDims: [...dims, ...offsetDims], indexVectorDim: nb };
  return scatterKind(kind, a, idx, u, dn, opts);
}

function scatterKind(
  kind: UpdateKind,
  a: Value,
  idx: Value,
  u: Value,
  dn: { updateWindowDims: number[]; insertedWindowDims: number[]; scatterDimsToOperandDims: number[]; indexVectorDim: number },
  opts: UpdateOptions,
): Value {
  const o = { mode: opts.mode ?? "drop", uniqueIndices: !!opts.uniqueIndices } as const;
  switch (kind) {
    case "set":
      return lax.scatter(a, idx, u, dn, o);
    case "add":
      return lax.scatterAdd(a, idx, u, dn, o);
    case "mul":
      return lax.scatterMul(a, idx, u, dn, o);
    case "min":
      return lax.scatterMin(a, idx, u, dn, o);
    case "max":
      return lax.scatterMax(a, idx, u, dn, o);
  }
}

/** Strided slices: every updated element gets its own full coordinate (rare; costs an index per element). */
function gridUpdate(fn: string, kind: UpdateKind, a: Value, p: Plan, v: Value, opts: UpdateOptions): Value {
  const lay = layout(p);
  const hasAdv = p.adv;
  const adv = hasAdv ? advIndices(fn, a, p.axes) : { dims: [] as number[], arrays: [] as Value[], bshape: [] as number[] };
  const sliceDims = range(0, a.ndim).filter((d) => !adv.dims.includes(d) && p.axes[d]!.kind === "slice");
  const sl = sliceDims.map((d) => (p.axes[d] as { kind: "slice"; slice: Slice }).slice.indices(a.shape[d]!));
  const sliceSizes = sl.map((q) => q[3]);
  const noNew = lay.filter((t) => t !== "n");
  const R = resultShape(noNew, adv.bshape, sliceSizes);
  const bAt = noNew.indexOf("b");
  const nb = adv.bshape.length;
  const coords = range(0, a.ndim).map((d) => {
    const e = p.axes[d]!;
    if (!hasAdv && e.kind === "int") return lax.broadcastInDim(scalar(e.value, "int32"), R, []);
    const k = sliceDims.indexOf(d);
    if (k >= 0) {
      const pos = noNew.indexOf(k);
      const outAxis = bAt >= 0 && pos > bAt ? pos + nb - 1 : pos;
      const [st, , step] = sl[k]!;
      const io = lax.broadcastedIota("int32", R, outAxis);
      return lax.add(lax.mul(io, lax.broadcastInDim(scalar(step, "int32"), R, [])), lax.broadcastInDim(scalar(st, "int32"), R, []));
    }
    const arr = adv.arrays[adv.dims.indexOf(d)]!;
    return lax.broadcastInDim(arr, R, range(bAt, bAt + nb));
  });
  const idx = lax.concatenate(
    coords.map((c) => lax.reshape(c, [...R, 1])),
    R.length,
  );
  const u = lax.reshape(broadcastTo(v, resultShape(lay, adv.bshape, sliceSizes), fn), R);
  const dn = { updateWindowDims: [], insertedWindowDims: range(0, a.ndim), scatterDimsToOperandDims: range(0, a.ndim), indexVectorDim: R.length };
  return scatterKind(kind, a, idx, u, dn, opts);
}

/** jax's x.at[index]: a functional view for get / set / add / multiply / min / max. */
export class AtRef {
  constructor(
    readonly x: Value,
    readonly index: readonly IndexEntry[],
  ) {}
  get(): Value {
    return get(this.x, ...this.index);
  }
  set(values: ArrayLike, opts?: UpdateOptions): Value {
    return update("set", this.x, this.index, values, opts);
  }
  add(values: ArrayLike, opts?: UpdateOptions): Value {
    return update("add", this.x, this.index, values, opts);
  }
  multiply(values: ArrayLike, opts?: UpdateOptions): Value {
    return update("mul", this.x, this.index, values, opts);
  }
  mul(values: ArrayLike, opts?: UpdateOptions): Value {
    return update("mul", this.x, this.index, values, opts);
  }
  min(values: ArrayLike, opts?: UpdateOptions): Value {
    return update("min", this.x, this.index, values, opts);
  }
  max(values: ArrayLike, opts?: UpdateOptions): Value {
    return update("max", this.x, this.index, values, opts);
  }
}

export function at(x: ArrayLike, ...index: IndexEntry[]): AtRef {
  return new AtRef(asArray(x), index);
}
