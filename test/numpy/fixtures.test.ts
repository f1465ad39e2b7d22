// The numpy layer against JAX: every case of test/fixtures/numpy.json (written by
// tools/fixtures_numpy.py) whose function this layer or lax provides, on ref and on XLA.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { Value, jit } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import { numpy as np, s } from "../../src/numpy/index.js";
import { backends, decode, decodeArray, expectMatches, isEncArray, useBackend, type EncArray } from "./helpers.js";

interface Case {
  id: string;
  fn: string;
  expr: string;
  args: unknown[];
  kwargs: Record<string, any>;
  out: EncArray | EncArray[];
  note?: string;
}

const fixtures = JSON.parse(readFileSync(new URL("../fixtures/numpy.json", import.meta.url), "utf8")) as { cases: Case[]; cases_x64: Case[] };

type Fn = (args: any[], kw: Record<string, any>) => Value | Value[];

const red = (f: (x: any, o: any) => Value): Fn => ([x], kw) => f(x, { axis: kw.axis, keepdims: kw.keepdims, where: kw.where === undefined ? undefined : decode(kw.where), initial: kw.initial });
const direct = (f: (...a: any[]) => Value | Value[]): Fn => (a) => f(...a);

/** An index entry of a getitem / at case. */
function decodeIndex(e: any): any {
  if ("int" in e) return e.int;
  if ("slice" in e) return s(e.slice[0], e.slice[1], e.slice[2]);
  if ("ellipsis" in e) return "...";
  if ("newaxis" in e) return null;
  if ("array" in e) return decodeArray(e.array);
  throw new Error(`unknown index entry ${JSON.stringify(e)}`);
}

// jnp / jax.nn / jax.scipy names -> this library's functions.
const NP: Record<string, Fn> = {
  add: direct(np.add),
  subtract: direct(np.subtract),
  multiply: direct(np.multiply),
  divide: direct(np.divide),
  true_divide: direct(np.trueDivide),
  floor_divide: direct(np.floorDivide),
  remainder: direct(np.remainder),
  fmod: direct(np.fmod),
  divmod: direct(np.divmod),
  power: direct(np.power),
  negative: direct(np.negative),
  square: direct(np.square),
  exp: direct(np.exp),
  log: direct(np.log),
  log1p: direct(np.log1p),
  expm1: direct(np.expm1),
  sqrt: direct(np.sqrt),
  tanh: direct(np.tanh),
  sin: direct(np.sin),
  cos: direct(np.cos),
  arctan2: direct(np.arctan2),
  floor: direct(np.floor),
  ceil: direct(np.ceil),
  trunc: direct(np.trunc),
  round: ([x], kw) => np.round(x, kw.decimals ?? 0),
  sign: direct(np.sign),
  abs: direct(np.abs),
  isfinite: direct(np.isfinite),
  isnan: direct(np.isnan),
  isinf: direct(np.isinf),
  clip: ([x, lo, hi]) => np.clip(x, lo, hi),
  where: direct(np.where),
  maximum: direct(np.maximum),
  minimum: direct(np.minimum),
  equal: direct(np.equal),
  not_equal: direct(np.notEqual),
  less: direct(np.less),
  less_equal: direct(np.lessEqual),
  greater: direct(np.greater),
  greater_equal: direct(np.greaterEqual),
  logical_and: direct(np.logicalAnd),
  logical_or: direct(np.logicalOr),
  logical_not: direct(np.logicalNot),
  logical_xor: direct(np.logicalXor),
  bitwise_and: direct(np.bitwiseAnd),
  bitwise_or: direct(np.bitwiseOr),
  bitwise_xor: direct(np.bitwiseXor),
  bitwise_not: direct(np.bitwiseNot),
  invert: direct(np.invert),
  left_shift: direct(np.leftShift),
  right_shift: direct(np.rightShift),
  "nn.sigmoid": direct(np.sigmoid),
  "nn.relu": direct(np.relu),
  "nn.softplus": direct(np.softplus),
  "nn.gelu": ([x], kw) => np.gelu(x, kw.approximate ?? true),
  "nn.silu": direct(np.silu),
  sum: red(np.sum),
  prod: red(np.prod),
  max: red(np.max),
  min: red(np.min),
  mean: red(np.mean),
  any: red(np.any),
  all: red(np.all),
  var: ([x], kw) => np.var(x, { axis: kw.axis, keepdims: kw.keepdims, ddof: kw.ddof }),
  std: ([x], kw) => np.std(x, { axis: kw.axis, keepdims: kw.keepdims, ddof: kw.ddof }),
  argmax: ([x], kw) => np.argmax(x, kw.axis, kw.keepdims),
  argmin: ([x], kw) => np.argmin(x, kw.axis, kw.keepdims),
  cumsum: ([x], kw) => np.cumsum(x, kw.axis),
  cumprod: ([x], kw) => np.cumprod(x, kw.axis),
  "scipy.special.logsumexp": ([x], kw) => np.logsumexp(x, { axis: kw.axis, keepdims: kw.keepdims }),
  "nn.logsumexp": ([x], kw) => np.logsumexp(x, { axis: kw.axis, keepdims: kw.keepdims }),
  "nn.softmax": ([x], kw) => np.softmax(x, kw.axis ?? -1),
  "scipy.special.softmax": ([x], kw) => np.softmax(x, kw.axis ?? null),
  "nn.log_softmax": ([x], kw) => np.logSoftmax(x, kw.axis ?? -1),
  "nn.one_hot": ([x, n], kw) => np.oneHot(x, n, { dtype: kw.dtype }),
  matmul: direct(np.matmul),
  dot: direct(np.dot),
  outer: direct(np.outer),
  einsum: direct(np.einsum),
  reshape: ([x, shape]) => np.reshape(x, shape),
  ravel: direct(np.ravel),
  transpose: ([x, axes]) => np.transpose(x, axes),
  swapaxes: direct(np.swapaxes),
  moveaxis: direct(np.moveaxis),
  expand_dims: ([x, axis]) => np.expandDims(x, axis),
  squeeze: ([x], kw) => np.squeeze(x, kw.axis),
  stack: ([xs], kw) => np.stack(xs, kw.axis ?? 0),
  concatenate: ([xs], kw) => np.concatenate(xs, kw.axis ?? 0),
  hstack: ([xs]) => np.hstack(xs),
  vstack: ([xs]) => np.vstack(xs),
  split: ([x, k], kw) => np.split(x, k, kw.axis ?? 0),
  array_split: ([x, k], kw) => np.arraySplit(x, k, kw.axis ?? 0),
  tile: ([x, r]) => np.tile(x, r),
  repeat: ([x, r], kw) => np.repeat(x, r, kw.axis, kw.total_repeat_length),
  flip: ([x], kw) => np.flip(x, kw.axis),
  roll: ([x, shift], kw) => np.roll(x, shift, kw.axis),
  pad: ([x, w], kw) => np.pad(x, w, { constantValues: kw.constant_values }),
  broadcast_to: ([x, shape]) => np.broadcastTo(x, shape),
  take: ([x, i], kw) => np.take(x, i, kw.axis, kw.mode ?? "fill"),
  take_along_axis: ([x, i], kw) => np.takeAlongAxis(x, i, kw.axis),
  sort: ([x], kw) => np.sort(x, kw.axis === undefined ? -1 : kw.axis),
  argsort: ([x], kw) => np.argsort(x, kw.axis === undefined ? -1 : kw.axis, { descending: kw.descending }),
  arange: (a, kw) => np.arange(a[0], a[1], a[2], kw.dtype),
  linspace: ([a, b, n], kw) => np.linspace(a, b, n, kw.endpoint ?? true),
  eye: ([n, m], kw) => np.eye(n, m, kw.k ?? 0, kw.dtype),
  full: ([shape, v], kw) => np.full(shape, v, kw.dtype),
  zeros_like: direct(np.zerosLike),
  ones_like: direct(np.onesLike),
  full_like: direct(np.fullLike),
  zeros: ([shape], kw) => np.zeros(shape, kw.dtype),
  ones: ([shape], kw) => np.ones(shape, kw.dtype),
  tril: ([x, k]) => np.tril(x, k ?? 0),
  triu: ([x, k]) => np.triu(x, k ?? 0),
  getitem: ([x], kw) => np.get(x, ...kw.index.map(decodeIndex)),
  at_set: ([x, v], kw) => np.at(x, ...kw.index.map(decodeIndex)).set(v),
  at_add: ([x, v], kw) => np.at(x, ...kw.index.map(decodeIndex)).add(v),
  astype: ([x], kw) => np.astype(x, kw.dtype),
};

// lax functions these cases also exercise, through the lax object.
const LAX: Record<string, Fn> = {
  "lax.rsqrt": direct(lax.rsqrt),
  "lax.shift_right_logical": direct(lax.shiftRightLogical),
  "lax.shift_right_arithmetic": direct(lax.shiftRightArithmetic),
  "lax.shift_left": direct(lax.shiftLeft),
  "lax.population_count": direct(lax.populationCount),
  "lax.cummax": ([x], kw) => lax.cummax(x, kw.axis ?? 0, kw.reverse ?? false),
  "lax.cummin": ([x], kw) => lax.cummin(x, kw.axis ?? 0, kw.reverse ?? false),
  "lax.cumsum": ([x], kw) => lax.cumsum(x, kw.axis ?? 0, kw.reverse ?? false),
  "lax.top_k": ([x, k]) => lax.topK(x, k),
  "lax.dot_general": ([a, b], kw) => lax.dotGeneral(a, b, kw.dimension_numbers),
  "lax.dynamic_slice": ([x, starts, sizes]) => lax.dynamicSlice(x, starts, sizes),
  "lax.dynamic_update_slice": ([x, u, starts]) => lax.dynamicUpdateSlice(x, u, starts),
  "lax.dynamic_index_in_dim": ([x, i], kw) => lax.dynamicIndexInDim(x, i, kw.axis ?? 0, kw.keepdims ?? true),
  "lax.slice": ([x, st, li, sd]) => lax.slice(x, st, li, sd),
  "lax.convert_element_type": ([x, d]) => lax.convertElementType(x, d),
  "lax.bitcast_convert_type": ([x, d]) => lax.bitcastConvertType(x, d),
  "lax.conv_general_dilated": ([l, r, strides, padding], kw) =>
    lax.convGeneralDilated(l, r, strides, padding, kw.lhs_dilation, kw.rhs_dilation, kw.dimension_numbers, kw.feature_group_count ?? 1),
};

// Cases this library deliberately does not reproduce, with the reason.
const SKIP: Record<string, string> = {
  "lax.round/f32_away_from_zero": "lax.round here rounds half to even (the only rounding method it has)",
  "lax.round/f32_to_nearest_even": "lax.round takes no rounding_method argument",
};

// On XLA every case of a group is traced into ONE jitted program (a compile per case would
// dominate the test time); should that program fail to compile, each case gets its own.
class Slot {
  constructor(readonly i: number) {}
}
type Result = { outs?: Value[]; error?: unknown };

function runJitted(list: Case[], table: Record<string, Fn>, x64: boolean): Map<string, Result> {
  const CHUNK = 40; // cases per program: bounds what one bad lowering takes down
  if (list.length > CHUNK) {
    const all = new Map<string, Result>();
    for (let i = 0; i < list.length; i += CHUNK) for (const [k, v] of runJitted(list.slice(i, i + CHUNK), table, x64)) all.set(k, v);
    return all;
  }
  const prepared = list.map((c) => {
    const leaves: Value[] = [];
    const template = (x: any): any => (x instanceof Value ? new Slot(leaves.push(x) - 1) : Array.isArray(x) ? x.map(template) : x);
    return { c, leaves, marks: argsOf(c, x64).map(template) };
  });
  const fill = (x: any, vs: Value[]): any => (x instanceof Slot ? vs[x.i] : Array.isArray(x) ? x.map((e) => fill(e, vs)) : x);
  const call = (p: (typeof prepared)[number], vs: Value[]): Value[] => {
    const r = table[p.c.fn]!(
      p.marks.map((m) => fill(m, vs)),
      p.c.kwargs,
    );
    return r instanceof Value ? [r] : r;
  };
  const results = new Map<string, Result>();
  const spans = new Map<string, [number, number]>();
  const body = (...vs: Value[]) => {
    const outs: Value[] = [];
    let k = 0;
    for (const p of prepared) {
      const mine = vs.slice(k, (k += p.leaves.length));
      try {
        const r = call(p, mine);
        spans.set(p.c.id, [outs.length, r.length]);
        outs.push(...r);
      } catch (error) {
        results.set(p.c.id, { error });
      }
    }
    return outs;
  };
  try {
    const flat = jit(body, { name: "fixtures" })(...prepared.flatMap((p) => p.leaves)) as Value[];
    for (const [id, [at, n]] of spans) results.set(id, { outs: flat.slice(at, at + n) });
  } catch {
    for (const p of prepared)
      try {
        results.set(p.c.id, { outs: jit((...vs: Value[]) => call(p, vs))(...p.leaves) as Value[] });
      } catch (error) {
        results.set(p.c.id, { error });
      }
  }
  return results;
}

function outs(c: Case): EncArray[] {
  return Array.isArray(c.out) ? c.out : [c.out];
}

const NUMBER_ARGS = new Set(["arange", "linspace"]);
function argsOf(c: Case, x64: boolean): any[] {
  return c.args.map((a) => decode(a, NUMBER_ARGS.has(c.fn) ? "number" : x64 ? "float64" : "float32"));
}

function cases(list: Case[], table: Record<string, Fn>): Case[] {
  return list.filter((c) => table[c.fn] !== undefined && SKIP[c.id] === undefined);
}

const x64Applicable = (c: Case) =>
  // Only where this library agrees with x64 JAX: explicit 64-bit inputs (no x64 defaults).
  !["add/u32_i32", "arange/default_int", "linspace/f64", "mean/i32_to_f64"].includes(c.id);

for (const backend of backends()) {
  describe(`numpy fixtures (${backend})`, () => {
    for (const [name, list, table, x64] of [
      ["jnp", cases(fixtures.cases, NP), NP, false],
      ["jnp x64", cases(fixtures.cases_x64, NP).filter(x64Applicable), NP, true],
      ["lax", cases(fixtures.cases, LAX), LAX, false],
    ] as const) {
      describe(name, () => {
        // ref: each case eagerly; xla: all cases jitted together (see runJitted).
        let jitted: Map<string, Result> | undefined;
        beforeAll(() => {
          useBackend(backend);
          if (backend === "xla") jitted = runJitted(list, table, x64);
        });
        for (const c of list)
          it(`${c.id}: ${c.expr}`, () => {
            useBackend(backend);
            let got: Value[];
            if (jitted) {
              const r = jitted.get(c.id)!;
              if (r.error) throw r.error;
              got = r.outs!;
            } else {
              const r = table[c.fn]!(argsOf(c, x64), c.kwargs);
              got = r instanceof Value ? [r] : r;
            }
            const want = outs(c);
            expect(got.length, `${c.id}: number of outputs`).toBe(want.length);
            want.forEach((w, i) => expectMatches(got[i]!, w, `${c.id}[${i}]`));
          });
      });
    }
  });
}

describe("numpy fixtures: coverage", () => {
  it("maps every jnp / nn / scipy case (unmapped ones are listed here)", () => {
    const unmapped = [...fixtures.cases, ...fixtures.cases_x64]
      .filter((c) => NP[c.fn] === undefined && LAX[c.fn] === undefined && SKIP[c.id] === undefined)
      .map((c) => c.fn);
    expect([...new Set(unmapped)].sort()).toEqual(["lax.clz", "lax.cumlogsumexp", "lax.erf", "lax.erf_inv"]);
    for (const c of fixtures.cases) if (isEncArray(c.out)) expect(c.out.shape).toBeDefined();
  });
});
