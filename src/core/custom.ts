// customVjp: a function whose reverse-mode derivative is given by the user (for numerically
// stable losses, straight-through estimators, gradient clipping...). The forward function is
// traced once into a sub-program; the call is one primitive whose VJP rule runs the user's
// fwd/bwd pair, so the custom rule survives jit, vmap and nesting.
import { definePrimitive, type Primitive } from "./primitive.js";
import { Jaxpr } from "./ir.js";
import { bind, closeOver, describe, traceFlat } from "./trace.js";
import { evalJaxprRef } from "./ref.js";
import { Value } from "./values.js";
import { batchJaxpr, batchToFront, vmap } from "./batching.js";
import { flatten, unflatten, type TreeDef } from "../pytree/index.js";
import { asDyn, type Args, type DynFn, type Fn } from "./fn.js";


interface CustomParams {
  jaxpr: Jaxpr;
  numConsts: number;
  fwd: DynFn;
  bwd: DynFn;
  inTree: TreeDef;
  outTree: TreeDef;
  /** The user's forward function, kept to rebuild the call under vmap. */
  fun: DynFn;
}

export const customVjpCall: Primitive<CustomParams> = definePrimitive<CustomParams>(
{
  name: "custom_vjp_call",
  abstractEval(avals, { jaxpr }) {
    if (avals.length !== jaxpr.invars.length)
      throw new TypeError(`custom_vjp_call: expects ${jaxpr.invars.length} operands, got ${avals.length}`);
    return jaxpr.outAvals;
  },
  lower(ctx, inputs, _in, _out, { jaxpr }) {
    return ctx.inline(jaxpr, inputs);
  },
  ref(inputs, { jaxpr }) {
    return evalJaxprRef(jaxpr, [], inputs);
  },
}, {
  vjp(cts, ins, _outs, p) {
    const args = unflatten(p.inTree, ins.slice(p.numConsts)) as unknown[];
    const res = p.fwd(...args);
    if (!globalThis.Array.isArray(res) || res.length !== 2)
      throw new TypeError(`customVjp: fwd must return [output, residuals], got ${describe(res)}`);
    const grads = p.bwd(res[1], unflatten(p.outTree, [...cts]));
    if (!globalThis.Array.isArray(grads) || grads.length !== args.length)
      throw new TypeError(`customVjp: bwd must return one cotangent per argument (${args.length}), as an array`);
    const [leaves, tree] = flatten(grads);
    if (tree !== p.inTree)
      throw new TypeError(`customVjp: bwd returned cotangents of structure ${tree}, but the arguments have structure ${p.inTree}`);
    return [...new Array<null>(p.numConsts).fill(null), ...(leaves as (Value | null)[])];
  },
  batch(args, dims, p) {
    // vmap of a custom-VJP function is the custom-VJP function of the vmapped pieces.
    if (dims.slice(0, p.numConsts).some((d) => d !== null)) {
      // A captured value is batched: batch the traced function itself (the custom rule is
      // kept only when just the explicit arguments are batched).
      const r = batchJaxpr(p.jaxpr, [], args, dims);
      return [r.outs, r.dims];
    }
    const k = dims.findIndex((d) => d !== null);
    const size = args[k]!.shape[dims[k]!]!;
    const moved = args.slice(p.numConsts).map((a, i) => batchToFront(a, dims[p.numConsts + i]!, size));
    // vmap of fwd returns what fwd returns ([output, residuals]), batched; customVjp checks it.
    const g = customVjp(vmap(p.fun), vmap(p.fwd) as (...args: unknown[]) => [unknown, unknown], vmap(p.bwd) as Bwd<unknown, unknown>);
    const out = g(...(unflatten(p.inTree, moved) as unknown[]));
    const leaves = flatten(out)[0] as Value[];
    return [leaves, leaves.map(() => 0)];
  },
});

/**
 * The backward function: residuals (as fwd returned them) and the output cotangent → one
 * cotangent per argument. Its parameters are compared bivariantly (a method's signature), so it
 * may take fwd's residuals as a narrower type (a tuple for an array literal).
 */
type Bwd<R, C> = { bwd(residuals: R, ct: C): unknown[] }["bwd"];

/**
 * `customVjp(f, fwd, bwd)`: behaves as `f`; under grad/vjp its derivative is
 * `bwd(residuals, outputCotangent)` → one cotangent per argument, where
 * `[output, residuals] = fwd(...args)`.
 */
export function customVjp<F extends Fn, R>(f: F, fwd: (...args: Parameters<F>) => [ReturnType<F>, R], bwd: Bwd<NoInfer<R>, ReturnType<F>>): (...args: Args<Parameters<F>>) => ReturnType<F> {
  return ((...args: unknown[]) => {
    const [leaves, inTree] = flatten(args);
    const avals = leaves.map((l) => {
      if (l instanceof Value) return l.aval;
      throw new TypeError(`customVjp(${f.name || "f"}): arguments must be arrays, got ${describe(l)}`);
    });
    let outTree: TreeDef | undefined;
    const traced = traceFlat(
      (...xs) => {
        const out = asDyn(f)(...(unflatten(inTree, xs) as unknown[]));
        const [ol, ot] = flatten(out);
        outTree = ot;
        return ol as Value[];
      },
      avals,
      `customVjp(${f.name || "f"})`,
    );
    const { jaxpr, consts } = closeOver(traced);
    const outs = bind(customVjpCall, [...consts, ...(leaves as Value[])], {
      jaxpr,
      numConsts: consts.length,
      fwd: asDyn(fwd),
      bwd: asDyn(bwd),
      inTree,
      outTree: outTree!,
      fun: asDyn(f),
    });
    return unflatten(outTree!, outs);
  }) as (...args: Args<Parameters<F>>) => ReturnType<F>;
}
