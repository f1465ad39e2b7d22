// Primitives that do no arithmetic but matter to transformations.
import { definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import type { Value } from "../core/values.js";
import { checkArity } from "./util.js";

/** Identity in value; autodiff (issue 4) treats its output as a constant. */
export const stopGradientP = definePrimitive({
  name: "stop_gradient",
  abstractEval(avals) {
    checkArity("stop_gradient", avals, 1);
    return [avals[0]!];
  },
  lower(_ctx, [x]) {
    return [x!];
  },
  ref([x]) {
    return [x!];
  },
});

export const miscLax = {
  stopGradient: (x: Value) => bind1(stopGradientP, [x]),
};
