// Control flow: scan, while loops, cond / switch, and forLoop built on them. Bodies are traced
// once into sub-programs and lowered to stablehlo.while / stablehlo.case.
import { ShapedArray } from "../../core/aval.js";
import { fromNumbers } from "../../core/host.js";
import { bind1 } from "../../core/trace.js";
import { Array, Value } from "../../core/values.js";
import { add, lt } from "../elementwise.js";
import { convertLax } from "../convert.js";
import { scan, scanP, type ScanOptions, type ScanParams } from "./scan.js";
import { whileLoop, whileP, type WhileParams } from "./while.js";
import { cond, condP, switch_, type CondParams } from "./cond.js";
import "./rules.js";

export { scanP, whileP, condP, type ScanOptions, type ScanParams, type WhileParams, type CondParams };

const I32 = new ShapedArray([], "int32");
const int32 = (v: number): Array => new Array(I32, { host: fromNumbers([v], [], "int32").data });

function bound(x: Value | number, which: string): Value | number {
  if (typeof x === "number") {
    if (!Number.isInteger(x)) throw new TypeError(`forLoop: the ${which} bound must be an integer, got ${x}`);
    return x;
  }
  if (!(x instanceof Value) || x.ndim !== 0 || !/int/.test(x.dtype))
    throw new TypeError(`forLoop: the ${which} bound must be an integer scalar, got ${x instanceof Value ? x.aval : typeof x}`);
  return x.dtype === "int32" && !x.weakType ? x : convertLax.convertElementType(x, "int32");
}

/**
 * lax.forLoop: `for (i = lower; i < upper; i++) carry = body(i, carry)`, with `i` an int32
 * scalar. JS-number bounds give a scan of known length (as JAX's fori_loop does for concrete
 * bounds); array bounds give a while loop.
 */
export function forLoop<C>(lower: Value | number, upper: Value | number, body: (i: Value, carry: C) => C, init: C): C {
  const lo = bound(lower, "lower");
  const hi = bound(upper, "upper");
  const one = int32(1);
  if (typeof lo === "number" && typeof hi === "number") {
    const step = ([i, c]: [Value, C]): [[Value, C], null] => [[bind1(add, [i, one]), body(i, c)], null];
    const [[, carry]] = scan(step, [int32(lo), init] as [Value, C], null, {
      length: Math.max(0, hi - lo),
    });
    return carry;
  }
  const loV = typeof lo === "number" ? int32(lo) : lo;
  const hiV = typeof hi === "number" ? int32(hi) : hi;
  const [, , carry] = whileLoop(
    ([i, h]: [Value, Value, C]) => bind1(lt, [i, h]),
    ([i, h, c]: [Value, Value, C]) => [bind1(add, [i, one]), h, body(i, c)] as [Value, Value, C],
    [loV, hiV, init] as [Value, Value, C],
  );
  return carry;
}

export const controlLax = {
  scan,
  whileLoop,
  forLoop,
  cond,
  switch: switch_,
};
