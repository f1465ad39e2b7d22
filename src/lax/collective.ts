// Collectives over a named device axis (bound by pmap): psum / pmax / pmin (all_reduce),
// allGather (all_gather) and axisIndex (replica_id). They lower to StableHLO collectives over
// one replica group holding every replica of the pmap; the `ref` backend runs them through
// pmap's lockstep emulation (emulateCollective, registered with core/axis_env), which sees every device's operand at once.
import { ShapedArray, shapeStr } from "../core/aval.js";
import { definePrimitive, type AnyPrimitive, type Primitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import type { Value } from "../core/values.js";
import { tensorType, type LowerCtx } from "../core/lowering.js";
import { fromNumbers, toNumbers, type HostArray } from "../core/host.js";
import { axisSizeOf, registerCollective } from "../core/axis_env.js";
import { lax as ew } from "./elementwise.js";
import { scalarConst, shapeLax as L } from "./shape.js";
import { checkArity, checkDtype, newHost, primError } from "./util.js";

export interface AxisParams {
  axisName: string;
  axisSize: number;
}

export interface GatherParams extends AxisParams {
  /** Where the new axis of size axisSize goes in the output. */
  axis: number;
}

const groups = (n: number) => `replica_groups = dense<[[${[...Array(n).keys()].join(", ")}]]> : tensor<1x${n}xi64>`;

function outsideError(name: string): Error {
  return primError(name, "a collective runs only inside pmap (on the ref backend: outside control-flow bodies, see docs/distributed.md)");
}

// --- all_reduce family --------------------------------------------------------------------

type Reducer = "add" | "maximum" | "minimum";
const combine: Record<Reducer, (a: number, b: number) => number> = { add: (a, b) => a + b, maximum: Math.max, minimum: Math.min };

function allReduce(name: string, op: Reducer): Primitive<AxisParams> {
  return definePrimitive<AxisParams>({
    name,
    abstractEval(avals) {
      checkArity(name, avals, 1);
      checkDtype(name, "operand", avals[0]!, "num");
      return [avals[0]!.withWeak(false)];
    },
    lower(ctx: LowerCtx, [x], [a], [o], { axisSize }) {
      const s = new ShapedArray([], a!.dtype);
      const region = ctx.block([s, s], [s], ([l, r]) => [ctx.op1(`stablehlo.${op}`, [l!, r!], [s, s], s)]);
      return [ctx.op1("stablehlo.all_reduce", [x!], [a!], o!, { regions: [region], attrs: groups(axisSize) })];
    },
    ref() {
      throw outsideError(name);
    },
  });
}

export const psumP = allReduce("psum", "add");
export const pmaxP = allReduce("pmax", "maximum");
export const pminP = allReduce("pmin", "minimum");

// --- all_gather ---------------------------------------------------------------------------

export const allGatherP = definePrimitive<GatherParams>({
  name: "all_gather",
  abstractEval(avals, { axisSize, axis }) {
    checkArity("all_gather", avals, 1);
    const a = avals[0]!;
    if (!Number.isInteger(axis) || axis < 0 || axis > a.ndim) throw primError("all_gather", `axis ${axis} is out of range for an operand of shape ${shapeStr(a.shape)}`);
    const shape = [...a.shape];
    shape.splice(axis, 0, axisSize);
    return [new ShapedArray(shape, a.dtype)];
  },
  lower(ctx, [x], [a], [o], { axisSize, axis }) {
    // all_gather concatenates along an existing dimension: give the operand a unit one there.
    const unit = [...a!.shape];
    unit.splice(axis, 0, 1);
    const u = new ShapedArray(unit, a!.dtype);
    const r = ctx.op1("stablehlo.reshape", [x!], [a!], u);
    return [ctx.op1("stablehlo.all_gather", [r], [u], o!, { attrs: `all_gather_dim = ${axis} : i64, ${groups(axisSize)}` })];
  },
  ref() {
    throw outsideError("all_gather");
  },
});

// --- axis_index ---------------------------------------------------------------------------

export const axisIndexP = definePrimitive<AxisParams>({
  name: "axis_index",
  abstractEval(avals) {
    checkArity("axis_index", avals, 0);
    return [new ShapedArray([], "int32")];
  },
  lower(ctx, _xs, _a, [o]) {
    const id = ctx.op("stablehlo.replica_id", [], [], ["tensor<ui32>"])[0]!;
    return [ctx.op("stablehlo.convert", [id], ["tensor<ui32>"], [tensorType(o!)])[0]!];
  },
  ref() {
    throw outsideError("axis_index");
  },
});

// --- the ref emulation: every device's operands of one collective equation at once -------------

/** Runs one collective equation for all devices (`inputs[d]` are device d's operands). */
function emulateCollective(prim: AnyPrimitive, inputs: readonly (readonly HostArray[])[], params: object, outAvals: readonly ShapedArray[]): HostArray[][] {
  const n = inputs.length;
  const o = outAvals[0]!;
  if (prim === axisIndexP) return inputs.map((_, d) => [{ aval: o, data: Int32Array.of(d) }]);
  const reducer = prim === psumP ? combine.add : prim === pmaxP ? combine.maximum : prim === pminP ? combine.minimum : undefined;
  if (reducer) {
    // Through float64 (toNumbers / fromNumbers) so half-precision bit patterns reduce as values.
    const vals = inputs.map((ins) => toNumbers(ins[0]!));
    const acc = Float64Array.from(vals[0]!);
    for (let d = 1; d < n; d++) for (let i = 0; i < acc.length; i++) acc[i] = reducer(acc[i]!, vals[d]![i]!);
    const r = fromNumbers(acc, o.shape, o.dtype);
    return inputs.map(() => [{ aval: o, data: r.data }]);
  }
  if (prim === allGatherP) {
    const { axis } = params as GatherParams;
    const a = inputs[0]![0]!.aval;
    const inner = a.shape.slice(axis).reduce((s, k) => s * k, 1);
    const outer = a.shape.slice(0, axis).reduce((s, k) => s * k, 1);
    const r = newHost(o);
    for (let q = 0; q < outer; q++)
      for (let d = 0; d < n; d++) r.data.set(inputs[d]![0]!.data.subarray(q * inner, (q + 1) * inner) as never, (q * n + d) * inner);
    return inputs.map(() => [r]);
  }
  throw new Error(`internal: no device emulation for ${prim.name}`);
}

for (const p of [psumP, pmaxP, pminP, allGatherP, axisIndexP]) registerCollective(p, emulateCollective);

// --- the lax face -------------------------------------------------------------------------

function axisParams(op: string, axisName: string): AxisParams {
  return { axisName, axisSize: axisSizeOf(op, axisName) };
}

export const collectiveLax = {
  /** Sum of x over the devices of the named pmap axis (every device gets the sum). */
  psum(x: Value, axisName: string): Value {
    return bind1(psumP, [x], axisParams("psum", axisName));
  },
  /** Mean of x over the devices of the named axis. */
  pmean(x: Value, axisName: string): Value {
    const p = axisParams("pmean", axisName);
    if (x.dtype === "bool" || !["float32", "float64", "float16", "bfloat16"].includes(x.dtype))
      throw primError("pmean", `operand must have a floating-point dtype, got ${x.aval}`);
    return ew.div(bind1(psumP, [x], p), L.broadcastInDim(scalarConst(p.axisSize, x.dtype, false), x.shape, []));
  },
  pmax(x: Value, axisName: string): Value {
    return bind1(pmaxP, [x], axisParams("pmax", axisName));
  },
  pmin(x: Value, axisName: string): Value {
    return bind1(pminP, [x], axisParams("pmin", axisName));
  },
  /** Every device's x stacked along a new axis `axis` (default 0) of size axisSize. */
  allGather(x: Value, axisName: string, axis = 0): Value {
    const p = axisParams("allGather", axisName);
    const ax = axis < 0 ? axis + x.ndim + 1 : axis;
    return bind1(allGatherP, [x], { ...p, axis: ax });
  },
  /** This device's position along the named axis (int32 scalar). */
  axisIndex(axisName: string): Value {
    return bind1(axisIndexP, [], axisParams("axisIndex", axisName));
  },
};
