// Dtype conversion (value-preserving where it can be) and bitcast (bit-preserving).
import { definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import type { Value } from "../core/values.js";
import { fromNumbers, toNumbers, allocTyped } from "../core/host.js";
import { DTYPES, type DType, type TypedArray } from "../xla/dtype.js";
import { bitWidth, checkArity, isFloatDtype, out, primError, wrapInt } from "./util.js";

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [-(2 ** 63), 2 ** 63 - 1],
};


export const convert = definePrimitive<{ dtype: DType; weak?: boolean }>({
  name: "convert_element_type",
  abstractEval(avals, { dtype, weak }) {
    checkArity("convert_element_type", avals, 1);
    if (!(dtype in DTYPES)) throw primError("convert_element_type", `unknown dtype "${dtype}"`);
    return [out(avals[0]!.shape, dtype, weak ?? false)];
  },
  lower(ctx, [x], [a], [o]) {
    if (a!.dtype === o!.dtype) return [x!];
    if (o!.dtype === "bool") {
      // x != 0, as numpy does (convert to i1 would keep only the low bit).
      const zero = ctx.constant(0, a!); // a splat of the operand's shape
      const cmpType = isFloatDtype(a!.dtype) ? "FLOAT" : a!.dtype.startsWith("u") ? "UNSIGNED" : "SIGNED";
      return [ctx.op1("stablehlo.compare", [x!, zero], [a!, a!], o!, { attrs: `comparison_direction = #stablehlo<comparison_direction NE>, compare_type = #stablehlo<comparison_type ${cmpType}>` })];
    }
    return [ctx.op1("stablehlo.convert", [x!], [a!], o!)];
  },
  ref([x], { dtype }, [o]) {
    const src = x!.aval.dtype;
    if (src === "int64" && dtype === "int64") return [{ aval: o!, data: x!.data }];
    const vals = toNumbers(x!);
    const res = new Float64Array(vals.length);
    const range = INT_RANGE[dtype];
    for (let i = 0; i < vals.length; i++) {
      let v = vals[i]!;
      if (dtype === "bool") v = v !== 0 && !Number.isNaN(v) ? 1 : v !== v ? 1 : 0;
      else if (range) {
        if (isFloatDtype(src)) {
          v = Number.isNaN(v) ? 0 : Math.trunc(v);
          v = Math.min(Math.max(v, range[0]), range[1]);
        } else v = wrapInt(v, dtype);
      }
      res[i] = v;
    }
    return [fromNumbers(res, o!.shape, dtype, o!.weakType)];
  },
});

export const bitcast = definePrimitive<{ dtype: DType }>({
  name: "bitcast_convert_type",
  abstractEval(avals, { dtype }) {
    checkArity("bitcast_convert_type", avals, 1);
    const a = avals[0]!;
    if (bitWidth(a.dtype) !== bitWidth(dtype) || a.dtype === "bool" || dtype === "bool")
      throw primError("bitcast_convert_type", `needs dtypes of equal bit width (not bool), got ${a.dtype} to ${dtype}`);
    return [out(a.shape, dtype)];
  },
  lower(ctx, [x], [a], [o]) {
    return [ctx.op1("stablehlo.bitcast_convert", [x!], [a!], o!)];
  },
  ref([x], { dtype }, [o]) {
    const src = x!.data;
    const dst = allocTyped(dtype, o!.size);
    new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
    return [{ aval: o!, data: dst as TypedArray }];
  },
});

export const convertLax = {
  convertElementType: (x: Value, dtype: DType, weak = false) =>
    x.dtype === dtype && x.weakType === weak ? x : bind1(convert, [x], { dtype, weak }),
  bitcastConvertType: (x: Value, dtype: DType) => bind1(bitcast, [x], { dtype }),
};
