// VJP and batching rules of the elementwise, convert and misc families. Rules are written with
// the family's own primitives, so they are differentiable and batchable in turn.
import { defineRules, type Primitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { fullLike, zerosLike } from "../core/ad.js";
import { batchToFront } from "../core/batching.js";
import type { Value } from "../core/values.js";
import { isFloatDtype } from "../core/aval.js";
import * as E from "./elementwise.js";
import { convert, bitcast } from "./convert.js";
import { stopGradientP } from "./misc.js";

const add = (a: Value, b: Value) => bind1(E.add, [a, b]);
const sub = (a: Value, b: Value) => bind1(E.sub, [a, b]);
const mul = (a: Value, b: Value) => bind1(E.mul, [a, b]);
const div = (a: Value, b: Value) => bind1(E.div, [a, b]);
const neg = (a: Value) => bind1(E.neg, [a]);
const select = (p: Value, t: Value, f: Value) => bind1(E.select, [p, t, f]);
const c = (like: Value, v: number) => fullLike(like.aval, v);
const zeros = (like: Value) => zerosLike(like.aval);
const cmp = (p: Primitive, a: Value, b: Value) => bind1(p, [a, b]);

/** Elementwise ops batch by aligning every operand's batch axis at the front. */
export function elementwiseBatch(prim: Primitive) {
  return (args: readonly Value[], dims: readonly (number | null)[], params: object): [Value[], (number | null)[]] => {
    const k = dims.findIndex((d) => d !== null);
    const size = args[k]!.shape[dims[k]!]!;
    if (dims.every((d) => d === dims[k]) && dims[k] === 0) return [[bind1(prim, args, params)], [0]];
    const moved = args.map((x, i) => batchToFront(x, dims[i]!, size));
    return [[bind1(prim, moved, params)], [0]];
  };
}

type Vjp = (ct: Value, ins: readonly Value[], out: Value) => (Value | null)[];
function unaryRules(p: Primitive, vjp: Vjp | null) {
  defineRules(p, { batch: elementwiseBatch(p), vjp: vjp ? ([ct], ins, [out]) => vjp(ct!, ins, out!) : () => [null] });
}

unaryRules(E.neg, (ct) => [neg(ct)]);
unaryRules(E.abs, (ct, [x]) => [mul(ct, bind1(E.sign, [x!]))]);
for (const p of [E.sign, E.floor, E.ceil, E.round, E.isFinite, E.not, E.popcnt]) unaryRules(p, null);
unaryRules(E.exp, (ct, _x, out) => [mul(ct, out)]);
unaryRules(E.log, (ct, [x]) => [div(ct, x!)]);
unaryRules(E.log1p, (ct, [x]) => [div(ct, add(x!, c(x!, 1)))]);
unaryRules(E.expm1, (ct, _x, out) => [mul(ct, add(out, c(out, 1)))]);
unaryRules(E.sqrt, (ct, _x, out) => [div(ct, mul(out, c(out, 2)))]);
unaryRules(E.rsqrt, (ct, [x], out) => [mul(ct, mul(div(out, x!), c(out, -0.5)))]);
unaryRules(E.cbrt, (ct, _x, out) => [div(ct, mul(c(out, 3), mul(out, out)))]);
unaryRules(E.tanh, (ct, _x, out) => [mul(ct, sub(c(out, 1), mul(out, out)))]);
unaryRules(E.logistic, (ct, _x, out) => [mul(ct, mul(out, sub(c(out, 1), out)))]);
unaryRules(E.sin, (ct, [x]) => [mul(ct, bind1(E.cos, [x!]))]);
unaryRules(E.cos, (ct, [x]) => [neg(mul(ct, bind1(E.sin, [x!])))]);
unaryRules(E.tan, (ct, _x, out) => [mul(ct, add(c(out, 1), mul(out, out)))]);

type Vjp2 = (ct: Value, x: Value, y: Value, out: Value) => (Value | null)[];
function binaryRules(p: Primitive, vjp: Vjp2 | null) {
  defineRules(p, { batch: elementwiseBatch(p), vjp: vjp ? ([ct], [x, y], [out]) => vjp(ct!, x!, y!, out!) : () => [null, null] });
}

binaryRules(E.add, (ct) => [ct, ct]);
binaryRules(E.sub, (ct) => [ct, neg(ct)]);
binaryRules(E.mul, (ct, x, y) => [mul(ct, y), mul(ct, x)]);
binaryRules(E.div, (ct, _x, y, out) => [div(ct, y), neg(div(mul(ct, out), y))]);
// d/dy fmod(x, y) = -trunc(x / y)
binaryRules(E.rem, (ct, x, y) => {
  const q = div(x, y);
  return [ct, neg(mul(ct, mul(bind1(E.sign, [q]), bind1(E.floor, [bind1(E.abs, [q])]))))];
});
binaryRules(E.pow, (ct, x, y, out) => {
  // d/dx = y x^(y-1), zero where y == 0 (also at x == 0); d/dy = out log(x), zero where x == 0.
  const yZero = cmp(E.eq, y, zeros(y));
  const dx = select(yZero, zeros(x), mul(y, bind1(E.pow, [x, sub(y, c(y, 1))])));
  const xZero = cmp(E.eq, x, zeros(x));
  const safeX = select(xZero, c(x, 1), x);
  const dy = mul(out, bind1(E.log, [safeX]));
  return [mul(ct, dx), mul(ct, dy)];
});
// max/min: the cotangent goes to the chosen operand, split evenly on ties (as JAX does).
function balanced(x: Value, y: Value, out: Value): [Value, Value] {
  const xe = bind1(convert, [cmp(E.eq, x, out)], { dtype: x.dtype });
  const ye = bind1(convert, [cmp(E.eq, y, out)], { dtype: x.dtype });
  const tot = add(xe, ye);
  return [div(xe, tot), div(ye, tot)];
}
binaryRules(E.max, (ct, x, y, out) => {
  const [wx, wy] = balanced(x, y, out);
  return [mul(ct, wx), mul(ct, wy)];
});
binaryRules(E.min, (ct, x, y, out) => {
  const [wx, wy] = balanced(x, y, out);
  return [mul(ct, wx), mul(ct, wy)];
});
binaryRules(E.atan2, (ct, x, y) => {
  const den = add(mul(x, x), mul(y, y));
  return [mul(ct, div(y, den)), neg(mul(ct, div(x, den)))];
});
for (const p of [E.and, E.or, E.xor, E.shiftLeft, E.shiftRightLogical, E.shiftRightArithmetic, E.eq, E.ne, E.lt, E.le, E.gt, E.ge])
  binaryRules(p, null);

defineRules(E.select, {
  batch: elementwiseBatch(E.select),
  vjp: ([ct], [p, t]) => {
    const z = zeros(t!);
    return [null, select(p!, ct!, z), select(p!, z, ct!)];
  },
});
defineRules(E.clamp, {
  batch: elementwiseBatch(E.clamp),
  vjp: ([ct], [lo, x, hi]) => {
    const z = zeros(x!);
    const inside = bind1(E.and, [cmp(E.ge, x!, lo!), cmp(E.le, x!, hi!)]);
    return [select(cmp(E.lt, x!, lo!), ct!, z), select(inside, ct!, z), select(cmp(E.gt, x!, hi!), ct!, z)];
  },
});

defineRules(convert, {
  batch: elementwiseBatch(convert),
  vjp: ([ct], [x]) => (isFloatDtype(x!.dtype) && isFloatDtype(ct!.dtype) ? [bind1(convert, [ct!], { dtype: x!.dtype, weak: x!.weakType })] : [null]),
});
defineRules(bitcast, { batch: elementwiseBatch(bitcast), vjp: () => [null] });
defineRules(stopGradientP, { batch: elementwiseBatch(stopGradientP), vjp: () => [null] });
