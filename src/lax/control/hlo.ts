// The few StableHLO ops the control-flow lowerings emit themselves (so they do not depend on
// other families' primitives): i32 scalar arithmetic, and reading / writing one row of a
// stacked array at a dynamic index.
import { ShapedArray } from "../../core/aval.js";
import type { LowerCtx } from "../../core/lowering.js";
import { i64Array } from "../util.js";

export const I32 = new ShapedArray([], "int32");
export const PRED = new ShapedArray([], "bool");

export function i32(ctx: LowerCtx, v: number): string {
  return ctx.constant(v, I32);
}

export function i32Op(ctx: LowerCtx, op: "add" | "subtract" | "multiply", a: string, b: string): string {
  return ctx.op1(`stablehlo.${op}`, [a, b], [I32, I32], I32);
}

export function i32Less(ctx: LowerCtx, a: string, b: string): string {
  return ctx.op1("stablehlo.compare", [a, b], [I32, I32], PRED, {
    attrs: "comparison_direction = #stablehlo<comparison_direction LT>, compare_type = #stablehlo<comparison_type SIGNED>",
  });
}

export function clampI32(ctx: LowerCtx, x: string, lo: number, hi: number): string {
  return ctx.op1("stablehlo.clamp", [i32(ctx, lo), x, i32(ctx, hi)], [I32, I32, I32], I32);
}

/** Row `idx` (an i32 scalar) of `x` along its leading axis, without that axis. */
export function indexRow(ctx: LowerCtx, x: string, xAval: ShapedArray, idx: string): string {
  const starts = [idx, ...xAval.shape.slice(1).map(() => i32(ctx, 0))];
  const rowShape = [1, ...xAval.shape.slice(1)];
  const row = new ShapedArray(rowShape, xAval.dtype);
  const sl = ctx.op1("stablehlo.dynamic_slice", [x, ...starts], [xAval, ...starts.map(() => I32)], row, {
    attrs: `slice_sizes = ${i64Array(rowShape)}`,
  });
  return ctx.op1("stablehlo.reshape", [sl], [row], new ShapedArray(xAval.shape.slice(1), xAval.dtype));
}

/** `acc` with row `idx` replaced by `y` (whose shape is a row's). */
export function updateRow(ctx: LowerCtx, acc: string, accAval: ShapedArray, y: string, idx: string): string {
  const yAval = new ShapedArray(accAval.shape.slice(1), accAval.dtype);
  const row = new ShapedArray([1, ...yAval.shape], accAval.dtype);
  const y1 = ctx.op1("stablehlo.reshape", [y], [yAval], row);
  const starts = [idx, ...yAval.shape.map(() => i32(ctx, 0))];
  return ctx.op1("stablehlo.dynamic_update_slice", [acc, y1, ...starts], [accAval, row, ...starts.map(() => I32)], accAval);
}
