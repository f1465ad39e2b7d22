// Reverse-mode autodiff as an IR interpreter: trace f into IR, evaluate it forward keeping
// every intermediate, then walk the equations backwards calling each primitive's VJP rule.
// Rules are ordinary lax calls, so under jit the backward pass is staged into the same
// program, and differentiating a gradient (grad of grad) just differentiates those calls.
import { asDyn, type DynFn, type Fn } from "./fn.js";
import { ShapedArray, isFloatDtype } from "./aval.js";
import { Jaxpr, Literal, Var, type Atom } from "./ir.js";
import { getPrimitive } from "./primitive.js";
import { bind, bind1, describe, literalValue, traceFlat } from "./trace.js";
import { Array, Value } from "./values.js";
import { fromNumbers } from "./host.js";
import { flatten, unflatten, type TreeDef } from "../pytree/index.js";

/** A scalar constant of a dtype (a literal inside traces). */
export function scalarConst(v: number, dtype: ShapedArray["dtype"]): Array {
  return new Array(new ShapedArray([], dtype), { host: fromNumbers([v], [], dtype).data });
}

/** An array of `aval`'s shape and dtype filled with v, through the registry (core does not import lax). */
export function fullLike(aval: { shape: readonly number[]; dtype: ShapedArray["dtype"] }, v: number): Value {
  const z = scalarConst(v, aval.dtype);
  if (aval.shape.length === 0) return z;
  return bind1(getPrimitive("broadcast_in_dim"), [z], { shape: [...aval.shape], broadcastDimensions: [] });
}

export function zerosLike(aval: { shape: readonly number[]; dtype: ShapedArray["dtype"] }): Value {
  return fullLike(aval, 0);
}

export function addAny(a: Value | null, b: Value | null): Value | null {
  if (!a) return b;
  if (!b) return a;
  return bind1(getPrimitive("add"), [a, b]);
}

function isDifferentiable(aval: ShapedArray): boolean {
  return isFloatDtype(aval.dtype);
}

export interface Linearized {
  outs: Value[];
  /** Cotangents of the inputs for cotangents of the outputs (null: zero). */
  backward(cts: readonly (Value | null)[]): (Value | null)[];
}

/**
 * Evaluates `j` forward on `args`, recording intermediates, and returns the outputs with a
 * backward function. Only equations that depend on a differentiable input are transposed.
 */
export function linearizeJaxpr(j: Jaxpr, consts: readonly Value[], args: readonly Value[]): Linearized {
  const env = new Map<Var, Value>();
  const active = new Set<Var>();
  j.constvars.forEach((v, i) => env.set(v, consts[i]!));
  j.invars.forEach((v, i) => {
    env.set(v, args[i]!);
    if (isDifferentiable(v.aval)) active.add(v);
  });
  const read = (a: Atom): Value => (a instanceof Literal ? literalValue(a) : env.get(a)!);
  const activeEqns: boolean[] = [];
  for (const e of j.eqns) {
    const outs = bind(e.prim, e.inputs.map(read), e.params);
    e.outputs.forEach((v, i) => env.set(v, outs[i]!));
    const isActive = e.prim.name !== "stop_gradient" && e.inputs.some((a) => a instanceof Var && active.has(a));
    activeEqns.push(isActive);
    if (isActive) for (const o of e.outputs) if (isDifferentiable(o.aval)) active.add(o);
  }
  const outs = j.outvars.map(read);

  const backward = (cts: readonly (Value | null)[]): (Value | null)[] => {
    const ct = new Map<Var, Value | null>();
    j.outvars.forEach((o, i) => {
      if (o instanceof Var && active.has(o)) ct.set(o, addAny(ct.get(o) ?? null, cts[i] ?? null));
    });
    for (let k = j.eqns.length - 1; k >= 0; k--) {
      if (!activeEqns[k]) continue;
      const e = j.eqns[k]!;
      const outCts = e.outputs.map((v) => ct.get(v) ?? null);
      if (outCts.every((c) => c === null)) continue;
      const rule = e.prim.vjp;
      if (!rule)
        throw new Error(`grad: primitive "${e.prim.name}" has no VJP rule, so it cannot be differentiated${e.prim.notDifferentiable !== undefined ? `: ${e.prim.notDifferentiable}` : ""}`);
      const filled = outCts.map((c, i) => c ?? zerosLike(e.outputs[i]!.aval));
      const inCts = rule(
        filled,
        e.inputs.map(read),
        e.outputs.map((v) => env.get(v)!),
        e.params,
      );
      e.inputs.forEach((a, i) => {
        const c = inCts[i];
        if (!c || !(a instanceof Var) || !active.has(a)) return;
        ct.set(a, addAny(ct.get(a) ?? null, c));
      });
    }
    return j.invars.map((v) => ct.get(v) ?? null);
  };
  return { outs, backward };
}

// --- the public transformations --------------------------------------------------------------

function leafAval(l: unknown, fn: string): ShapedArray {
  if (l instanceof Value) return l.aval;
  // JS numbers are differentiable weak float32 scalars here, whatever their value.
  if (typeof l === "number") return new ShapedArray([], "float32", true);
  throw new TypeError(`${fn}: argument leaves must be arrays or numbers, got ${describe(l)}`);
}

function leafValue(l: unknown, aval: ShapedArray): Value {
  if (l instanceof Value) return l;
  return scalarConstWeak(l as number, aval.dtype);
}

function scalarConstWeak(v: number, dtype: ShapedArray["dtype"]): Array {
  return new Array(new ShapedArray([], dtype, true), { host: fromNumbers([v], [], dtype).data });
}

interface Traced {
  inTree: TreeDef;
  outTree: TreeDef;
  lin: Linearized;
  inAvals: ShapedArray[];
}

function traceAndLinearize(f: DynFn, primals: unknown[], fn: string): Traced {
  const [leaves, inTree] = flatten(primals);
  const inAvals = leaves.map((l) => leafAval(l, fn));
  let outTree: TreeDef | undefined;
  const traced = traceFlat(
    (...xs) => {
      const out = f(...(unflatten(inTree, xs) as unknown[]));
      const [ol, ot] = flatten(out);
      outTree = ot;
      return ol.map((l) => {
        if (l instanceof Value || typeof l === "number") return l;
        throw new TypeError(`${fn}: the function returned ${describe(l)} as a leaf; return arrays or numbers`);
      }) as (Value | number)[];
    },
    inAvals,
    fn,
  );
  const values = leaves.map((l, i) => leafValue(l, inAvals[i]!));
  const lin = linearizeJaxpr(traced.jaxpr, traced.consts, values);
  return { inTree, outTree: outTree!, lin, inAvals };
}

/**
 * `[out, vjpFn] = vjp(f, ...primals)`: vjpFn maps a cotangent of the output (same tree) to
 * cotangents of the primals (a tuple, one per primal; zeros for integer inputs).
 */
export function vjp<F extends Fn>(f: F, ...primals: LooseArgs<Parameters<F>>): [ReturnType<F>, (ct: CotangentIn<ReturnType<F>>) => Tangents<Parameters<F>>] {
  const t = traceAndLinearize(asDyn(f), primals, "vjp");
  const out = unflatten(t.outTree, t.lin.outs) as ReturnType<F>;
  const vjpFn = (ct: CotangentIn<ReturnType<F>>): Tangents<Parameters<F>> => {
    const [ctLeaves, ctTree] = flatten(ct);
    if (ctTree !== t.outTree)
      throw new TypeError(`vjp: the cotangent's structure ${ctTree} differs from the output's ${t.outTree}`);
    const cts = ctLeaves.map((c, i) => {
      const aval = t.lin.outs[i]!.aval;
      const v = c instanceof Value ? c : scalarConstWeak(c as number, aval.dtype);
      if (v.aval.dtype !== aval.dtype || v.aval.shape.join() !== aval.shape.join())
        throw new TypeError(`vjp: cotangent leaf ${i} is ${v.aval} but the output is ${aval}`);
      return v;
    });
    const grads = t.lin.backward(cts).map((g, i) => g ?? zerosLike(t.inAvals[i]!));
    return unflatten(t.inTree, grads) as Tangents<Parameters<F>>;
  };
  return [out, vjpFn];
}

// --- the types of transformed functions ---------------------------------------------------

export type { Fn };

/**
 * The gradient (tangent) of a pytree: the same structure, an array at each leaf (JS numbers
 * included). A type that admits an array (`Value`, numpy's `ArrayLike`, `unknown`) gives `Value`;
 * so does an unannotated parameter (`never`), which takes anything as `unknown` does.
 */
export type Tangent<T> = [T] extends [never] ? Value : [Value] extends [T] ? Value : TangentOf<T>;
type TangentOf<T> = T extends Value | number | ArrayBufferView
  ? Value
  : T extends (...args: never[]) => unknown
    ? T
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Tangent<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Tangent<T[K]> }
        : T;
/** Arguments as a transformed function accepts them: a JS number wherever f takes an array. */
export type LooseArgs<Args extends readonly unknown[]> = { [K in keyof Args]: [Args[K]] extends [never] ? unknown : Args[K] extends Value ? Args[K] | number : Args[K] };
/** One tangent per argument of a parameter list. */
export type Tangents<Args extends readonly unknown[]> = { -readonly [K in keyof Args]: Tangent<Args[K]> };
/** A cotangent given to a vjp function: the output's structure, arrays or JS numbers at the leaves. */
export type CotangentIn<T> = T extends Value
  ? Value | number
  : T extends readonly unknown[]
    ? { readonly [K in keyof T]: CotangentIn<T[K]> }
    : T extends object
      ? { readonly [K in keyof T]: CotangentIn<T[K]> }
      : T;

export type Argnums = number | readonly number[];
/** The gradient of `F` with respect to `argnums` A: one tangent, or a tuple in argnums order. */
export type GradsOf<F extends Fn, A extends Argnums> = A extends number
  ? Tangent<Parameters<F>[A]>
  : { -readonly [K in keyof A]: Tangent<Parameters<F>[A[K] & number]> };
/** The auxiliary output of a `hasAux` function (it returns [value, aux]). */
export type AuxOf<F extends Fn> = ReturnType<F> extends readonly [unknown, infer X] ? X : never;

export interface GradOptions<A extends Argnums = Argnums, H extends boolean = boolean> {
  /** Which positional argument(s) to differentiate (default 0). */
  argnums?: A;
  /** f returns [value, aux]; aux is returned alongside, not differentiated. */
  hasAux?: H;
}

/** `valueAndGrad(f)(...args)` → `[value, grads]` (or `[[value, aux], grads]` with hasAux). */
export function valueAndGrad<F extends Fn, const A extends Argnums = 0, H extends boolean = false>(
  f: F,
  opts: GradOptions<A, H> = {},
): (...args: LooseArgs<Parameters<F>>) => [H extends true ? [Value, AuxOf<F>] : Value, GradsOf<F, A>] {
  const vg = valueAndGradUntyped(asDyn(f), opts);
  return (...args) => vg(...args) as [H extends true ? [Value, AuxOf<F>] : Value, GradsOf<F, A>];
}

function valueAndGradUntyped(f: DynFn, opts: GradOptions) {
  const argnums = opts.argnums ?? 0;
  const nums = typeof argnums === "number" ? [argnums] : [...argnums];
  const name = f.name || "anonymous";
  return (...args: unknown[]): [unknown, unknown] => {
    for (const n of nums) if (n < 0 || n >= args.length) throw new RangeError(`grad(${name}): argnums ${n} is out of range for ${args.length} arguments`);
    const diffArgs = nums.map((n) => args[n]);
    for (const [k, a] of diffArgs.entries())
      for (const l of flatten(a)[0]) {
        const aval = l instanceof Value ? l.aval : null;
        if (aval && !isFloatDtype(aval.dtype))
          throw new TypeError(`grad(${name}): argument ${nums[k]} has a leaf of dtype ${aval.dtype}; grad needs floating-point inputs (mark integer arguments static or leave them out of argnums)`);
      }
    let auxTree: TreeDef | undefined;
    const g = (...d: unknown[]) => {
      const full = [...args];
      nums.forEach((n, i) => (full[n] = d[i]));
      const r = f(...full);
      if (!opts.hasAux) return r;
      if (!globalThis.Array.isArray(r) || r.length !== 2) throw new TypeError(`grad(${name}, { hasAux: true }): the function must return [value, aux]`);
      // aux leaves become extra outputs, so they come back as values, not tracers of the trace.
      const [auxLeaves, at] = flatten(r[1]);
      auxTree = at;
      return [r[0], ...auxLeaves];
    };
    const t = traceAndLinearize(g, diffArgs, `grad(${name})`);
    const outs = t.lin.outs;
    const value = outs[0]!;
    if (value === undefined || value.aval.shape.length !== 0 || !isFloatDtype(value.aval.dtype) || (!opts.hasAux && outs.length !== 1))
      throw new TypeError(
        `grad(${name}): the function must return a scalar float (got ${outs.map((o) => String(o.aval)).join(", ")}); use vjp for non-scalar outputs`,
      );
    const grads = t.lin.backward([scalarConst(1, value.aval.dtype)]).map((gr, i) => gr ?? zerosLike(t.inAvals[i]!));
    const tree = unflatten(t.inTree, grads) as unknown[];
    const gradOut = typeof argnums === "number" ? tree[0] : tree;
    const aux = opts.hasAux ? unflatten(auxTree!, outs.slice(1)) : undefined;
    return [opts.hasAux ? [value, aux] : value, gradOut];
  };
}

/** `grad(f)(...args)` → the gradient with respect to argument `argnums` (default 0); `[grads, aux]` with hasAux. */
export function grad<F extends Fn, const A extends Argnums = 0, H extends boolean = false>(
  f: F,
  opts: GradOptions<A, H> = {},
): (...args: LooseArgs<Parameters<F>>) => H extends true ? [GradsOf<F, A>, AuxOf<F>] : GradsOf<F, A> {
  const vg = valueAndGradUntyped(asDyn(f), opts);
  return (...args) => {
    const [v, g] = vg(...args);
    return (opts.hasAux === true ? [g, (v as unknown[])[1]] : g) as H extends true ? [GradsOf<F, A>, AuxOf<F>] : GradsOf<F, A>;
  };
}

void Jaxpr;
