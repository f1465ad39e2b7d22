// VJP and batching rules of the elementwise, convert and misc families, one record entry per
// primitive each module exports (`RulesOf` makes a missing or misspelt entry a compile error).
// Rules are written with the family's own primitives, so they are differentiable and batchable
// in turn.
import { defineRules, type BatchRule, type NoParams, type Primitive, type Rules } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { fullLike, zerosLike } from "../core/ad.js";
import { batchToFront } from "../core/batching.js";
import type { Value } from "../core/values.js";
import { isFloatDtype } from "../core/aval.js";
import * as E from "./elementwise.js";
import * as C from "./convert.js";
import * as M from "./misc.js";

const add = (a: Value, b: Value) => bind1(E.add, [a, b]);
const sub = (a: Value, b: Value) => bind1(E.sub, [a, b]);
const mul = (a: Value, b: Value) => bind1(E.mul, [a, b]);
const div = (a: Value, b: Value) => bind1(E.div, [a, b]);
const neg = (a: Value) => bind1(E.neg, [a]);
const select = (p: Value, t: Value, f: Value) => bind1(E.select, [p, t, f]);
const c = (like: Value, v: number) => fullLike(like.aval, v);
const zeros = (like: Value) => zerosLike(like.aval);
const cmp = (p: Primitive<NoParams>, a: Value, b: Value) => bind1(p, [a, b]);

/** Elementwise ops batch by aligning every operand's batch axis at the front. */
export function elementwiseBatch<P extends object>(prim: Primitive<P>): BatchRule<P> {
  return (args, dims, params) => {
    const k = dims.findIndex((d) => d !== null);
    const size = args[k]!.shape[dims[k]!]!;
    if (dims.every((d) => d === dims[k]) && dims[k] === 0) return [[bind1(prim, args, params)], [0]];
    const moved = args.map((x, i) => batchToFront(x, dims[i]!, size));
    return [[bind1(prim, moved, params)], [0]];
  };
}

type Vjp = (ct: Value, ins: readonly Value[], out: Value) => (Value | null)[];
/** A unary op's rules; `null`: its derivative is zero (integer-valued or piecewise constant). */
function unary(p: Primitive<NoParams>, vjp: Vjp | null): Rules<NoParams> {
  return { batch: elementwiseBatch(p), vjp: vjp ? ([ct], ins, [out]) => vjp(ct!, ins, out!) : () => [null] };
}

type Vjp2 = (ct: Value, x: Value, y: Value, out: Value) => (Value | null)[];
function binary(p: Primitive<NoParams>, vjp: Vjp2 | null): Rules<NoParams> {
  return { batch: elementwiseBatch(p), vjp: vjp ? ([ct], [x, y], [out]) => vjp(ct!, x!, y!, out!) : () => [null, null] };
}

// max/min: the cotangent goes to the chosen operand, split evenly on ties (as JAX does).
function balanced(x: Value, y: Value, out: Value): [Value, Value] {
  const xe = bind1(C.convert, [cmp(E.eq, x, out)], { dtype: x.dtype });
  const ye = bind1(C.convert, [cmp(E.eq, y, out)], { dtype: x.dtype });
  const tot = add(xe, ye);
  return [div(xe, tot), div(ye, tot)];
}
const maxMinVjp: Vjp2 = (ct, x, y, out) => {
  const [wx, wy] = balanced(x, y, out);
  return [mul(ct, wx), mul(ct, wy)];
};

defineRules(E, {
  neg: unary(E.neg, (ct) => [neg(ct)]),
  abs: unary(E.abs, (ct, [x]) => [mul(ct, bind1(E.sign, [x!]))]),
  sign: unary(E.sign, null),
  floor: unary(E.floor, null),
  ceil: unary(E.ceil, null),
  round: unary(E.round, null),
  isFinite: unary(E.isFinite, null),
  not: unary(E.not, null),
  popcnt: unary(E.popcnt, null),
  exp: unary(E.exp, (ct, _x, out) => [mul(ct, out)]),
  log: unary(E.log, (ct, [x]) => [div(ct, x!)]),
  log1p: unary(E.log1p, (ct, [x]) => [div(ct, add(x!, c(x!, 1)))]),
  expm1: unary(E.expm1, (ct, _x, out) => [mul(ct, add(out, c(out, 1)))]),
  sqrt: unary(E.sqrt, (ct, _x, out) => [div(ct, mul(out, c(out, 2)))]),
  rsqrt: unary(E.rsqrt, (ct, [x], out) => [mul(ct, mul(div(out, x!), c(out, -0.5)))]),
  cbrt: unary(E.cbrt, (ct, _x, out) => [div(ct, mul(c(out, 3), mul(out, out)))]),
  tanh: unary(E.tanh, (ct, _x, out) => [mul(ct, sub(c(out, 1), mul(out, out)))]),
  logistic: unary(E.logistic, (ct, _x, out) => [mul(ct, mul(out, sub(c(out, 1), out)))]),
  sin: unary(E.sin, (ct, [x]) => [mul(ct, bind1(E.cos, [x!]))]),
  cos: unary(E.cos, (ct, [x]) => [neg(mul(ct, bind1(E.sin, [x!])))]),
  tan: unary(E.tan, (ct, _x, out) => [mul(ct, add(c(out, 1), mul(out, out)))]),

  add: binary(E.add, (ct) => [ct, ct]),
  sub: binary(E.sub, (ct) => [ct, neg(ct)]),
  mul: binary(E.mul, (ct, x, y) => [mul(ct, y), mul(ct, x)]),
  div: binary(E.div, (ct, _x, y, out) => [div(ct, y), neg(div(mul(ct, out), y))]),
  // d/dy fmod(x, y) = -trunc(x / y)
  rem: binary(E.rem, (ct, x, y) => {
    const q = div(x, y);
    return [ct, neg(mul(ct, mul(bind1(E.sign, [q]), bind1(E.floor, [bind1(E.abs, [q])]))))];
  }),
  pow: binary(E.pow, (ct, x, y, out) => {
    // d/dx = y x^(y-1), zero where y == 0 (also at x == 0); d/dy = out log(x), zero where x == 0.
    const yZero = cmp(E.eq, y, zeros(y));
    const dx = select(yZero, zeros(x), mul(y, bind1(E.pow, [x, sub(y, c(y, 1))])));
    const xZero = cmp(E.eq, x, zeros(x));
    const safeX = select(xZero, c(x, 1), x);
    const dy = mul(out, bind1(E.log, [safeX]));
    return [mul(ct, dx), mul(ct, dy)];
  }),
  max: binary(E.max, maxMinVjp),
  min: binary(E.min, maxMinVjp),
  atan2: binary(E.atan2, (ct, x, y) => {
    const den = add(mul(x, x), mul(y, y));
    return [mul(ct, div(y, den)), neg(mul(ct, div(x, den)))];
  }),
  and: binary(E.and, null),
  or: binary(E.or, null),
  xor: binary(E.xor, null),
  shiftLeft: binary(E.shiftLeft, null),
  shiftRightLogical: binary(E.shiftRightLogical, null),
  shiftRightArithmetic: binary(E.shiftRightArithmetic, null),
  eq: binary(E.eq, null),
  ne: binary(E.ne, null),
  lt: binary(E.lt, null),
  le: binary(E.le, null),
  gt: binary(E.gt, null),
  ge: binary(E.ge, null),

  select: {
    batch: elementwiseBatch(E.select),
    vjp: ([ct], [p, t]) => {
      const z = zeros(t!);
      return [null, select(p!, ct!, z), select(p!, z, ct!)];
    },
  },
  clamp: {
    batch: elementwiseBatch(E.clamp),
    vjp: ([ct], [lo, x, hi]) => {
      const z = zeros(x!);
      const inside = bind1(E.and, [cmp(E.ge, x!, lo!), cmp(E.le, x!, hi!)]);
      return [select(cmp(E.lt, x!, lo!), ct!, z), select(inside, ct!, z), select(cmp(E.gt, x!, hi!), ct!, z)];
    },
  },
});

defineRules(C, {
  convert: {
    batch: elementwiseBatch(C.convert),
    vjp: ([ct], [x]) => (isFloatDtype(x!.dtype) && isFloatDtype(ct!.dtype) ? [bind1(C.convert, [ct!], { dtype: x!.dtype, weak: x!.weakType })] : [null]),
  },
  bitcast: { batch: elementwiseBatch(C.bitcast), vjp: () => [null] },
});

defineRules(M, { stopGradientP: { batch: elementwiseBatch(M.stopGradientP), vjp: () => [null] } });
