// Small helpers shared by the grid environments (bsuite, MinAtar, the maze).
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { colorize, upscale, type Color } from "../render.js";

export const i32 = (v: number): Value => np.asArray(v, "int32");

/** A static flag: a JS boolean (a traced value cannot choose which program is built). */
export function flag(x: unknown, env: string, name: string): boolean {
  if (typeof x !== "boolean") throw new TypeError(`${env}: params.${name} must be a JS boolean (it chooses the traced program), got ${typeof x}`);
  return x;
}

/** A static integer option, checked. */
export function intOption(env: string, name: string, v: unknown, min: number, max = Infinity): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`${env}: option ${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  return v;
}

/** A grid of palette indices (int [h, w]) drawn as square cells of `cell` pixels: uint8 [h·cell, w·cell, 3]. */
export function cellImage(idx: Value, palette: readonly Color[], cell: number): Value {
  return colorize(upscale(idx, cell), palette);
}
