// VJP and batching rules of the collectives (psum / pmax / pmin / all_gather / axis_index), one
// entry per primitive src/lax/collective.ts exports (`RulesOf` makes a missing one a compile
// error). The batch axis is a per-device axis, so the collectives batch by passing it through.
import { defineRules, type Rules } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { lax as ew } from "./elementwise.js";
import { convertLax } from "./convert.js";
import { shapeLax as L } from "./shape.js";
import * as C from "./collective.js";
import type { AxisParams } from "./collective.js";

const reduceBatch = (p: typeof C.psumP): Rules<AxisParams>["batch"] => ([x], [d], params) => [[bind1(p, [x!], params)], [d!]];

// pmax / pmin: the cotangent summed over devices is shared among the elements (on any device)
// equal to the result, as the single-device reductions do.
const extremeRules = (p: typeof C.pmaxP): Rules<AxisParams> => ({
  vjp: ([ct], [x], [out], params) => {
    const hit = convertLax.convertElementType(ew.eq(x!, out!), x!.dtype);
    const count = bind1(C.psumP, [hit], params);
    return [ew.mul(ew.div(bind1(C.psumP, [ct!], params), count), hit)];
  },
  batch: reduceBatch(p),
});

defineRules(C, {
  // psum's transpose is psum (JAX's rule: each device's cotangent reaches every device's input).
  psumP: { vjp: ([ct], _x, _o, params) => [bind1(C.psumP, [ct!], params)], batch: reduceBatch(C.psumP) },
  pmaxP: extremeRules(C.pmaxP),
  pminP: extremeRules(C.pminP),
  allGatherP: {
    // Device d's operand is slice d of the gathered result on every device: its cotangent is
    // slice d of the cotangents summed over devices.
    vjp: ([ct], [x], _o, params) => {
      const summed = bind1(C.psumP, [ct!], { axisName: params.axisName, axisSize: params.axisSize });
      const idx = bind1(C.axisIndexP, [], { axisName: params.axisName, axisSize: params.axisSize });
      return [L.reshape(L.dynamicSliceInDim(summed, idx, 1, params.axis), x!.shape)];
    },
    batch: ([x], [d], params) => {
      const b = d!;
      const axis = params.axis < b ? params.axis : params.axis + 1;
      return [[bind1(C.allGatherP, [x!], { ...params, axis })], [params.axis < b ? b + 1 : b]];
    },
  },
  // axis_index has no operands: nothing to differentiate, nothing batched.
  axisIndexP: { vjp: () => [], batch: (_a, _d, params) => [[bind1(C.axisIndexP, [], params)], [null]] },
});
