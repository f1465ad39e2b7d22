// VJP and batching rules of dot_general, after JAX's (lax.py _dot_general_transpose_lhs/rhs,
// _dot_general_batch_rule). The rules are dot_generals and transposes, so they are
// differentiable and batchable in turn.
import { defineRules } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import type { Value } from "../core/values.js";
import type { DType } from "../xla/dtype.js";
import { convert } from "./convert.js";
import { shapeLax as L } from "./shape.js";
import * as D from "./dot.js";
import type { DotParams, Precision } from "./dot.js";

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const remaining = (ndim: number, ...used: (readonly number[])[]) => range(0, ndim).filter((d) => !used.some((u) => u.includes(d)));
const argsort = (xs: readonly number[]) => xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
const asDtype = (x: Value, dtype: DType) => (x.dtype === dtype ? x : bind1(convert, [x], { dtype }));

function dot(x: Value, y: Value, contracting: [number[], number[]], batch: [number[], number[]], precision?: Precision): Value {
  const p: DotParams = { contracting, batch };
  if (precision !== undefined) p.precision = precision;
  return bind1(D.dotGeneralP, [x, y], p);
}

/**
 * The cotangent of x in dot_general(x, y) (or of y, with `swap`, whose free dims come second
 * in the output): contract g with y over y's free dims, then transpose into x's layout.
 */
function transposeLhs(g: Value, x: Value, y: Value, [xc, yc]: [number[], number[]], [xb, yb]: [number[], number[]], swap: boolean, precision?: Precision): Value {
  const xKept = remaining(x.ndim, xc, xb);
  const yKept = remaining(y.ndim, yc, yb);
  const nb = xb.length;
  const ansY = range(swap ? nb : nb + xKept.length, yKept.length);
  // g's dtype can differ from the operands' (preferredElementType): contract in g's dtype.
  const out = dot(g, asDtype(y, g.dtype), [ansY, yKept], [range(0, nb), yb], precision);
  // out is laid out (batch, x's kept dims, x's contracting dims in the order of y's).
  const xcByY = argsort(yc).map((i) => xc[i]!);
  return asDtype(L.transpose(out, argsort([...xb, ...xKept, ...xcByY])), x.dtype);
}

defineRules(D, {
  dotGeneralP: {
    vjp: ([ct], [x, y], _o, { contracting: [xc, yc], batch: [xb, yb], precision }) => [
      transposeLhs(ct!, x!, y!, [xc, yc], [xb, yb], false, precision),
      transposeLhs(ct!, y!, x!, [yc, xc], [yb, xb], true, precision),
    ],
    // The batch axis joins the batch dims when both operands have it, else it is a free dim
    // of the one that has it (JAX's _dot_general_batch_dim_nums).
    batch: ([x, y], [dx, dy], params) => {
      const [[xc, yc], [xb, yb]] = [params.contracting, params.batch];
      const bump = (ds: readonly number[], b: number | null) => ds.map((d) => (b !== null && d >= b ? d + 1 : d));
      const p: DotParams = { ...params, contracting: [bump(xc, dx!), bump(yc, dy!)], batch: [bump(xb, dx!), bump(yb, dy!)] };
      let outDim: number;
      if (dx !== null && dy !== null) {
        p.batch = [[dx, ...p.batch[0]], [dy, ...p.batch[1]]];
        outDim = 0;
      } else if (dx !== null) {
        const free = remaining(x!.ndim, p.contracting[0], p.batch[0]);
        outDim = xb.length + free.indexOf(dx);
      } else {
        const free = remaining(y!.ndim, p.contracting[1], p.batch[1]);
        outDim = xb.length + remaining(x!.ndim, xc, xb).length + free.indexOf(dy!);
      }
      return [[bind1(D.dotGeneralP, [x!, y!], p)], [outDim]];
    },
  },
});
