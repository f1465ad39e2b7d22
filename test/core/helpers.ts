import { Array, ShapedArray } from "../../src/core/index.js";
import { fromNumbers } from "../../src/core/host.js";
import type { DType } from "../../src/xla/dtype.js";

/** A concrete array from flat values (test helper; numpy's np.array is the public way). */
export function arr(values: number[], shape: number[] = [values.length], dtype: DType = "float32"): Array {
  return new Array(new ShapedArray(shape, dtype), { host: fromNumbers(values, shape, dtype).data });
}

export function vals(x: unknown): number[] {
  return globalThis.Array.from((x as Array).dataSync() as ArrayLike<number>, Number);
}
