// cond: apply one of several branches chosen by an int32 index (clamped into range, as
// lax.switch does). Operands are (index, operands shared by every branch...); each branch is
// closure-converted and takes the union of all branches' captured values, ignoring the rest.

import { ShapedArray } from "../../core/aval.js";
import { definePrimitive, primError } from "../../core/primitive.js";
import { bind, bind1, traceFlat, type Traced } from "../../core/trace.js";
import { Jaxpr, Var } from "../../core/ir.js";
import { tensorType } from "../../core/lowering.js";
import { evalJaxprRef } from "../../core/ref.js";
import { fromNumbers } from "../../core/host.js";
import { Array, Value } from "../../core/values.js";
import { flatten, unflatten, type TreeDef } from "../../pytree/index.js";
import { copyTyped } from "../util.js";
import { ne } from "../elementwise.js";
import { convertLax } from "../convert.js";
import { avalDiff, intern, leafName, leafValue, matchWeak } from "./common.js";
import { clampI32, I32 } from "./hlo.js";

export interface CondParams {
  branches: Jaxpr[];
}

export const condP = definePrimitive<CondParams>({
  name: "cond",
  abstractEval(avals, { branches }) {
    if (!branches.length) throw primError("cond", "needs at least one branch");
    const [index, ...ops] = avals;
    if (index === undefined || index.dtype !== "int32" || index.ndim !== 0) throw primError("cond", `the branch index must be an int32 scalar, got ${index ?? "nothing"}`);
    branches.forEach((b, i) => {
      if (b.invars.length !== ops.length) throw primError("cond", `branch ${i} takes ${b.invars.length} operands but ${ops.length} were given`);
      ops.forEach((a, k) => {
        const t = b.inAvals[k]!;
        if (!a.strongEquals(t)) throw primError("cond", `operand ${k} is ${a} but branch ${i} takes ${t}${avalDiff(a, t)}`);
      });
    });
    const outs = branches[0]!.outAvals;
    branches.forEach((b, i) => {
      const o = b.outAvals;
      if (o.length !== outs.length || o.some((a, k) => !a.strongEquals(outs[k]!)))
        throw primError("cond", `branch 0 returns (${outs.join(", ")}) but branch ${i} returns (${o.join(", ")})`);
    });
    return outs.map((a, k) => a.withWeak(branches.every((b) => b.outAvals[k]!.weakType)));
  },
  lower(ctx, [index, ...ops], _inAvals, outAvals, { branches }) {
    const idx = clampI32(ctx, index!, 0, branches.length - 1);
    // Case regions take no arguments: each branch reads the operands from the enclosing scope.
    const regions = branches.map((b) => ctx.block([], outAvals, () => ctx.inline(b, ops)));
    return ctx.op("stablehlo.case", [idx], [tensorType(I32)], outAvals.map(tensorType), { regions });
  },
  ref([index, ...ops], { branches }, outAvals) {
    const i = Math.min(Math.max(Number(index!.data[0]), 0), branches.length - 1);
    return evalJaxprRef(branches[i]!, [], ops).map((o, k) => ({ aval: outAvals[k]!, data: copyTyped(o.data) }));
  },
});

function scalarArray(v: number, dtype: "int32" | "bool"): Array {
  return new Array(new ShapedArray([], dtype), { host: fromNumbers([v], [], dtype).data });
}

/**
 * Traces every branch on the operands' avals and binds the cond primitive. `names` name
 * the branches in errors ("falseFn", "branch 2", ...).
 */
function applyBranches(fn: string, index: Value, branches: readonly Branch<unknown[], unknown>[], operands: unknown[], names: string[]): unknown {
  const [opLeaves, opTree] = flatten(operands);
  const ops = opLeaves.map((l, i) => leafValue(l, fn, `the operand leaf ${leafName("operands", opTree, i)}`));
  const avals = ops.map((o) => o.aval);
  const trees: TreeDef[] = [];
  const traceBranch = (b: number, targets?: ShapedArray[]): Traced =>
    traceFlat(
      (...args) => {
        const out = branches[b]!(...(unflatten(opTree, args) as unknown[]));
        const [leaves, t] = flatten(out);
        trees[b] = t;
        return targets
          ? matchWeak(leaves as (Value | number)[], targets, fn, (i) => `the output leaf ${leafName("out", t, i)} of ${names[b]}`)
          : leaves.map((l, i) => leafValue(l, fn, `the output leaf ${leafName("out", t, i)} of ${names[b]}`));
      },
      avals,
      `${fn} ${names[b]}`,
    );
  let traced = branches.map((_, b) => traceBranch(b));
  trees.forEach((t, b) => {
    if (!t.equals(trees[0]!))
      throw new TypeError(`${fn}: ${names[0]} and ${names[b]} must return the same tree structure, got ${trees[0]} and ${t}`);
  });
  const outAvals = traced.map((t) => t.jaxpr.outAvals);
  const joined = outAvals[0]!.map((a, k) => {
    outAvals.forEach((o, b) => {
      if (!o[k]!.strongEquals(a))
        throw new TypeError(
          `${fn}: the branches must return identical shapes and dtypes, but the output leaf ${leafName("out", trees[0]!, k)} ` +
            `is ${a} in ${names[0]} and ${o[k]} in ${names[b]}${avalDiff(a, o[k]!)}`,
        );
    });
    return a.withWeak(outAvals.every((o) => o[k]!.weakType));
  });
  // A weak output meeting a strong one in another branch becomes strong in every branch.
  traced = traced.map((t, b) => (t.jaxpr.outAvals.every((a, k) => a.weakType === joined[k]!.weakType) ? t : traceBranch(b, joined)));

  // The union of the captured values, each branch taking all of them as leading operands.
  const consts: Value[] = [];
  const pos = new Map<Value, number>();
  for (const t of traced)
    for (const c of t.consts)
      if (!pos.has(c)) {
        pos.set(c, consts.length);
        consts.push(c);
      }
  const jaxprs = traced.map(({ jaxpr, consts: own }) => {
    const mine = new Map(own.map((c, i) => [c, jaxpr.constvars[i]!]));
    const leading = consts.map((c) => mine.get(c) ?? new Var(c.aval));
    return intern(new Jaxpr([], [...leading, ...jaxpr.invars], jaxpr.eqns, jaxpr.outvars));
  });
  const outs = bind(condP, [index, ...consts, ...ops], { branches: jaxprs });
  return unflatten(trees[0]!, outs);
}

function toIndex(fn: string, x: Value | number | boolean): Value {
  if (typeof x === "number") {
    if (!Number.isInteger(x)) throw new TypeError(`${fn}: the index must be an integer, got ${x}`);
    return scalarArray(Math.min(Math.max(x, -(2 ** 31)), 2 ** 31 - 1), "int32");
  }
  if (typeof x === "boolean") return scalarArray(x ? 1 : 0, "int32");
  if (!(x instanceof Value)) throw new TypeError(`${fn}: the index must be an integer scalar, got ${String(x)}`);
  if (x.ndim !== 0) throw new TypeError(`${fn}: the index must be a scalar, got ${x.aval}`);
  return x;
}

/**
 * The operands as a branch receives them (a JS number operand arrives as a weakly typed scalar
 * array, hence `| Value` for numbers). Branches are typed from the operands, so
 * `lax.cond(p, (x) => …, (x) => …, x)` needs no annotation.
 */
export type BranchArgs<Ops extends readonly unknown[]> = { [K in keyof Ops]: Ops[K] | (Ops[K] extends number ? Value : never) };
/**
 * A branch. Its parameters are compared bivariantly (a method's signature), so a branch written
 * for a generic operand type (`(s: S) => …`) fits `BranchArgs<[S]>`.
 */
export type Branch<Ops extends readonly unknown[], R> = { branch(...ops: BranchArgs<Ops>): R }["branch"];

/** lax.switch: `branches[clamp(index, 0, n - 1)](...operands)`. */
export function switch_<R, Ops extends unknown[] = unknown[]>(index: Value | number, branches: readonly Branch<NoInfer<Ops>, R>[], ...operands: Ops): R {
  if (!branches.length) throw new TypeError("switch: needs at least one branch");
  if (!branches.every((b) => typeof b === "function")) throw new TypeError("switch: branches must be an array of functions");
  let idx = toIndex("switch", index);
  if (idx.dtype === "bool" || !/int/.test(idx.dtype)) throw new TypeError(`switch: the index must have an integer dtype, got ${idx.aval}`);
  if (branches.length === 1) return branches[0]!(...(operands as BranchArgs<Ops>));
  if (idx.dtype !== "int32") idx = convertLax.convertElementType(idx, "int32");
  return applyBranches("switch", idx, branches, operands, branches.map((_, i) => `branch ${i}`)) as R;
}

/** lax.cond: `pred ? trueFn(...operands) : falseFn(...operands)`; pred a bool (or number) scalar. */
export function cond<R, Ops extends unknown[] = unknown[]>(pred: Value | boolean | number, trueFn: Branch<NoInfer<Ops>, R>, falseFn: Branch<NoInfer<Ops>, R>, ...operands: Ops): R {
  if (typeof trueFn !== "function" || typeof falseFn !== "function") throw new TypeError("cond: trueFn and falseFn must be functions");
  if (pred === null || pred === undefined) throw new TypeError("cond: the predicate is " + String(pred));
  let p: Value;
  if (typeof pred === "boolean" || typeof pred === "number") p = scalarArray(Boolean(pred) ? 1 : 0, "bool");
  else if (pred instanceof Value) {
    if (pred.ndim !== 0) throw new TypeError(`cond: the predicate must be a scalar, got ${pred.aval}`);
    p = pred;
    if (p.dtype !== "bool") {
      // Numbers count as true when nonzero, as in JAX.
      const zero = new Array(p.aval.withWeak(false), { host: fromNumbers([0], [], p.dtype).data });
      p = bind1(ne, [p.weakType ? convertLax.convertElementType(p, p.dtype, false) : p, zero]);
    }
  } else throw new TypeError(`cond: the predicate must be a bool scalar, got ${typeof pred}`);
  // cond(pred, t, f) = switch(pred, [f, t]): false picks branch 0.
  const index = convertLax.convertElementType(p, "int32");
  return applyBranches("cond", index, [falseFn, trueFn], operands, ["falseFn", "trueFn"]) as R;
}
