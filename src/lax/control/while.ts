// while: repeat a body while a predicate holds; both traced once. Operands are
// (cond consts..., body consts..., carry...); the result is the final carry.
import { ShapedArray } from "../../core/aval.js";
import { definePrimitive, primError } from "../../core/primitive.js";
import { bind, closeOver, traceFlat } from "../../core/trace.js";
import { Jaxpr } from "../../core/ir.js";
import { tensorType } from "../../core/lowering.js";
import { evalJaxprRef } from "../../core/ref.js";
import { Value } from "../../core/values.js";
import { flatten, unflatten } from "../../pytree/index.js";
import { copyTyped } from "../util.js";
import { avalDiff, intern, leafName, leafValue, matchWeak, promoteWeakCarry } from "./common.js";
import { checkCarry } from "./scan.js";
import { convertLax } from "../convert.js";

export interface WhileParams {
  condJaxpr: Jaxpr;
  bodyJaxpr: Jaxpr;
  condNConsts: number;
  bodyNConsts: number;
}

export const whileP = definePrimitive<WhileParams>({
  name: "while",
  abstractEval(avals, { condJaxpr, bodyJaxpr, condNConsts, bodyNConsts }) {
    const nCarry = avals.length - condNConsts - bodyNConsts;
    if (nCarry < 0 || condJaxpr.invars.length !== condNConsts + nCarry || bodyJaxpr.invars.length !== bodyNConsts + nCarry)
      throw primError("while", `operand count ${avals.length} does not fit the cond (${condJaxpr.invars.length} inputs) and body (${bodyJaxpr.invars.length} inputs)`);
    const carry = avals.slice(condNConsts + bodyNConsts);
    const check = (j: Jaxpr, ops: ShapedArray[], what: string) =>
      ops.forEach((a, i) => {
        const b = j.inAvals[i]!;
        if (!a.strongEquals(b)) throw primError("while", `${what} input ${i} is given ${a} but takes ${b}${avalDiff(a, b)}`);
      });
    check(condJaxpr, [...avals.slice(0, condNConsts), ...carry], "the cond function's");
    check(bodyJaxpr, avals.slice(condNConsts), "the body function's");
    const pred = condJaxpr.outAvals;
    if (pred.length !== 1 || pred[0]!.dtype !== "bool" || pred[0]!.ndim !== 0)
      throw primError("while", `the cond function must return one bool scalar, got (${pred.join(", ")})`);
    const outs = bodyJaxpr.outAvals;
    if (outs.length !== nCarry) throw primError("while", `the body returns ${outs.length} values for a carry of ${nCarry}`);
    carry.forEach((a, k) => {
      if (!a.strongEquals(outs[k]!)) throw primError("while", `carry ${k}: the body takes ${a} but returns ${outs[k]}${avalDiff(a, outs[k]!)}`);
    });
    return carry.map((a, k) => a.withWeak(a.weakType && outs[k]!.weakType));
  },
  lower(ctx, ins, inAvals, outAvals, { condJaxpr, bodyJaxpr, condNConsts, bodyNConsts }) {
    const nk = condNConsts + bodyNConsts;
    const types = inAvals.map(tensorType);
    const cond = ctx.block(inAvals, [new ShapedArray([], "bool")], (a) => ctx.inline(condJaxpr, [...a.slice(0, condNConsts), ...a.slice(nk)]));
    const body = ctx.block(inAvals, inAvals, (a) => [...a.slice(0, nk), ...ctx.inline(bodyJaxpr, a.slice(condNConsts))]);
    void outAvals;
    return ctx.op("stablehlo.while", ins, types, types, { regions: [cond, body] }).slice(nk);
  },
  ref(inputs, { condJaxpr, bodyJaxpr, condNConsts, bodyNConsts }, outAvals) {
    const cc = inputs.slice(0, condNConsts);
    const bc = inputs.slice(condNConsts, condNConsts + bodyNConsts);
    let carry = inputs.slice(condNConsts + bodyNConsts);
    while (evalJaxprRef(condJaxpr, [], [...cc, ...carry])[0]!.data[0]) carry = evalJaxprRef(bodyJaxpr, [], [...bc, ...carry]);
    return carry.map((c, k) => ({ aval: outAvals[k]!, data: copyTyped(c.data) }));
  },
});

/** lax.whileLoop: `while (condFn(carry)) carry = bodyFn(carry)`; returns the final carry. */
export function whileLoop<C>(condFn: (carry: C) => Value | boolean, bodyFn: (carry: C) => C, init: C): C {
  const [initLeaves, tree] = flatten(init);
  let initVals = initLeaves.map((l, i) => leafValue(l, "whileLoop", `the init leaf ${leafName("init", tree, i)}`));
  const traceBody = (avals: ShapedArray[]) =>
    traceFlat(
      (...args) => {
        const out = bodyFn(unflatten(tree, args) as C);
        const [leaves, t] = flatten(out);
        if (!t.equals(tree))
          throw new TypeError(
            `whileLoop: the body function's carry output must have the same tree structure as the carry input: the input is ${tree} but the output is ${t}`,
          );
        return matchWeak(leaves as (Value | number)[], avals, "whileLoop", (i) => `the carry output leaf ${leafName("carry", tree, i)}`);
      },
      avals,
      "whileLoop body",
    );
  let body = traceBody(initVals.map((v) => v.aval));
  for (let round = 0; round < 2; round++) {
    let changed = false;
    initVals = initVals.map((v, k) => {
      const p = promoteWeakCarry(v.aval, body.jaxpr.outAvals[k]!);
      if (!p) return v;
      changed = true;
      return convertLax.convertElementType(v, p.dtype, p.weakType);
    });
    if (!changed) break;
    body = traceBody(initVals.map((v) => v.aval));
  }
  checkCarry("whileLoop", tree, initVals.map((v) => v.aval), body.jaxpr.outAvals);
  const cond = traceFlat(
    (...args) => {
      const r = condFn(unflatten(tree, args) as C);
      const leaves = typeof r === "boolean" ? [r] : flatten(r)[0];
      const p = leaves[0];
      if (leaves.length !== 1 || !(p instanceof Value || typeof p === "boolean") || (p instanceof Value && (p.dtype !== "bool" || p.ndim !== 0)))
        throw new TypeError(`whileLoop: the cond function must return a bool scalar, got ${p instanceof Value ? p.aval : leaves.length === 1 ? typeof p : `${leaves.length} leaves`}`);
      return [p as Value | boolean];
    },
    initVals.map((v) => v.aval),
    "whileLoop cond",
  );
  const c = closeOver(cond);
  const b = closeOver(body);
  const params: WhileParams = { condJaxpr: intern(c.jaxpr), bodyJaxpr: intern(b.jaxpr), condNConsts: c.consts.length, bodyNConsts: b.consts.length };
  return unflatten(tree, bind(whileP, [...c.consts, ...b.consts, ...initVals], params)) as C;
}
