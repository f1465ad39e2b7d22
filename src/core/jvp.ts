// Forward mode without JVP rules. A primitive's VJP rule u ↦ Jᵀu is linear in u, so the VJP of
// that map, applied to a tangent t, is (Jᵀ)ᵀt = J·t. jvp walks the program forward and gets
// each equation's output tangents this way (one reverse pass of its VJP rule): forward mode
// costs about two reverse passes and needs the VJP rules. The exception is "while", which has
// no VJP: its jvp is a while loop over (primal carry, tangent carry) whose body is the jvp of
// the body. jacfwd / jacrev are vmaps of jvp / vjp over basis vectors.
import { asDyn, type DynFn } from "./fn.js";
import { ShapedArray, isFloatDtype, sizeOf } from "./aval.js";
import { Jaxpr, Literal, Var, type Atom, type Eqn } from "./ir.js";
import { getPrimitive } from "./primitive.js";
import { bind, bind1, closeOver, describe, evalJaxpr, literalValue, traceFlat } from "./trace.js";
import { Array, Value } from "./values.js";
import { fromNumbers } from "./host.js";
import { linearizeJaxpr, vjp, zerosLike, type Argnums, type Fn, type GradOptions, type GradsOf, type LooseArgs } from "./ad.js";
import { vmap } from "./batching.js";
import { flatten, unflatten, type TreeDef } from "../pytree/index.js";

type T = Value | null;

const isFloat = (a: { dtype: ShapedArray["dtype"] }) => isFloatDtype(a.dtype);

/** J·t for one equation, from the VJP of its (linear) VJP rule. */
function jvpByTranspose(e: Eqn, ins: readonly Value[], outs: readonly Value[], tins: readonly T[]): T[] {
  const floatOut = e.outputs.map((v) => isFloat(v.aval));
  if (!floatOut.some(Boolean) || e.prim.name === "stop_gradient") return outs.map(() => null);
  const rule = e.prim.vjp;
  if (!rule)
    throw new Error(
      `jvp: primitive "${e.prim.name}" has no VJP rule; forward mode here is computed by transposing VJP rules, so it cannot be differentiated${e.prim.notDifferentiable !== undefined ? `: ${e.prim.notDifferentiable}` : ""}`,
    );
  const uAvals = e.outputs.filter((_, i) => floatOut[i]).map((v) => v.aval);
  const withT = tins.flatMap((t, i) => (t ? [i] : []));
  let tu: T[];
  try {
    const traced = traceFlat(
      (...u) => {
        let k = 0;
        const cts = e.outputs.map((v, i) => (floatOut[i] ? u[k++]! : zerosLike(v.aval)));
        const inCts = rule(cts, ins, outs, e.params);
        return withT.map((i) => inCts[i] ?? zerosLike(ins[i]!.aval));
      },
      uAvals,
      `jvp(${e.prim.name})`,
    );
    const lin = linearizeJaxpr(traced.jaxpr, traced.consts, uAvals.map((a) => zerosLike(a)));
    tu = lin.backward(withT.map((i) => tins[i]!));
  } catch (err) {
    const msg = (err as Error).message.replace(/^grad: /, "");
    const note = /"while"/.test(msg) ? ". Forward mode through a whileLoop works where the loop is at the top level of the differentiated function, not inside a scan or cond body" : "";
    throw new Error(`jvp of "${e.prim.name}" (forward mode transposes its VJP rule): ${msg}${note}`, { cause: err });
  }
  let k = 0;
  return floatOut.map((f) => (f ? (tu[k++] ?? null) : null));
}

interface WhileLike {
  condJaxpr: Jaxpr;
  bodyJaxpr: Jaxpr;
  condNConsts: number;
  bodyNConsts: number;
}

/** jvp of a while loop: a while over (carry, tangents of the float carries). */
function jvpWhile(e: Eqn, ins: readonly Value[], tins: readonly T[]): [Value[], T[]] {
  // The params of a `while` equation (core cannot import lax's WhileParams; the caller dispatches on the name).
  const { condJaxpr, bodyJaxpr, condNConsts: nc, bodyNConsts: nb } = e.params as unknown as WhileLike;
  const cc = ins.slice(0, nc);
  const bc = ins.slice(nc, nc + nb);
  const carry = ins.slice(nc + nb);
  const bct = tins.slice(nc, nc + nb);
  const bcIdx = bct.flatMap((t, i) => (t ? [i] : []));
  const cIdx = carry.flatMap((c, k) => (isFloat(c.aval) ? [k] : []));
  const tc0 = cIdx.map((k) => tins[nc + nb + k] ?? zerosLike(carry[k]!.aval));
  const avals = (vs: readonly Value[]) => vs.map((v) => v.aval);
  const bctVals = bcIdx.map((i) => bct[i]!);

  const body = traceFlat(
    (...xs) => {
      const b = xs.slice(0, nb);
      const bt = xs.slice(nb, nb + bcIdx.length);
      const c = xs.slice(nb + bcIdx.length, nb + bcIdx.length + carry.length);
      const ct = xs.slice(nb + bcIdx.length + carry.length);
      const tIn: T[] = [...b.map((_, i) => (bcIdx.includes(i) ? bt[bcIdx.indexOf(i)]! : null)), ...c.map((_, k) => (cIdx.includes(k) ? ct[cIdx.indexOf(k)]! : null))];
      const r = jvpJaxpr(bodyJaxpr, [], [...b, ...c], tIn);
      return [...r.outs, ...cIdx.map((k) => r.tangents[k] ?? zerosLike(carry[k]!.aval))];
    },
    [...avals(bc), ...avals(bctVals), ...avals(carry), ...avals(tc0)],
    "jvp(whileLoop body)",
  );
  const cond = traceFlat(
    (...xs) => evalJaxpr(condJaxpr, [], [...xs.slice(0, nc), ...xs.slice(nc, nc + carry.length)]),
    [...avals(cc), ...avals(carry), ...avals(tc0)],
    "jvp(whileLoop cond)",
  );
  const c = closeOver(cond);
  const b = closeOver(body);
  const params: WhileLike = {
    condJaxpr: c.jaxpr,
    bodyJaxpr: b.jaxpr,
    condNConsts: c.consts.length + nc,
    bodyNConsts: b.consts.length + nb + bcIdx.length,
  };
  const res = bind(e.prim, [...c.consts, ...cc, ...b.consts, ...bc, ...bctVals, ...carry, ...tc0], params);
  const outs = res.slice(0, carry.length);
  const touts: T[] = carry.map(() => null);
  cIdx.forEach((k, j) => (touts[k] = res[carry.length + j]!));
  return [outs, touts];
}

/** Evaluates `j` on primals with tangents (null: zero), returning outputs and their tangents. */
export function jvpJaxpr(j: Jaxpr, consts: readonly Value[], primals: readonly Value[], tangents: readonly T[]): { outs: Value[]; tangents: T[] } {
  const env = new Map<Var, [Value, T]>();
  j.constvars.forEach((v, i) => env.set(v, [consts[i]!, null]));
  j.invars.forEach((v, i) => env.set(v, [primals[i]!, isFloat(v.aval) ? (tangents[i] ?? null) : null]));
  const read = (a: Atom): [Value, T] => (a instanceof Literal ? [literalValue(a), null] : env.get(a)!);
  for (const e of j.eqns) {
    const ins = e.inputs.map(read);
    const vs = ins.map(([v]) => v);
    const ts = ins.map(([, t]) => t);
    let outs: Value[];
    let touts: T[];
    if (ts.every((t) => t === null)) {
      outs = bind(e.prim, vs, e.params);
      touts = outs.map(() => null);
    } else if (e.prim.name === "while") [outs, touts] = jvpWhile(e, vs, ts);
    else {
      outs = bind(e.prim, vs, e.params);
      touts = jvpByTranspose(e, vs, outs, ts);
    }
    e.outputs.forEach((v, i) => env.set(v, [outs[i]!, touts[i] ?? null]));
  }
  const res = j.outvars.map(read);
  return { outs: res.map(([v]) => v), tangents: res.map(([, t]) => t) };
}

// --- the public transformations --------------------------------------------------------------

function weakScalar(v: number, dtype: ShapedArray["dtype"]): Array {
  return new Array(new ShapedArray([], dtype, true), { host: fromNumbers([v], [], dtype).data });
}

function asValue(l: unknown, fn: string, what: string): Value {
  if (l instanceof Value) return l;
  // JS numbers are differentiable weak float32 scalars, as under grad.
  if (typeof l === "number") return weakScalar(l, "float32");
  throw new TypeError(`${fn}: ${what} leaves must be arrays or numbers, got ${describe(l)}`);
}

/**
 * `[primalsOut, tangentsOut] = jvp(f, primals, tangents)`: f's outputs and their directional
 * derivative along `tangents` (same tree as `primals`; tangents of integer leaves are ignored).
 */
export function jvp<Out>(f: { fn(...args: unknown[]): Out }["fn"], primals: readonly unknown[], tangents: readonly unknown[]): [Out, Out] {
  const [pl, inTree] = flatten([...primals]);
  const [tl, tTree] = flatten([...tangents]);
  if (!tTree.equals(inTree)) throw new TypeError(`jvp: the tangents' structure ${tTree} differs from the primals' ${inTree}`);
  const pv = pl.map((l) => asValue(l, "jvp", "primal"));
  const tv = tl.map((l, i): T => {
    const p = pv[i]!;
    if (!isFloat(p.aval)) return null;
    const t = typeof l === "number" ? weakScalar(l, p.dtype) : asValue(l, "jvp", "tangent");
    if (t.dtype !== p.dtype || t.shape.join() !== p.shape.join())
      throw new TypeError(`jvp: tangent leaf ${i} is ${t.aval} but its primal is ${p.aval}; tangents must have the primals' shapes and dtypes`);
    return t;
  });
  let outTree: TreeDef | undefined;
  const traced = traceFlat(
    (...xs) => {
      const [ol, ot] = flatten(f(...(unflatten(inTree, xs) as unknown[])));
      outTree = ot;
      return ol.map((l) => {
        if (l instanceof Value || typeof l === "number") return l;
        throw new TypeError(`jvp: the function returned ${describe(l)} as a leaf; return arrays or numbers`);
      });
    },
    pv.map((v) => v.aval),
    `jvp(${f.name || "anonymous"})`,
  );
  const r = jvpJaxpr(traced.jaxpr, traced.consts, pv, tv);
  const touts = r.tangents.map((t, i) => t ?? zerosLike(r.outs[i]!.aval));
  return [unflatten(outTree!, r.outs) as Out, unflatten(outTree!, touts) as Out];
}

/** A concrete [n, n] identity of a dtype (the basis that jacfwd / jacrev vmap over). */
function eye(n: number, dtype: ShapedArray["dtype"]): Array {
  const d = new globalThis.Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) d[i * n + i] = 1;
  return new Array(new ShapedArray([n, n], dtype), { host: fromNumbers(d, [n, n], dtype).data });
}

/** Rows [lo, hi) of x's leading axis. */
function rows(x: Value, lo: number, hi: number): Value {
  if (lo === 0 && hi === x.shape[0]) return x;
  return bind1(getPrimitive("slice"), [x], {
    startIndices: [lo, ...x.shape.slice(1).map(() => 0)],
    limitIndices: [hi, ...x.shape.slice(1)],
    strides: x.shape.map(() => 1),
  });
}

function reshape(x: Value, shape: readonly number[]): Value {
  if (x.shape.join() === shape.join()) return x;
  return bind1(getPrimitive("reshape"), [x], { newSizes: [...shape] });
}

/** The basis vectors of a flat space split into leaves: leaf i is [n, ...shapes[i]]. */
function basis(shapes: readonly (readonly number[])[], dtypes: readonly ShapedArray["dtype"][]): Value[] {
  const n = shapes.reduce((s, sh) => s + sizeOf(sh), 0);
  let off = 0;
  return shapes.map((sh, i) => {
    const k = sizeOf(sh);
    const cols = bind1(getPrimitive("transpose"), [rows(eye(n, dtypes[i]!), off, off + k)], { permutation: [1, 0] });
    off += k;
    return reshape(cols, [n, ...sh]);
  });
}

function argnumList(opts: GradOptions, nargs: number, fn: string): number[] {
  const a = opts.argnums ?? 0;
  const nums = typeof a === "number" ? [a] : [...a];
  for (const n of nums) if (n < 0 || n >= nargs) throw new RangeError(`${fn}: argnums ${n} is out of range for ${nargs} arguments`);
  return nums;
}

/** f with only the argnums arguments free; checks they are float. */
function restrict(f: DynFn, args: unknown[], nums: number[], fn: string) {
  const diff = nums.map((n) => args[n]);
  const [leaves, inTree] = flatten(diff);
  const vals = leaves.map((l) => asValue(l, fn, "argument"));
  vals.forEach((v) => {
    if (!isFloat(v.aval)) throw new TypeError(`${fn}: the differentiated arguments (argnums ${nums}) have a leaf of dtype ${v.dtype}; they must be floating-point`);
  });
  const g = (...d: unknown[]) => {
    const full = [...args];
    nums.forEach((n, i) => (full[n] = d[i]));
    return f(...full);
  };
  return { diff: unflatten(inTree, vals) as unknown[], inTree, vals, g };
}

/** Assembles the Jacobian tree: out tree of (in tree of blocks), argnums as an int unwraps. */
function assemble(outTree: TreeDef, inTree: TreeDef, blocks: Value[][], single: boolean): unknown {
  return unflatten(
    outTree,
    blocks.map((perIn) => {
      const t = unflatten(inTree, perIn) as unknown[];
      return single ? t[0] : t;
    }),
  );
}

/**
 * A Jacobian's type: for an array-valued f, one array per differentiated argument (a tuple for
 * a list of argnums), as a gradient; for a tree-valued f, that tree of them (typed `unknown`).
 */
export type JacobianOf<F extends Fn, A extends Argnums> = ReturnType<F> extends Value ? GradsOf<F, A> : unknown;

/** Forward-mode Jacobian: out leaves [...outShape, ...inShape], one vmapped jvp over the input basis. */
export function jacfwd<F extends Fn, const A extends Argnums = 0>(f: F, opts: Pick<GradOptions<A>, "argnums"> = {}): (...args: LooseArgs<Parameters<F>>) => JacobianOf<F, A> {
  const name = `jacfwd(${f.name || "anonymous"})`;
  return (...args) => {
    const nums = argnumList(opts, args.length, name);
    const { diff, inTree, vals, g } = restrict(asDyn(f), args, nums, name);
    const n = vals.reduce((s, v) => s + v.size, 0);
    let outTree: TreeDef | undefined;
    const push = (...ts: Value[]) => {
      const [, tout] = jvp(g, diff, unflatten(inTree, ts) as unknown[]);
      const [leaves, ot] = flatten(tout);
      outTree = ot;
      return leaves as Value[];
    };
    const outs = vmap(push, { outAxes: -1, axisSize: n })(...basis(vals.map((v) => v.shape), vals.map((v) => v.dtype)));
    // outs[o]: [...outShape, n]; split the last axis among the input leaves.
    const blocks = outs.map((o) => {
      const os = o.shape.slice(0, -1);
      const moved = bind1(getPrimitive("transpose"), [o], { permutation: [o.ndim - 1, ...os.map((_, i) => i)] });
      let off = 0;
      return vals.map((v) => {
        const blk = rows(moved, off, off + v.size);
        off += v.size;
        const back = bind1(getPrimitive("transpose"), [blk], { permutation: [...os.map((_, i) => i + 1), 0] });
        return reshape(back, [...os, ...v.shape]);
      });
    });
    return assemble(outTree!, inTree, blocks, typeof (opts.argnums ?? 0) === "number") as JacobianOf<F, A>;
  };
}

/** Reverse-mode Jacobian: one vmapped vjp over the output basis. */
export function jacrev<F extends Fn, const A extends Argnums = 0>(f: F, opts: Pick<GradOptions<A>, "argnums"> = {}): (...args: LooseArgs<Parameters<F>>) => JacobianOf<F, A> {
  const name = `jacrev(${f.name || "anonymous"})`;
  return (...args) => {
    const nums = argnumList(opts, args.length, name);
    const { diff, inTree, vals, g } = restrict(asDyn(f), args, nums, name);
    const [out, vjpFn] = vjp(g, ...diff);
    const [ol, outTree] = flatten(out);
    const outVals = ol.map((l) => asValue(l, name, "output"));
    const m = outVals.reduce((s, v) => s + v.size, 0);
    const pull = (...cts: Value[]) => flatten(vjpFn(unflatten(outTree, cts) as never))[0] as Value[];
    const ins = vmap(pull, { axisSize: m })(...basis(outVals.map((v) => v.shape), outVals.map((v) => v.dtype)));
    let off = 0;
    const blocks = outVals.map((o) => {
      const blk = ins.map((x, i) => reshape(rows(x, off, off + o.size), [...o.shape, ...vals[i]!.shape]));
      off += o.size;
      return blk;
    });
    return assemble(outTree, inTree, blocks, typeof (opts.argnums ?? 0) === "number") as JacobianOf<F, A>;
  };
}

/** The Hessian, jacfwd(jacrev(f)): leaves [...inShape, ...inShape] for a scalar f. */
export function hessian<F extends Fn, const A extends Argnums = 0>(f: F, opts: Pick<GradOptions<A>, "argnums"> = {}): (...args: LooseArgs<Parameters<F>>) => JacobianOf<F, A> {
  return jacfwd(jacrev(f, opts), opts) as (...args: LooseArgs<Parameters<F>>) => JacobianOf<F, A>;
}
