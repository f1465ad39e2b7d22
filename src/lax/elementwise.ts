// Elementwise primitives: unary math, binary arithmetic, comparisons, logic and bit ops.
// Operands must already agree in shape and dtype; numpy broadcasts and promotes before here.
import { ShapedArray } from "../core/aval.js";
import { definePrimitive, type NoParams, type Primitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import type { Value } from "../core/values.js";
import { fromNumbers, toNumbers, type HostArray } from "../core/host.js";
import { tensorType } from "../core/lowering.js";
import type { DType, TypedArray } from "../xla/dtype.js";
import { wrapInt, allWeak, checkArity, checkDtype, checkSameDtypes, checkSameShapes, newHost, out, bitWidth, isUnsignedDtype, type DtypeClass } from "./util.js";

type NumFn = (x: number, d: DType) => number;

/** Applies fn elementwise, decoding half floats and handling int64 through Number/BigInt. */
function mapHost(inputs: HostArray[], o: ShapedArray, fn: (xs: number[], d: DType) => number, big?: (xs: bigint[]) => bigint): HostArray {
  const res = newHost(o);
  const n = o.size;
  const d0 = inputs[0]!.aval.dtype;
  if (inputs.some((h) => h.aval.dtype === "int64") && big && o.dtype === "int64") {
    const ins = inputs.map((h) => h.data as BigInt64Array);
    const r = res.data as BigInt64Array;
    for (let i = 0; i < n; i++) r[i] = BigInt.asIntN(64, big(ins.map((a) => a[i]!)));
    return res;
  }
  const half = inputs.some((h) => h.aval.dtype === "float16" || h.aval.dtype === "bfloat16");
  const ins: ArrayLike<number>[] = inputs.map((h) =>
    half || h.aval.dtype === "int64" ? toNumbers(h) : (h.data as ArrayLike<number>),
  );
  if (half || o.dtype === "float16" || o.dtype === "bfloat16" || o.dtype === "int64") {
    const vals = new Float64Array(n);
    for (let i = 0; i < n; i++) vals[i] = fn(ins.map((a) => a[i]!), d0);
    return fromNumbers(vals, o.shape, o.dtype, o.weakType);
  }
  const r = res.data as { [i: number]: number };
  if (ins.length === 1) {
    const a = ins[0]!;
    const xs = [0];
    for (let i = 0; i < n; i++) {
      xs[0] = a[i]!;
      r[i] = fn(xs, d0);
    }
  } else {
    const a = ins[0]!;
    const b = ins[1]!;
    const xs = [0, 0];
    for (let i = 0; i < n; i++) {
      xs[0] = a[i]!;
      xs[1] = b[i]!;
      r[i] = fn(xs, d0);
    }
  }
  return res;
}

// --- unary ------------------------------------------------------------------------------

interface UnaryDef {
  mlir: string;
  cls: DtypeClass;
  fn: NumFn;
  big?: (x: bigint) => bigint;
  outDtype?: (d: DType) => DType;
}

function defUnary(name: string, def: UnaryDef): Primitive<NoParams> {
  return definePrimitive<NoParams>({
    name,
    abstractEval(avals) {
      checkArity(name, avals, 1);
      const a = avals[0]!;
      checkDtype(name, "operand", a, def.cls);
      const od = def.outDtype ? def.outDtype(a.dtype) : a.dtype;
      return [out(a.shape, od, od === a.dtype && a.weakType)];
    },
    lower(ctx, [x], [a], [o]) {
      return [ctx.op1(def.mlir, [x!], [a!], o!)];
    },
    ref([x], _p, [o]) {
      const big = def.big;
      return [mapHost([x!], o!, (xs, d) => def.fn(xs[0]!, d), big ? (xs) => big(xs[0]!) : undefined)];
    },
  });
}

const f32 = new Float32Array(1);
function roundEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}
function intMin(d: DType): number {
  return d === "int8" ? -128 : d === "int32" ? -(2 ** 31) : 0;
}

export const neg = defUnary("neg", { mlir: "stablehlo.negate", cls: "num", fn: (x) => -x, big: (x) => -x });
export const abs = defUnary("abs", {
  mlir: "stablehlo.abs",
  cls: "num",
  fn: (x, d) => (x === intMin(d) && d !== "float32" ? x : Math.abs(x)),
  big: (x) => (x < 0n ? -x : x),
});
export const sign = defUnary("sign", { mlir: "stablehlo.sign", cls: "num", fn: (x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : x), big: (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n) });
export const floor = defUnary("floor", { mlir: "stablehlo.floor", cls: "float", fn: Math.floor });
export const ceil = defUnary("ceil", { mlir: "stablehlo.ceil", cls: "float", fn: Math.ceil });
/** Rounds half to even, as numpy's and jnp's round. */
export const round = defUnary("round", { mlir: "stablehlo.round_nearest_even", cls: "float", fn: roundEven });
export const exp = defUnary("exp", { mlir: "stablehlo.exponential", cls: "float", fn: Math.exp });
export const log = defUnary("log", { mlir: "stablehlo.log", cls: "float", fn: Math.log });
export const log1p = defUnary("log1p", { mlir: "stablehlo.log_plus_one", cls: "float", fn: Math.log1p });
export const expm1 = defUnary("expm1", { mlir: "stablehlo.exponential_minus_one", cls: "float", fn: Math.expm1 });
export const sqrt = defUnary("sqrt", { mlir: "stablehlo.sqrt", cls: "float", fn: Math.sqrt });
export const rsqrt = defUnary("rsqrt", { mlir: "stablehlo.rsqrt", cls: "float", fn: (x) => 1 / Math.sqrt(x) });
export const cbrt = defUnary("cbrt", { mlir: "stablehlo.cbrt", cls: "float", fn: Math.cbrt });
export const tanh = defUnary("tanh", { mlir: "stablehlo.tanh", cls: "float", fn: Math.tanh });
export const logistic = defUnary("logistic", { mlir: "stablehlo.logistic", cls: "float", fn: (x) => 1 / (1 + Math.exp(-x)) });
export const sin = defUnary("sin", { mlir: "stablehlo.sine", cls: "float", fn: Math.sin });
export const cos = defUnary("cos", { mlir: "stablehlo.cosine", cls: "float", fn: Math.cos });
export const tan = defUnary("tan", { mlir: "stablehlo.tan", cls: "float", fn: Math.tan });
export const isFinite = defUnary("is_finite", { mlir: "stablehlo.is_finite", cls: "float", fn: (x) => (Number.isFinite(x) ? 1 : 0), outDtype: () => "bool" });
export const not = defUnary("not", {
  mlir: "stablehlo.not",
  cls: "intOrBool",
  fn: (x, d) => (d === "bool" ? (x ? 0 : 1) : ~x),
  big: (x) => ~x,
});
export const popcnt = defUnary("population_count", {
  mlir: "stablehlo.popcnt",
  cls: "int",
  fn: (x, d) => {
    let v = (x & (bitWidth(d) === 8 ? 0xff : 0xffffffff)) >>> 0;
    let c = 0;
    while (v) {
      c += v & 1;
      v >>>= 1;
    }
    return c;
  },
});
void f32;

// --- binary -----------------------------------------------------------------------------

interface BinaryDef {
  mlir: string;
  cls: DtypeClass;
  fn: (a: number, b: number, d: DType) => number;
  big?: (a: bigint, b: bigint) => bigint;
  /** Emits the op itself (for ops that need attributes or a composite lowering). */
  lower?: Primitive<NoParams>["lower"];
}

function defBinary(name: string, def: BinaryDef): Primitive<NoParams> {
  return definePrimitive<NoParams>({
    name,
    abstractEval(avals) {
      checkArity(name, avals, 2);
      checkSameShapes(name, avals);
      checkSameDtypes(name, avals);
      checkDtype(name, "operands", avals[0]!, def.cls);
      return [out(avals[0]!.shape, avals[0]!.dtype, allWeak(avals))];
    },
    lower:
      def.lower ??
      ((ctx, [x, y], ins, [o]) => {
        return [ctx.op1(def.mlir, [x!, y!], ins, o!)];
      }),
    ref([x, y], _p, [o]) {
      const big = def.big;
      return [mapHost([x!, y!], o!, (xs, d) => def.fn(xs[0]!, xs[1]!, d), big ? (xs) => big(xs[0]!, xs[1]!) : undefined)];
    },
  });
}

const isIntD = (d: DType) => d === "int8" || d === "int32" || d === "uint8" || d === "uint32" || d === "int64";

function intMul(a: number, b: number, d: DType): number {
  if (d === "int32" || d === "uint32") return Math.imul(a, b);
  return a * b;
}
function intDiv(a: number, b: number, d: DType): number {
  if (b === 0) return isUnsignedDtype(d) ? -1 : -1; // XLA: all bits set
  if (a === intMin(d) && b === -1 && !isUnsignedDtype(d)) return a;
  return Math.trunc(a / b);
}
function intRem(a: number, b: number, d: DType): number {
  if (b === 0) return a;
  if (a === intMin(d) && b === -1 && !isUnsignedDtype(d)) return 0;
  return a % b;
}
function intPow(a: number, b: number, d: DType): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b % 2 === 0 ? 1 : -1) : 0;
  let r = 1;
  let base = a;
  let e = b;
  while (e > 0) {
    if (e & 1) r = wrapInt(intMul(r, base, d), d);
    base = wrapInt(intMul(base, base, d), d);
    e = Math.floor(e / 2);
  }
  return r;
}
function maxNaN(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
}
function minNaN(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
}

export const add = defBinary("add", { mlir: "stablehlo.add", cls: "any", fn: (a, b, d) => (d === "bool" ? a | b : a + b), big: (a, b) => a + b });
export const sub = defBinary("sub", { mlir: "stablehlo.subtract", cls: "num", fn: (a, b) => a - b, big: (a, b) => a - b });
export const mul = defBinary("mul", { mlir: "stablehlo.multiply", cls: "any", fn: (a, b, d) => (isIntD(d) ? intMul(a, b, d) : d === "bool" ? a & b : a * b), big: (a, b) => a * b });
export const div = defBinary("div", {
  mlir: "stablehlo.divide",
  cls: "num",
  fn: (a, b, d) => (isIntD(d) ? intDiv(a, b, d) : a / b),
  big: (a, b) => (b === 0n ? -1n : a / b),
});
/** Remainder with the sign of the dividend (C fmod); numpy's floor-mod is built on it. */
export const rem = defBinary("rem", {
  mlir: "stablehlo.remainder",
  cls: "num",
  fn: (a, b, d) => (isIntD(d) ? intRem(a, b, d) : a % b),
  big: (a, b) => (b === 0n ? a : a % b),
});
export const pow = defBinary("pow", { mlir: "stablehlo.power", cls: "num", fn: (a, b, d) => (isIntD(d) ? intPow(a, b, d) : Math.pow(a, b)) });
// The CPU plugin's maximum/minimum may drop NaNs (fast min/max); NaN propagation is made explicit.
function nanPropagating(mlir: string): Primitive<NoParams>["lower"] {
  return (ctx, [x, y], ins, [o]) => {
    const m = ctx.op1(mlir, [x!, y!], ins, o!);
    if (compareType(ins[0]!.dtype) !== "FLOAT") return [m];
    const a = ins[0]!;
    const pred = new ShapedArray(a.shape, "bool");
    const ne = `comparison_direction = #stablehlo<comparison_direction NE>, compare_type = #stablehlo<comparison_type FLOAT>`;
    const xNan = ctx.op1("stablehlo.compare", [x!, x!], [a, a], pred, { attrs: ne });
    const yNan = ctx.op1("stablehlo.compare", [y!, y!], [a, a], pred, { attrs: ne });
    const r = ctx.op1("stablehlo.select", [yNan, y!, m], [pred, a, a], o!);
    return [ctx.op1("stablehlo.select", [xNan, x!, r], [pred, a, a], o!)];
  };
}
export const max = defBinary("max", { mlir: "stablehlo.maximum", cls: "any", fn: maxNaN, big: (a, b) => (a > b ? a : b), lower: nanPropagating("stablehlo.maximum") });
export const min = defBinary("min", { mlir: "stablehlo.minimum", cls: "any", fn: minNaN, big: (a, b) => (a < b ? a : b), lower: nanPropagating("stablehlo.minimum") });
export const atan2 = defBinary("atan2", { mlir: "stablehlo.atan2", cls: "float", fn: Math.atan2 });
export const and = defBinary("and", { mlir: "stablehlo.and", cls: "intOrBool", fn: (a, b) => a & b, big: (a, b) => a & b });
export const or = defBinary("or", { mlir: "stablehlo.or", cls: "intOrBool", fn: (a, b) => a | b, big: (a, b) => a | b });
export const xor = defBinary("xor", { mlir: "stablehlo.xor", cls: "intOrBool", fn: (a, b) => a ^ b, big: (a, b) => a ^ b });

function shiftOk(b: number, d: DType): boolean {
  return b >= 0 && b < bitWidth(d);
}
export const shiftLeft = defBinary("shift_left", {
  mlir: "stablehlo.shift_left",
  cls: "int",
  fn: (a, b, d) => (shiftOk(b >>> 0, d) ? (bitWidth(d) === 8 ? a << b : a << b) : 0),
  big: (a, b) => (b >= 0n && b < 64n ? a << b : 0n),
});
export const shiftRightLogical = defBinary("shift_right_logical", {
  mlir: "stablehlo.shift_right_logical",
  cls: "int",
  fn: (a, b, d) => {
    if (!shiftOk(b >>> 0, d)) return 0;
    const w = bitWidth(d);
    return w === 8 ? (a & 0xff) >>> b : a >>> b;
  },
  big: (a, b) => (b >= 0n && b < 64n ? BigInt.asIntN(64, BigInt.asUintN(64, a) >> b) : 0n),
});
export const shiftRightArithmetic = defBinary("shift_right_arithmetic", {
  mlir: "stablehlo.shift_right_arithmetic",
  cls: "int",
  fn: (a, b, d) => {
    const w = bitWidth(d);
    const s = shiftOk(b >>> 0, d) ? b : w - 1;
    if (d === "uint32") return (a | 0) >> s;
    if (d === "uint8") return ((a << 24) >> 24) >> s;
    return a >> s;
  },
  big: (a, b) => (b >= 0n && b < 64n ? a >> b : a < 0n ? -1n : 0n),
});
// --- comparisons ------------------------------------------------------------------------

export type ComparisonDirection = "EQ" | "NE" | "LT" | "LE" | "GT" | "GE";

function compareType(d: DType): string {
  if (d === "float32" || d === "float64" || d === "float16" || d === "bfloat16") return "FLOAT";
  if (d === "bool" || isUnsignedDtype(d)) return "UNSIGNED";
  return "SIGNED";
}

const CMP: Record<ComparisonDirection, (a: number, b: number) => boolean> = {
  EQ: (a, b) => a === b,
  NE: (a, b) => a !== b,
  LT: (a, b) => a < b,
  LE: (a, b) => a <= b,
  GT: (a, b) => a > b,
  GE: (a, b) => a >= b,
};

function defCompare(name: string, dir: ComparisonDirection): Primitive<NoParams> {
  return definePrimitive<NoParams>({
    name,
    abstractEval(avals) {
      checkArity(name, avals, 2);
      checkSameShapes(name, avals);
      checkSameDtypes(name, avals);
      return [out(avals[0]!.shape, "bool")];
    },
    lower(ctx, [x, y], ins, [o]) {
      const attrs = `comparison_direction = #stablehlo<comparison_direction ${dir}>, compare_type = #stablehlo<comparison_type ${compareType(ins[0]!.dtype)}>`;
      return [ctx.op1("stablehlo.compare", [x!, y!], ins, o!, { attrs })];
    },
    ref([x, y], _p, [o]) {
      const f = CMP[dir];
      if (x!.aval.dtype === "int64") {
        const a = x!.data as BigInt64Array;
        const b = y!.data as BigInt64Array;
        const r = newHost(o!);
        const BIG: Record<ComparisonDirection, (p: bigint, q: bigint) => boolean> = {
          EQ: (p, q) => p === q,
          NE: (p, q) => p !== q,
          LT: (p, q) => p < q,
          LE: (p, q) => p <= q,
          GT: (p, q) => p > q,
          GE: (p, q) => p >= q,
        };
        for (let i = 0; i < a.length; i++) (r.data as Uint8Array)[i] = BIG[dir](a[i]!, b[i]!) ? 1 : 0;
        return [r];
      }
      return [mapHost([x!, y!], o!, (xs) => (f(xs[0]!, xs[1]!) ? 1 : 0))];
    },
  });
}

export const eq = defCompare("eq", "EQ");
export const ne = defCompare("ne", "NE");
export const lt = defCompare("lt", "LT");
export const le = defCompare("le", "LE");
export const gt = defCompare("gt", "GT");
export const ge = defCompare("ge", "GE");

// --- select, clamp ----------------------------------------------------------------------

export const select = definePrimitive<NoParams>({
  name: "select",
  abstractEval(avals) {
    checkArity("select", avals, 3);
    const [p, t, f] = avals as [ShapedArray, ShapedArray, ShapedArray];
    if (p.dtype !== "bool") throw new TypeError(`select: the predicate must be bool, got ${p}`);
    checkSameShapes("select", [p, t, f]);
    checkSameDtypes("select", [t, f]);
    return [out(t.shape, t.dtype, t.weakType && f.weakType)];
  },
  lower(ctx, ins, avals, [o]) {
    return [ctx.op1("stablehlo.select", ins, avals, o!)];
  },
  ref([p, t, f], _p, [o]) {
    const r = newHost(o!);
    const pd = p!.data;
    const rd = r.data as TypedArray & { [i: number]: number | bigint };
    const td = t!.data as { [i: number]: number | bigint };
    const fd = f!.data as { [i: number]: number | bigint };
    for (let i = 0; i < o!.size; i++) rd[i] = pd[i] ? td[i]! : fd[i]!;
    return [r];
  },
});

/** clamp(lo, x, hi), operands of equal shape (numpy broadcasts scalars first). */
export const clamp = definePrimitive<NoParams>({
  name: "clamp",
  abstractEval(avals) {
    checkArity("clamp", avals, 3);
    checkSameShapes("clamp", avals);
    checkSameDtypes("clamp", avals);
    return [out(avals[1]!.shape, avals[1]!.dtype, avals[1]!.weakType)];
  },
  lower(ctx, ins, avals, [o]) {
    return [ctx.op1("stablehlo.clamp", ins, avals, o!)];
  },
  ref([lo, x, hi], _p, [o]) {
    return [clampRef(lo!, x!, hi!, o!)];
  },
});

function clampRef(lo: HostArray, x: HostArray, hi: HostArray, o: ShapedArray): HostArray {
  const a = toNumbers(lo);
  const b = toNumbers(x);
  const c = toNumbers(hi);
  const v = new Float64Array(b.length);
  for (let i = 0; i < v.length; i++) v[i] = minNaN(maxNaN(b[i]!, a[i]!), c[i]!);
  return fromNumbers(v, o.shape, o.dtype, o.weakType);
}

// --- the lax face ---------------------------------------------------------------------------

const u = (p: Primitive<NoParams>) => (x: Value) => bind1(p, [x]);
const b = (p: Primitive<NoParams>) => (x: Value, y: Value) => bind1(p, [x, y]);

export const lax = {
  neg: u(neg),
  abs: u(abs),
  sign: u(sign),
  floor: u(floor),
  ceil: u(ceil),
  round: u(round),
  exp: u(exp),
  log: u(log),
  log1p: u(log1p),
  expm1: u(expm1),
  sqrt: u(sqrt),
  rsqrt: u(rsqrt),
  cbrt: u(cbrt),
  tanh: u(tanh),
  logistic: u(logistic),
  sin: u(sin),
  cos: u(cos),
  tan: u(tan),
  isFinite: u(isFinite),
  bitwiseNot: u(not),
  populationCount: u(popcnt),
  add: b(add),
  sub: b(sub),
  mul: b(mul),
  div: b(div),
  rem: b(rem),
  pow: b(pow),
  max: b(max),
  min: b(min),
  atan2: b(atan2),
  bitwiseAnd: b(and),
  bitwiseOr: b(or),
  bitwiseXor: b(xor),
  shiftLeft: b(shiftLeft),
  shiftRightLogical: b(shiftRightLogical),
  shiftRightArithmetic: b(shiftRightArithmetic),
  eq: b(eq),
  ne: b(ne),
  lt: b(lt),
  le: b(le),
  gt: b(gt),
  ge: b(ge),
  select: (pred: Value, onTrue: Value, onFalse: Value) => bind1(select, [pred, onTrue, onFalse]),
  clamp: (lo: Value, x: Value, hi: Value) => bind1(clamp, [lo, x, hi]),
};
void tensorType;
