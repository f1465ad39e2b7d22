// scan: a loop over the leading axis of `xs` threading a carry, its body traced once.
// Operands are (consts..., carry init..., xs...); the body maps (consts, carry, x rows) to
// (carry, y rows); the results are the final carry and the ys stacked along a new axis.
import { ShapedArray, shapeEq } from "../../core/aval.js";
import { definePrimitive, primError } from "../../core/primitive.js";
import { bind, closeOver, traceFlat } from "../../core/trace.js";
import { Jaxpr } from "../../core/ir.js";
import { tensorType as tensorTypeOf, type LowerCtx } from "../../core/lowering.js";
import { evalJaxprRef } from "../../core/ref.js";
import type { HostArray } from "../../core/host.js";
import { Value } from "../../core/values.js";
import { flatten, unflatten, type TreeDef } from "../../pytree/index.js";
import { copyTyped, newHost } from "../util.js";
import { I32, i32, i32Less, i32Op, indexRow, updateRow } from "./hlo.js";
import { avalDiff, intern, leafName, leafValue, matchWeak, promoteWeakCarry } from "./common.js";
import { convertLax } from "../convert.js";

export interface ScanParams {
  jaxpr: Jaxpr;
  numConsts: number;
  numCarry: number;
  length: number;
  reverse: boolean;
  /** Body steps per while-loop trip (1: a plain loop; >= length: fully unrolled). */
  unroll: number;
}

function split<T>(xs: readonly T[], a: number, b: number): [T[], T[], T[]] {
  return [xs.slice(0, a), xs.slice(a, a + b), xs.slice(a + b)];
}

export const scanP = definePrimitive<ScanParams>({
  name: "scan",
  abstractEval(avals, { jaxpr, numConsts, numCarry, length }) {
    const bodyIn = jaxpr.inAvals;
    const bodyOut = jaxpr.outAvals;
    if (!Number.isInteger(length) || length < 0) throw primError("scan", `length must be a non-negative integer, got ${length}`);
    if (avals.length !== bodyIn.length)
      throw primError("scan", `the body takes ${bodyIn.length} inputs (consts, carry, x rows) but ${avals.length} operands were given`);
    if (bodyOut.length < numCarry) throw primError("scan", `the body returns ${bodyOut.length} values, fewer than the ${numCarry} carry values`);
    avals.forEach((a, i) => {
      const b = bodyIn[i]!;
      if (i < numConsts + numCarry) {
        if (!a.strongEquals(b))
          throw primError("scan", `${i < numConsts ? "const" : "carry"} operand ${i} is ${a} but the body takes ${b}${avalDiff(a, b)}`);
      } else if (a.ndim === 0 || a.shape[0] !== length || !shapeEq(a.shape.slice(1), b.shape) || a.dtype !== b.dtype)
        throw primError("scan", `xs operand ${i} is ${a} but the body takes rows ${b} and length is ${length}`);
    });
    const carryIn = avals.slice(numConsts, numConsts + numCarry);
    carryIn.forEach((a, k) => {
      const o = bodyOut[k]!;
      if (!a.strongEquals(o)) throw primError("scan", `carry ${k}: the body takes ${a} but returns ${o}${avalDiff(a, o)}`);
    });
    const carryOut = carryIn.map((a, k) => a.withWeak(a.weakType && bodyOut[k]!.weakType));
    const ys = bodyOut.slice(numCarry).map((y) => new ShapedArray([length, ...y.shape], y.dtype, y.weakType));
    return [...carryOut, ...ys];
  },
  lower: lowerScan,
  ref(inputs, { jaxpr, numConsts, numCarry, length, reverse }, outAvals) {
    const [consts, init, xs] = split(inputs, numConsts, numCarry);
    const xAvals = jaxpr.inAvals.slice(numConsts + numCarry);
    const ys = outAvals.slice(numCarry).map(newHost);
    let carry = init;
    for (let t = 0; t < length; t++) {
      const i = reverse ? length - 1 - t : t;
      const rows = xs.map((x, k) => {
        const n = xAvals[k]!.size;
        return { aval: xAvals[k]!, data: x.data.subarray(i * n, (i + 1) * n) } as HostArray;
      });
      const outs = evalJaxprRef(jaxpr, [], [...consts, ...carry, ...rows]);
      carry = outs.slice(0, numCarry);
      outs.slice(numCarry).forEach((y, k) => {
        const n = y.aval.size;
        (ys[k]!.data as Float64Array).set(y.data as Float64Array, i * n);
      });
    }
    // Results must not alias the inputs (or each other), whatever the body forwarded.
    return [...carry.map((c, k) => ({ aval: outAvals[k]!, data: copyTyped(c.data) })), ...ys];
  },
});

function lowerScan(ctx: LowerCtx, ins: string[], inAvals: ShapedArray[], outAvals: ShapedArray[], p: ScanParams): string[] {
  const { jaxpr, numConsts, numCarry, length, reverse } = p;
  const [consts, init, xs] = split(ins, numConsts, numCarry);
  const [constAvals, carryAvals, xsAvals] = split(inAvals, numConsts, numCarry);
  const ysAvals = outAvals.slice(numCarry);
  const ys0 = ysAvals.map((a) => ctx.constant(0, a));
  if (length === 0) return [...init, ...ys0];

  // One body step at step number `t` (i32 scalar): reads x rows, writes y rows.
  const step = (t: string, cs: string[], xv: string[], carry: string[], ys: string[]): [string[], string[]] => {
    const idx = reverse ? i32Op(ctx, "subtract", i32(ctx, length - 1), t) : t;
    const rows = xv.map((x, k) => indexRow(ctx, x, xsAvals[k]!, idx));
    const outs = ctx.inline(jaxpr, [...cs, ...carry, ...rows]);
    const newYs = ys.map((acc, k) => updateRow(ctx, acc, ysAvals[k]!, outs[numCarry + k]!, idx));
    return [outs.slice(0, numCarry), newYs];
  };

  const k = Math.max(1, Math.min(p.unroll, length));
  const trips = k >= length ? 0 : Math.floor(length / k);
  let carry = init;
  let ys = ys0;
  if (trips > 0) {
    // while (t < trips*k) { k steps; t += k }, everything passed explicitly through the loop.
    const state = [i32(ctx, 0), ...consts, ...xs, ...carry, ...ys];
    const stateAvals = [I32, ...constAvals, ...xsAvals, ...carryAvals, ...ysAvals];
    const nc = consts.length;
    const nx = xs.length;
    const cond = ctx.block(stateAvals, [new ShapedArray([], "bool")], ([t]) => [i32Less(ctx, t!, i32(ctx, trips * k))]);
    const body = ctx.block(stateAvals, stateAvals, (args) => {
      const t = args[0]!;
      const cs = args.slice(1, 1 + nc);
      const xv = args.slice(1 + nc, 1 + nc + nx);
      let c = args.slice(1 + nc + nx, 1 + nc + nx + numCarry);
      let y = args.slice(1 + nc + nx + numCarry);
      for (let m = 0; m < k; m++) [c, y] = step(m === 0 ? t : i32Op(ctx, "add", t, i32(ctx, m)), cs, xv, c, y);
      return [i32Op(ctx, "add", t, i32(ctx, k)), ...cs, ...xv, ...c, ...y];
    });
    const types = stateAvals.map((a) => tensorTypeOf(a));
    const res = ctx.op("stablehlo.while", state, types, types, { regions: [cond, body] });
    carry = res.slice(1 + nc + nx, 1 + nc + nx + numCarry);
    ys = res.slice(1 + nc + nx + numCarry);
  }
  // Steps left over (all of them when fully unrolled), with constant step numbers.
  for (let t = trips * k; t < length; t++) [carry, ys] = step(i32(ctx, t), consts, xs, carry, ys);
  return [...carry, ...ys];
}

// --- the lax face ---------------------------------------------------------------------------

export interface ScanOptions {
  /** Number of steps; required when `xs` is null, else must match the leading axis of xs. */
  length?: number;
  /** Iterate from the last row to the first (ys keep their positions). */
  reverse?: boolean;
  /** Body steps emitted per loop trip (true: fully unrolled). Changes speed, not results. */
  unroll?: number | boolean;
}

/**
 * lax.scan: `f(carry, x) -> [carry, y]` over the leading axis of every leaf of `xs`;
 * returns `[finalCarry, ys]` with the ys stacked along a new leading axis.
 */
export function scan<C, X, Y>(f: (carry: C, x: X) => [C, Y] | readonly [C, Y], init: C, xs: X, opts: ScanOptions = {}): [C, Y] {
  const [initLeaves, carryTree] = flatten(init);
  let initVals = initLeaves.map((l, i) => leafValue(l, "scan", `the init leaf ${leafName("init", carryTree, i)}`));
  const [xsLeaves, xsTree] = flatten(xs);
  const xsVals = xsLeaves.map((l, i) => {
    const name = leafName("xs", xsTree, i);
    if (!(l instanceof Value)) throw new TypeError(`scan: ${name} is ${typeof l === "number" ? "a number" : String(l)}; xs leaves must be arrays with a leading axis to scan over`);
    if (l.ndim === 0) throw new TypeError(`scan: ${name} is a scalar (${l.aval}); xs leaves need a leading axis to scan over`);
    return l;
  });
  const length = scanLength(xsVals, xsTree, opts.length);
  const unroll = opts.unroll === true ? Math.max(1, length) : opts.unroll === false || opts.unroll === undefined ? 1 : opts.unroll;
  if (!Number.isInteger(unroll) || unroll < 1) throw new TypeError(`scan: unroll must be a positive integer or a boolean, got ${String(opts.unroll)}`);
  const xAvals = xsVals.map((x) => new ShapedArray(x.shape.slice(1), x.dtype, x.weakType));
  const nCarry = initVals.length;

  let yTree: TreeDef | undefined;
  const trace = (carryAvals: ShapedArray[]) =>
    traceFlat(
      (...args) => {
        const carry = unflatten(carryTree, args.slice(0, nCarry)) as C;
        const x = unflatten(xsTree, args.slice(nCarry)) as X;
        const res = f(carry, x);
        if (!globalThis.Array.isArray(res) || res.length !== 2)
          throw new TypeError(`scan: the body function must return a pair [carry, y], got ${res === null ? "null" : typeof res}`);
        const [cLeaves, cTree] = flatten(res[0]);
        if (!cTree.equals(carryTree))
          throw new TypeError(
            `scan: the body function's carry output must have the same tree structure as the carry input: the input is ${carryTree} but the output is ${cTree}`,
          );
        const [yLeaves, yt] = flatten(res[1]);
        yTree = yt;
        const c = matchWeak(cLeaves as (Value | number)[], carryAvals, "scan", (i) => `the carry output leaf ${leafName("carry", carryTree, i)}`);
        const y = yLeaves.map((l, i) => leafValue(l, "scan", `the y output leaf ${leafName("y", yt, i)}`));
        return [...c, ...y];
      },
      [...carryAvals, ...xAvals],
      "scan",
    );

  let traced = trace(initVals.map((v) => v.aval));
  // A weakly typed init (a JS number) adopts the type the body gives it, as JAX does; retrace.
  for (let round = 0; round < 2; round++) {
    const outs = traced.jaxpr.outAvals;
    let changed = false;
    initVals = initVals.map((v, k) => {
      const p = promoteWeakCarry(v.aval, outs[k]!);
      if (!p) return v;
      changed = true;
      return convertLax.convertElementType(v, p.dtype, p.weakType);
    });
    if (!changed) break;
    traced = trace(initVals.map((v) => v.aval));
  }
  checkCarry("scan", carryTree, initVals.map((v) => v.aval), traced.jaxpr.outAvals);

  const { jaxpr, consts } = closeOver(traced);
  const params: ScanParams = { jaxpr: intern(jaxpr), numConsts: consts.length, numCarry: nCarry, length, reverse: !!opts.reverse, unroll };
  const outs = bind(scanP, [...consts, ...initVals, ...xsVals], params);
  return [unflatten(carryTree, outs.slice(0, nCarry)) as C, unflatten(yTree!, outs.slice(nCarry)) as Y];
}

function scanLength(xs: Value[], tree: TreeDef, length: number | undefined): number {
  if (length !== undefined && (!Number.isInteger(length) || length < 0))
    throw new TypeError(`scan: length must be a non-negative integer, got ${String(length)}`);
  const lens = [...new Set(xs.map((x) => x.shape[0]!))];
  if (lens.length > 1)
    throw new TypeError(
      `scan: the xs leaves have different leading axis sizes: ${xs.map((x, i) => `${leafName("xs", tree, i)} has ${x.shape[0]}`).join(", ")}`,
    );
  if (lens.length === 0) {
    if (length === undefined) throw new TypeError("scan: xs has no leaves to scan over, so the `length` option is required");
    return length;
  }
  if (length !== undefined && length !== lens[0])
    throw new TypeError(`scan: the length option (${length}) disagrees with the leading axis size of xs (${lens[0]})`);
  return lens[0]!;
}

/** The clear error for a carry whose body output differs from its input (after weak promotion). */
export function checkCarry(fn: string, tree: TreeDef, ins: readonly ShapedArray[], outs: readonly ShapedArray[]): void {
  const bad = ins.map((a, i) => [i, a, outs[i]!] as const).filter(([, a, b]) => !a.strongEquals(b));
  if (!bad.length) return;
  const lines = bad.map(([i, a, b]) => `${leafName("carry", tree, i)} is ${a} on input but ${b} on output${avalDiff(a, b)}`);
  throw new TypeError(
    `${fn}: the body function's carry output must have the same shapes and dtypes as its carry input, but ${lines.join("; ")}. ` +
      `Make the body return carry values of the input's types (convert or reshape them).`,
  );
}
