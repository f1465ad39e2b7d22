// Elementwise numpy functions: promotion and broadcasting (broadcast.ts), then lax.
// Semantics follow jax.numpy (floor division / remainder with numpy's signs, NaN-propagating
// maximum / minimum, XLA's integer division by zero) and jax.nn for the activations.
import { Value } from "../core/values.js";
import { lax } from "../lax/index.js";
import type { DType } from "../xla/dtype.js";
import { asArray, scalar, type ArrayLike } from "./creation.js";
import { broadcastShapes, broadcastTo, dtypeW, prepare, promotable, promote } from "./broadcast.js";
import { checkDType, isFloatDtype, isIntDtype, isUnsignedDtype, resultTypeW, toInexact, type DTypeW } from "./dtypes.js";

/** A scalar constant broadcast to x's shape, in x's dtype and weak flag. */
export function constLike(x: Value, v: number | bigint): Value {
  return lax.broadcastInDim(scalar(v, x.dtype, x.weakType), x.shape, []);
}

/** The float dtype (and weak flag) a function of these inputs computes in. */
function inexactOf(xs: readonly ArrayLike[]): DTypeW {
  return toInexact(resultTypeW(...xs.map(promotable)));
}

function binary(fn: string, op: (a: Value, b: Value) => Value) {
  return (x: ArrayLike, y: ArrayLike): Value => {
    const [a, b] = prepare(fn, [x, y]);
    return op(a!, b!);
  };
}

/** A unary function on floats: integer and bool inputs are promoted to a float first. */
function unaryFloat(fn: string, op: (a: Value) => Value) {
  return (x: ArrayLike): Value => {
    const a = asArray(x);
    const t = toInexact(dtypeW(a));
    return op(lax.convertElementType(a, t.dtype, t.weak));
  };
}

/** A unary function that is the identity on integers and bools (floor, ceil, trunc...). */
function unaryRound(op: (a: Value) => Value) {
  return (x: ArrayLike): Value => {
    const a = asArray(x);
    return isFloatDtype(a.dtype) ? op(a) : a;
  };
}

function noBool(fn: string, a: Value, what = "a numeric (non-bool) dtype"): void {
  if (a.dtype === "bool") throw new TypeError(`${fn}: needs ${what}, got ${a.aval}`);
}

// --- arithmetic ---------------------------------------------------------------------------

export const add = binary("add", lax.add);
export const subtract = binary("subtract", (a, b) => {
  noBool("subtract", a, "numeric operands (for bools use logicalXor)");
  return lax.sub(a, b);
});
export const multiply = binary("multiply", lax.mul);

/** True division: integer and bool inputs give floats (jnp.divide / jnp.true_divide). */
export function divide(x: ArrayLike, y: ArrayLike): Value {
  const [a, b] = prepare("divide", [x, y], inexactOf([x, y]));
  return lax.div(a!, b!);
}
export const trueDivide = divide;

function floatDivmod(a: Value, b: Value): [Value, Value] {
  // CPython's float_divmod, as jnp does it.
  const zero = constLike(a, 0);
  let mod = lax.rem(a, b);
  let div = lax.div(lax.sub(a, mod), b);
  const ind = lax.bitwiseAnd(lax.ne(mod, zero), lax.ne(lax.sign(b), lax.sign(mod)));
  mod = lax.select(ind, lax.add(mod, b), mod);
  div = lax.select(ind, lax.sub(div, constLike(div, 1)), div);
  return [lax.round(div), mod];
}

function floorDiv(a: Value, b: Value): Value {
  if (isUnsignedDtype(a.dtype)) return lax.div(a, b);
  if (isIntDtype(a.dtype)) {
    const q = lax.div(a, b);
    const fix = lax.bitwiseAnd(lax.ne(lax.sign(a), lax.sign(b)), lax.ne(lax.rem(a, b), constLike(a, 0)));
    return lax.select(fix, lax.sub(q, constLike(q, 1)), q);
  }
  return floatDivmod(a, b)[0];
}

function floorMod(a: Value, b: Value): Value {
  const zero = constLike(a, 0);
  // Integer x % 0 is 0 in jnp (the divisor is replaced by 1).
  const bb = isIntDtype(b.dtype) ? lax.select(lax.eq(b, zero), constLike(b, 1), b) : b;
  const r = lax.rem(a, bb);
  const plus = lax.bitwiseAnd(lax.ne(lax.lt(r, zero), lax.lt(bb, zero)), lax.ne(r, zero));
  return lax.select(plus, lax.add(r, bb), r);
}

/** Floor division (rounds toward -inf), numpy's `//`. */
export const floorDivide = binary("floorDivide", (a, b) => {
  noBool("floorDivide", a);
  return floorDiv(a, b);
});
/** Remainder with the sign of the divisor (numpy's `%`, Python's mod). */
export const remainder = binary("remainder", (a, b) => {
  noBool("remainder", a);
  return floorMod(a, b);
});
export const mod = remainder;
/** [floorDivide(x, y), remainder(x, y)]. */
export function divmod(x: ArrayLike, y: ArrayLike): [Value, Value] {
  const [a, b] = prepare("divmod", [x, y]);
  noBool("divmod", a!);
  if (isFloatDtype(a!.dtype)) return floatDivmod(a!, b!);
  return [floorDiv(a!, b!), floorMod(a!, b!)];
}
/** Remainder with the sign of the dividend (C fmod). */
export const fmod = binary("fmod", (a, b) => {
  noBool("fmod", a);
  const bb = isIntDtype(b.dtype) ? lax.select(lax.eq(b, constLike(b, 0)), constLike(b, 1), b) : b;
  return lax.rem(a, bb);
});

/** x ** n for a JS integer n by repeated squaring (jax.lax.integer_pow). */
export function integerPow(x: Value, n: number): Value {
  if (n === 0) return constLike(x, 1);
  let base = x;
  let e = Math.abs(n);
  let acc: Value | undefined;
  while (e > 0) {
    if (e & 1) acc = acc ? lax.mul(acc, base) : base;
    e = Math.floor(e / 2);
    if (e > 0) base = lax.mul(base, base);
  }
  return n < 0 ? lax.div(constLike(x, 1), acc!) : acc!;
}

/** x ** y. A JS integer exponent uses repeated multiplication and keeps x's dtype, as in jnp. */
export function power(x: ArrayLike, y: ArrayLike): Value {
  if (typeof y === "number" && Number.isInteger(y) && Math.abs(y) <= 2 ** 16) {
    const a = asArray(x);
    noBool("power", a);
    if (y < 0 && !isFloatDtype(a.dtype)) throw new TypeError(`power: integers cannot be raised to a negative power (${y})`);
    return integerPow(a, y);
  }
  const [a, b] = prepare("power", [x, y]);
  noBool("power", a!);
  return lax.pow(a!, b!);
}
export const pow = power;

export function negative(x: ArrayLike): Value {
  const a = asArray(x);
  noBool("negative", a, "a numeric dtype (for bools use logicalNot)");
  return lax.neg(a);
}
export function positive(x: ArrayLike): Value {
  return asArray(x);
}
export function abs(x: ArrayLike): Value {
  const a = asArray(x);
  return a.dtype === "bool" || isUnsignedDtype(a.dtype) ? a : lax.abs(a);
}
export const absolute = abs;
export function sign(x: ArrayLike): Value {
  const a = asArray(x);
  return a.dtype === "bool" ? a : isUnsignedDtype(a.dtype) ? lax.convertElementType(lax.ne(a, constLike(a, 0)), a.dtype, a.weakType) : lax.sign(a);
}
export function square(x: ArrayLike): Value {
  const a = asArray(x);
  return integerPow(a, 2);
}
/** 1 / x (integer division for integer inputs, as jnp.reciprocal). */
export function reciprocal(x: ArrayLike): Value {
  const a = asArray(x);
  noBool("reciprocal", a);
  return lax.div(constLike(a, 1), a);
}

export const maximum = binary("maximum", lax.max);
export const minimum = binary("minimum", lax.min);

// --- transcendental -----------------------------------------------------------------------

export const exp = unaryFloat("exp", lax.exp);
export const log = unaryFloat("log", lax.log);
export const log1p = unaryFloat("log1p", lax.log1p);
export const expm1 = unaryFloat("expm1", lax.expm1);
export const sqrt = unaryFloat("sqrt", lax.sqrt);
export const rsqrt = unaryFloat("rsqrt", lax.rsqrt);
export const cbrt = unaryFloat("cbrt", lax.cbrt);
export const sin = unaryFloat("sin", lax.sin);
export const cos = unaryFloat("cos", lax.cos);
export const tan = unaryFloat("tan", lax.tan);
export const tanh = unaryFloat("tanh", lax.tanh);
export const exp2 = unaryFloat("exp2", (a) => lax.exp(lax.mul(a, constLike(a, Math.LN2))));
export const log2 = unaryFloat("log2", (a) => lax.div(lax.log(a), lax.log(constLike(a, 2))));
export const log10 = unaryFloat("log10", (a) => lax.div(lax.log(a), lax.log(constLike(a, 10))));
export const sinh = unaryFloat("sinh", (a) => lax.mul(lax.sub(lax.expm1(a), lax.expm1(lax.neg(a))), constLike(a, 0.5)));
export const cosh = unaryFloat("cosh", (a) => lax.mul(lax.add(lax.exp(a), lax.exp(lax.neg(a))), constLike(a, 0.5)));
export const arctan = unaryFloat("arctan", (a) => lax.atan2(a, constLike(a, 1)));
export const arcsin = unaryFloat("arcsin", (a) => lax.atan2(a, lax.sqrt(lax.mul(lax.sub(constLike(a, 1), a), lax.add(constLike(a, 1), a)))));
export const arccos = unaryFloat("arccos", (a) => lax.atan2(lax.sqrt(lax.mul(lax.sub(constLike(a, 1), a), lax.add(constLike(a, 1), a))), a));
export const arctanh = unaryFloat("arctanh", (a) =>
  lax.mul(lax.log1p(lax.div(lax.mul(constLike(a, 2), a), lax.sub(constLike(a, 1), a))), constLike(a, 0.5)),
);
export const arcsinh = unaryFloat("arcsinh", (a) => {
  const ax = lax.abs(a);
  const x2 = lax.mul(ax, ax);
  const inner = lax.add(ax, lax.div(x2, lax.add(constLike(a, 1), lax.sqrt(lax.add(x2, constLike(a, 1))))));
  return lax.mul(lax.sign(a), lax.log1p(inner));
});
export const arccosh = unaryFloat("arccosh", (a) => lax.log(lax.add(a, lax.sqrt(lax.mul(lax.sub(a, constLike(a, 1)), lax.add(a, constLike(a, 1)))))));

export function arctan2(y: ArrayLike, x: ArrayLike): Value {
  const [a, b] = prepare("arctan2", [y, x], inexactOf([y, x]));
  return lax.atan2(a!, b!);
}

/** Stable log(exp(x) + exp(y)). */
export function logaddexp(x: ArrayLike, y: ArrayLike): Value {
  const [a, b] = prepare("logaddexp", [x, y], inexactOf([x, y]));
  const amax = lax.max(a!, b!);
  const delta = lax.sub(a!, b!);
  const isNan = lax.ne(delta, delta); // NaN, or infinities of one sign
  return lax.select(isNan, lax.add(a!, b!), lax.add(amax, lax.log1p(lax.exp(lax.neg(lax.abs(delta))))));
}

// --- rounding -----------------------------------------------------------------------------

export const floor = unaryRound(lax.floor);
export const ceil = unaryRound(lax.ceil);
export const trunc = unaryRound((a) => lax.select(lax.lt(a, constLike(a, 0)), lax.ceil(a), lax.floor(a)));
export const fix = trunc;

/** Round half to even, at `decimals` decimal places (negative: tens, hundreds...). */
export function round(x: ArrayLike, decimals = 0): Value {
  const a = asArray(x);
  if (!Number.isInteger(decimals)) throw new TypeError(`round: decimals must be an integer, got ${decimals}`);
  if (!isFloatDtype(a.dtype)) {
    if (decimals < 0 && a.dtype !== "bool") throw new TypeError(`round: integer inputs need decimals >= 0 (as in jnp), got ${decimals}`);
    return a;
  }
  if (decimals === 0) return lax.round(a);
  const f = constLike(a, 10 ** decimals);
  return lax.div(lax.round(lax.mul(a, f)), f);
}
export const around = round;

// --- predicates and comparisons ---------------------------------------------------------

function boolLike(a: Value, v: boolean): Value {
  return lax.broadcastInDim(scalar(v, "bool"), a.shape, []);
}
export function isnan(x: ArrayLike): Value {
  const a = asArray(x);
  return isFloatDtype(a.dtype) ? lax.ne(a, a) : boolLike(a, false);
}
export function isinf(x: ArrayLike): Value {
  const a = asArray(x);
  return isFloatDtype(a.dtype) ? lax.eq(lax.abs(a), constLike(a, Infinity)) : boolLike(a, false);
}
export function isfinite(x: ArrayLike): Value {
  const a = asArray(x);
  return isFloatDtype(a.dtype) ? lax.isFinite(a) : boolLike(a, true);
}
export const isFinite = isfinite;

export const equal = binary("equal", lax.eq);
export const notEqual = binary("notEqual", lax.ne);
export const less = binary("less", lax.lt);
export const lessEqual = binary("lessEqual", lax.le);
export const greater = binary("greater", lax.gt);
export const greaterEqual = binary("greaterEqual", lax.ge);

/** |a - b| <= atol + rtol * |b| elementwise (NaNs equal only with equalNan). */
export function isclose(a: ArrayLike, b: ArrayLike, rtol = 1e-5, atol = 1e-8, equalNan = false): Value {
  const [x, y] = prepare("isclose", [a, b], inexactOf([a, b]));
  const tol = lax.add(constLike(y!, atol), lax.mul(constLike(y!, rtol), lax.abs(y!)));
  const close = lax.bitwiseOr(lax.eq(x!, y!), lax.le(lax.abs(lax.sub(x!, y!)), tol));
  if (!equalNan) return close;
  return lax.bitwiseOr(close, lax.bitwiseAnd(lax.ne(x!, x!), lax.ne(y!, y!)));
}

// --- logic and bits -----------------------------------------------------------------------

function toBool(x: ArrayLike): Value {
  const a = asArray(x);
  return a.dtype === "bool" ? a : lax.convertElementType(a, "bool");
}
function logical(fn: string, op: (a: Value, b: Value) => Value) {
  return (x: ArrayLike, y: ArrayLike): Value => {
    const [a, b] = prepare(fn, [toBool(x), toBool(y)]);
    return op(a!, b!);
  };
}
export const logicalAnd = logical("logicalAnd", lax.bitwiseAnd);
export const logicalOr = logical("logicalOr", lax.bitwiseOr);
export const logicalXor = logical("logicalXor", lax.bitwiseXor);
export function logicalNot(x: ArrayLike): Value {
  return lax.bitwiseNot(toBool(x));
}

function bitwise(fn: string, op: (a: Value, b: Value) => Value) {
  return binary(fn, (a, b) => {
    if (isFloatDtype(a.dtype)) throw new TypeError(`${fn}: needs integer or bool operands, got ${a.dtype}`);
    return op(a, b);
  });
}
export const bitwiseAnd = bitwise("bitwiseAnd", lax.bitwiseAnd);
export const bitwiseOr = bitwise("bitwiseOr", lax.bitwiseOr);
export const bitwiseXor = bitwise("bitwiseXor", lax.bitwiseXor);
export function bitwiseNot(x: ArrayLike): Value {
  const a = asArray(x);
  if (isFloatDtype(a.dtype)) throw new TypeError(`bitwiseNot: needs an integer or bool operand, got ${a.dtype}`);
  return lax.bitwiseNot(a);
}
export const invert = bitwiseNot;
export const leftShift = bitwise("leftShift", (a, b) => {
  noBool("leftShift", a, "integer operands");
  return lax.shiftLeft(a, b);
});
/** Arithmetic shift for signed integers, logical for unsigned (as numpy). */
export const rightShift = bitwise("rightShift", (a, b) => {
  noBool("rightShift", a, "integer operands");
  return isUnsignedDtype(a.dtype) ? lax.shiftRightLogical(a, b) : lax.shiftRightArithmetic(a, b);
});

// --- selection ----------------------------------------------------------------------------

/** jnp.where(cond, x, y): x where cond is true, else y (all three broadcast together). */
export function where(cond: ArrayLike, x: ArrayLike, y: ArrayLike): Value {
  if (x === undefined || y === undefined)
    throw new TypeError("where: needs both x and y (the one-argument form has a data-dependent shape, which jit cannot trace)");
  const c = toBool(cond);
  const [a, b] = promote([x, y]);
  const shape = broadcastShapes("where", c.shape, a!.shape, b!.shape);
  return lax.select(broadcastTo(c, shape, "where"), broadcastTo(a!, shape, "where"), broadcastTo(b!, shape, "where"));
}

/** jnp.clip: max(lo, min(hi, x)) with promotion; either bound may be omitted (null). */
export function clip(x: ArrayLike, min?: ArrayLike | null, max?: ArrayLike | null): Value {
  let r = asArray(x);
  if (min !== undefined && min !== null) r = maximum(min, r);
  if (max !== undefined && max !== null) r = minimum(max, r);
  return r;
}

/** x converted to dtype (arr.astype). */
export function astype(x: ArrayLike, dtype: DType): Value {
  return lax.convertElementType(asArray(x), checkDType("astype", dtype));
}

// --- activations (jax.nn) -----------------------------------------------------------------

export const sigmoid = unaryFloat("sigmoid", lax.logistic);
export function relu(x: ArrayLike): Value {
  const a = asArray(x);
  return lax.max(a, constLike(a, 0));
}
export function softplus(x: ArrayLike): Value {
  return logaddexp(x, 0);
}
export function silu(x: ArrayLike): Value {
  const a = unaryFloat("silu", (v) => v)(x);
  return lax.mul(a, lax.logistic(a));
}
/** GELU, tanh approximation (jax.nn.gelu's default approximate=true). */
export function gelu(x: ArrayLike, approximate = true): Value {
  const a = unaryFloat("gelu", (v) => v)(x);
  if (!approximate) {
    const erf = (lax as { erf?: (v: Value) => Value }).erf;
    if (!erf) throw new TypeError("gelu: approximate=false needs lax.erf, which this build lacks; use approximate=true");
    return lax.mul(lax.mul(a, constLike(a, 0.5)), lax.add(constLike(a, 1), erf(lax.div(a, constLike(a, Math.SQRT2)))));
  }
  const inner = lax.mul(constLike(a, Math.sqrt(2 / Math.PI)), lax.add(a, lax.mul(constLike(a, 0.044715), integerPow(a, 3))));
  const cdf = lax.mul(constLike(a, 0.5), lax.add(constLike(a, 1), lax.tanh(inner)));
  return lax.mul(a, cdf);
}
