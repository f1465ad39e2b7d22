// vmap as an IR interpreter: trace f on one example, then evaluate its equations forward
// with batched values, each primitive's batching rule saying where the batch axis goes.
import { asDyn, type Args, type Fn } from "./fn.js";
import { ShapedArray } from "./aval.js";
import { Jaxpr, Literal, Var, type Atom } from "./ir.js";
import { getPrimitive } from "./primitive.js";
import { bind, bind1, describe, literalValue, numberLiteral, traceFlat } from "./trace.js";
import { Value } from "./values.js";
import { flatten, unflatten, type TreeDef } from "../pytree/index.js";

export type BDim = number | null;

/** Moves axis `from` of x to position `to` (a transpose; no-op when equal). */
export function moveaxis(x: Value, from: number, to: number): Value {
  if (from === to) return x;
  const perm = [...Array(x.ndim).keys()].filter((i) => i !== from);
  perm.splice(to, 0, from);
  return bind1(getPrimitive("transpose"), [x], { permutation: perm });
}

/** x with a new axis of `size` inserted at `axis` (broadcast). */
export function broadcastAxis(x: Value, size: number, axis: number): Value {
  const shape = [...x.shape];
  shape.splice(axis, 0, size);
  const dims = [...Array(x.ndim).keys()].map((i) => (i < axis ? i : i + 1));
  return bind1(getPrimitive("broadcast_in_dim"), [x], { shape, broadcastDimensions: dims });
}

/** Brings x's batch axis to the front, broadcasting an unbatched x to `size`. */
export function batchToFront(x: Value, d: BDim, size: number): Value {
  return d === null ? broadcastAxis(x, size, 0) : moveaxis(x, d, 0);
}

/** Evaluates a program on batched values. `dims[i]` is the batch axis of args[i]. */
export function batchJaxpr(
  j: Jaxpr,
  consts: readonly Value[],
  args: readonly Value[],
  dims: readonly BDim[],
): { outs: Value[]; dims: BDim[] } {
  const env = new Map<Var, [Value, BDim]>();
  j.constvars.forEach((v, i) => env.set(v, [consts[i]!, null]));
  j.invars.forEach((v, i) => env.set(v, [args[i]!, dims[i]!]));
  const read = (a: Atom): [Value, BDim] => (a instanceof Literal ? [literalValue(a), null] : env.get(a)!);
  for (const e of j.eqns) {
    const ins = e.inputs.map(read);
    let outs: Value[];
    let outDims: BDim[];
    if (ins.every(([, d]) => d === null)) {
      outs = bind(e.prim, ins.map(([v]) => v), e.params);
      outDims = outs.map(() => null);
    } else {
      const rule = e.prim.batch;
      if (!rule) throw new Error(`vmap: primitive "${e.prim.name}" has no batching rule`);
      [outs, outDims] = rule(
        ins.map(([v]) => v),
        ins.map(([, d]) => d),
        e.params,
      );
    }
    e.outputs.forEach((v, i) => env.set(v, [outs[i]!, outDims[i]!]));
  }
  const res = j.outvars.map(read);
  return { outs: res.map(([v]) => v), dims: res.map(([, d]) => d) };
}

export type AxisSpec = number | null | undefined | readonly AxisSpec[] | { readonly [k: string]: AxisSpec };

/** The per-leaf axes of `tree` given a spec that is a tree prefix of it. */
export function broadcastPrefix(spec: AxisSpec, tree: unknown, what: string): BDim[] {
  if (spec === undefined || spec === null || typeof spec === "number") {
    const n = flatten(tree)[0].length;
    return new Array<BDim>(n).fill(spec ?? null);
  }
  if (globalThis.Array.isArray(spec)) {
    if (!globalThis.Array.isArray(tree) || tree.length !== spec.length)
      throw new TypeError(`vmap: ${what} is a list of ${spec.length}, which is not a prefix of the arguments' structure ${flatten(tree)[1]}`);
    return spec.flatMap((s, i) => broadcastPrefix(s, tree[i], what));
  }
  if (typeof tree !== "object" || tree === null || globalThis.Array.isArray(tree))
    throw new TypeError(`vmap: ${what} is a record, which is not a prefix of ${flatten(tree)[1]}`);
  const rec = tree as Record<string, unknown>;
  const specRec = spec as Record<string, AxisSpec>;
  return Object.keys(rec)
    .sort()
    .flatMap((k) => broadcastPrefix(specRec[k], rec[k], what));
}

export interface VmapOptions {
  /** Batch axis of each argument (a tree prefix of the arguments; null: not batched). Default 0. */
  inAxes?: AxisSpec;
  /** Where the batch axis goes in each output (a tree prefix of the output). Default 0. */
  outAxes?: AxisSpec;
  /** The batch size, needed when no input is batched. */
  axisSize?: number;
}

export function vmap<F extends Fn>(f: F, opts: VmapOptions = {}): (...args: Args<Parameters<F>>) => ReturnType<F> {
  const name = f.name || "anonymous";
  return ((...args: unknown[]) => {
    const inSpec = opts.inAxes === undefined ? 0 : opts.inAxes;
    const [leaves, inTree] = flatten(args);
    const dims = broadcastPrefix(globalThis.Array.isArray(inSpec) ? inSpec : inSpec, args, "inAxes");
    let size = opts.axisSize;
    const perAvals: ShapedArray[] = [];
    const values: Value[] = [];
    leaves.forEach((l, i) => {
      let v: Value;
      if (l instanceof Value) v = l;
      else if (typeof l === "number") v = literalValue(numberLiteral(l));
      else throw new TypeError(`vmap(${name}): argument leaves must be arrays or numbers, got ${describe(l)}`);
      let d = dims[i]!;
      if (typeof l === "number" && d !== null) throw new TypeError(`vmap(${name}): a JS number argument cannot be batched (inAxes ${d}); pass an array or null`);
      if (d !== null) {
        if (d < 0) d += v.ndim;
        if (d < 0 || d >= v.ndim) throw new RangeError(`vmap(${name}): inAxes ${dims[i]} is out of range for argument leaf ${i} of shape [${v.shape}]`);
        dims[i] = d;
        const n = v.shape[d]!;
        if (size === undefined) size = n;
        else if (size !== n)
          throw new RangeError(`vmap(${name}): batched arguments have different sizes along their batch axes (${size} and ${n}, leaf ${i} of shape [${v.shape}])`);
        perAvals.push(new ShapedArray(v.shape.filter((_, k) => k !== d), v.dtype, v.weakType));
      } else perAvals.push(v.aval);
      values.push(v);
    });
    if (size === undefined) throw new TypeError(`vmap(${name}): no argument is batched; give axisSize`);
    let outTree: TreeDef | undefined;
    const traced = traceFlat(
      (...xs) => {
        const out = asDyn(f)(...(unflatten(inTree, xs) as unknown[]));
        const [ol, ot] = flatten(out);
        outTree = ot;
        return ol as (Value | number)[];
      },
      perAvals,
      `vmap(${name})`,
    );
    const { outs, dims: outDims } = batchJaxpr(traced.jaxpr, traced.consts, values, dims);
    const outStructure = unflatten(outTree!, outs);
    const wantDims = broadcastPrefix(opts.outAxes === undefined ? 0 : opts.outAxes, outStructure, "outAxes");
    const moved = outs.map((o, i) => {
      const want = wantDims[i];
      if (want === null || want === undefined) {
        if (outDims[i] !== null) throw new TypeError(`vmap(${name}): outAxes is null for output leaf ${i}, but it depends on the batched inputs`);
        return o;
      }
      const target = want < 0 ? want + o.ndim + (outDims[i] === null ? 1 : 0) : want;
      return outDims[i] === null ? broadcastAxis(o, size!, target) : moveaxis(o, outDims[i]!, target);
    });
    return unflatten(outTree!, moved);
  }) as (...args: Args<Parameters<F>>) => ReturnType<F>;
}
