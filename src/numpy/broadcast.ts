// Numpy broadcasting and the argument preparation every multi-operand function shares:
// promote to one dtype (weak JS numbers adopt the others'), then broadcast to one shape.
import { shapeEq, type Shape } from "../core/aval.js";
import { Value } from "../core/values.js";
import { lax } from "../lax/index.js";
import type { DType } from "../xla/dtype.js";
import { asArray, scalar, type ArrayLike } from "./creation.js";
import { resultTypeW, type DTypeW } from "./dtypes.js";

const fmt = (s: Shape) => `[${s.join(", ")}]`;

/** The broadcast of several shapes (numpy's rule: align right; sizes equal or 1). */
export function broadcastShapes(fn: string, ...shapes: Shape[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const k = nd - s.length + i;
      const d = s[i]!;
      if (d === out[k]) continue;
      if (out[k] === 1) out[k] = d;
      else if (d !== 1)
        throw new TypeError(`${fn}: operands could not be broadcast together with shapes ${shapes.map(fmt).join(" and ")} (axis ${k - nd}: ${out[k]} vs ${d})`);
    }
  }
  return out;
}

/** jnp.broadcast_to: x repeated along new leading axes and along its size-1 axes. */
export function broadcastTo(x: ArrayLike, shape: readonly number[], fn = "broadcastTo"): Value {
  const a = asArray(x);
  if (shapeEq(a.shape, shape)) return a;
  const lead = shape.length - a.ndim;
  if (lead < 0 || a.shape.some((d, i) => d !== 1 && d !== shape[lead + i]))
    throw new TypeError(`${fn}: cannot broadcast an array of shape ${fmt(a.shape)} to shape ${fmt(shape)}`);
  return lax.broadcastInDim(
    a,
    [...shape],
    a.shape.map((_, i) => lead + i),
  );
}

/** jnp.broadcast_arrays. */
export function broadcastArrays(...xs: ArrayLike[]): Value[] {
  const vs = xs.map((x) => asArray(x));
  const shape = broadcastShapes("broadcastArrays", ...vs.map((v) => v.shape));
  return vs.map((v) => broadcastTo(v, shape, "broadcastArrays"));
}

/** Converts one input to `to` (a JS number is created directly in that dtype). */
export function castTo(x: ArrayLike, to: DTypeW): Value {
  if (typeof x === "number" || typeof x === "boolean" || typeof x === "bigint") return scalar(x, to.dtype, to.weak);
  return convert(asArray(x), to);
}

/** Converts when the dtype differs. A weak flag alone is left: lax ops combine the flags. */
function convert(v: Value, to: DTypeW): Value {
  return v.dtype === to.dtype ? v : lax.convertElementType(v, to.dtype, to.weak);
}

/** Promotes inputs to their common dtype (jnp.promote_dtypes), without broadcasting. */
export function promote(xs: readonly ArrayLike[], to?: DTypeW): Value[] {
  const ps = xs.map(promotable);
  const target = to ?? resultTypeW(...ps);
  return ps.map((p, i) => (p instanceof Value ? convert(p, target) : castTo(xs[i]!, target)));
}

/** The promotion view of an input: JS scalars stay weak; other data is parsed. */
export function promotable(x: ArrayLike): Value | number | boolean | DTypeW {
  if (typeof x === "number" || typeof x === "boolean") return x;
  if (typeof x === "bigint") return { dtype: "int64", weak: true };
  return asArray(x);
}

/**
 * Promotes to a common dtype (or `to`) and broadcasts to a common shape: what every
 * elementwise numpy function does before calling its lax primitive.
 */
export function prepare(fn: string, xs: readonly ArrayLike[], to?: DTypeW): Value[] {
  const ps = xs.map(promotable);
  const target = to ?? resultTypeW(...ps);
  const vs = ps.map((p, i) => (p instanceof Value ? convert(p, target) : castTo(xs[i]!, target)));
  const shape = broadcastShapes(fn, ...vs.map((v) => v.shape));
  return vs.map((v) => broadcastTo(v, shape, fn));
}

export function dtypeW(x: Value): DTypeW {
  return { dtype: x.dtype, weak: x.weakType };
}

export type { DType };
