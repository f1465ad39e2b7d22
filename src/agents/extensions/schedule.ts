// rsl_rl's RND weight schedules, as functions of the learning iteration (traced or not).
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";

export interface WeightSchedule {
  /** "constant": always `initial`; "step": `initial` before finalStep, then finalValue; "linear": `initial` until initialStep, then linearly to finalValue at finalStep, held after. */
  mode: "constant" | "step" | "linear";
  initial: number;
  initialStep: number;
  finalStep: number;
  finalValue: number;
}

export function scheduledWeight(s: WeightSchedule, step: Value | number): Value {
  const t = np.astype(np.asArray(step), "float32");
  switch (s.mode) {
    case "constant":
      return np.full([], s.initial, "float32");
    case "step":
      return np.where(np.less(t, s.finalStep), s.initial, s.finalValue).astype("float32");
    case "linear": {
      const span = Math.max(s.finalStep - s.initialStep, 1e-12);
      const frac = np.clip(np.divide(np.subtract(t, s.initialStep), span), 0, 1);
      return np.add(s.initial, np.multiply(s.finalValue - s.initial, frac));
    }
  }
}
