import { lax } from "../../../src/lax/index.js";
import type { DType } from "../../../src/xla/dtype.js";
import type { InputSpec, Sample } from "./types.js";

const spec = (shape: number[], dtype: DType, gen?: InputSpec["gen"]): InputSpec => ({ shape, dtype, ...(gen ? { gen } : {}) });
const f32 = (...shape: number[]) => spec(shape, "float32");

export const samples: Sample[] = [
  {
    prims: ["conv_general_dilated"],
    name: "conv 2-D NCHW/OIHW: VALID and SAME, stride 1 and 2",
    inputs: [f32(2, 3, 7, 6), f32(4, 3, 3, 2)],
    fn: (x, w) => [lax.conv(x!, w!, [1, 1], "VALID"), lax.conv(x!, w!, [2, 2], "SAME"), lax.conv(x!, w!, [2, 1], "SAME_LOWER"), lax.conv(x!, w!, [1, 3], [[1, 0], [2, 2]])],
    tol: 1e-5,
  },
  {
    prims: ["conv_general_dilated"],
    name: "conv 2-D NHWC/HWIO/NHWC with strides, SAME",
    inputs: [f32(2, 8, 7, 3), f32(3, 3, 3, 5)],
    fn: (x, w) => [
      lax.convGeneralDilated(x!, w!, [2, 2], "SAME", null, null, ["NHWC", "HWIO", "NHWC"]),
      lax.convGeneralDilated(x!, w!, [1, 2], "VALID", null, null, { lhs: "NHWC", rhs: "HWIO", out: "NCHW" }),
    ],
    tol: 1e-5,
  },
  {
    prims: ["conv_general_dilated"],
    name: "conv 2-D layouts with spatial dims in other orders (NWHC, IWHO)",
    inputs: [f32(2, 6, 5, 3), f32(3, 2, 3, 4)],
    fn: (x, w) => lax.convGeneralDilated(x!, w!, [1, 2], [[0, 1], [1, 0]], null, null, ["NWHC", "IWHO", "NCWH"]),
    tol: 1e-5,
  },
  {
    prims: ["conv_general_dilated"],
    name: "conv 1-D NWC/WIO: rhs dilation, lhs dilation (transposed conv), negative padding",
    inputs: [f32(2, 9, 3), f32(3, 3, 2)],
    fn: (x, w) => [
      lax.convGeneralDilated(x!, w!, [1], "SAME", null, [2], ["NWC", "WIO", "NWC"]),
      lax.convGeneralDilated(x!, w!, [1], [[2, 2]], [2], null, ["NWC", "WIO", "NWC"]),
      lax.convGeneralDilated(x!, w!, [2], [[-1, 1]], [3], [2], ["NWC", "WIO", "NWC"]),
    ],
    tol: 1e-5,
  },
  {
    prims: ["conv_general_dilated"],
    name: "conv 2-D feature groups (grouped and depthwise)",
    inputs: [f32(2, 4, 6, 6), f32(6, 2, 3, 3), f32(8, 1, 2, 2)],
    fn: (x, w, d) => [
      lax.convGeneralDilated(x!, w!, [1, 1], "SAME", null, null, null, 2),
      lax.convGeneralDilated(x!, d!, [2, 2], "VALID", null, [2, 1], null, 4),
    ],
    tol: 1e-5,
  },
  {
    prims: ["conv_general_dilated"],
    name: "conv 2-D batch groups (as in a weight gradient)",
    inputs: [f32(4, 3, 5, 5), f32(6, 3, 3, 3)],
    fn: (x, w) => lax.convGeneralDilated(x!, w!, [1, 1], "VALID", null, null, null, 1, 2),
    tol: 1e-5,
  },
  {
    prims: ["conv_general_dilated"],
    name: "conv 1-D feature groups with stride, lhs and rhs dilation, uneven padding",
    inputs: [f32(2, 6, 9), f32(4, 3, 2)],
    fn: (x, w) => [lax.convGeneralDilated(x!, w!, [2], [[1, 2]], [2], [2], null, 2), lax.convGeneralDilated(x!, w!, [3], [[0, -1]], null, [3], null, 2)],
    tol: 1e-5,
  },
  {
    prims: ["conv_general_dilated"],
    name: "conv 3-D NDHWC/DHWIO with batch groups and strides",
    inputs: [f32(4, 3, 4, 3, 2), f32(2, 2, 2, 2, 6)],
    fn: (x, w) => lax.convGeneralDilated(x!, w!, [1, 2, 1], "SAME", null, null, ["NDHWC", "DHWIO", "NDHWC"], 1, 2),
    tol: 1e-5,
  },
  {
    prims: ["conv_general_dilated"],
    name: "conv with a window larger than the input (empty output) and 1x1 kernels",
    inputs: [f32(1, 2, 2, 2), f32(3, 2, 3, 3), f32(3, 2, 1, 1)],
    fn: (x, w, p) => [lax.conv(x!, w!, [1, 1], "VALID"), lax.conv(x!, p!, [1, 1], "VALID")],
  },
  ...(["float64", "float16", "bfloat16", "int32", "int8"] as const).map((d) => ({
    prims: ["conv_general_dilated"],
    name: `conv 2-D ${d}`,
    inputs: [spec([1, 2, 5, 4], d, d.startsWith("int") ? "smallint" : undefined), spec([3, 2, 2, 3], d, d.startsWith("int") ? "smallint" : undefined)],
    fn: (x, w) => lax.conv(x!, w!, [1, 1], "SAME"),
    tol: d === "float16" || d === "bfloat16" ? 2e-2 : undefined,
  } satisfies Sample)),
  {
    prims: ["conv_general_dilated"],
    name: "conv preferredElementType bf16 -> f32 and int8 -> int32",
    inputs: [spec([1, 2, 5, 4], "bfloat16"), spec([3, 2, 2, 3], "bfloat16"), spec([1, 2, 5, 4], "int8", "int"), spec([3, 2, 2, 3], "int8", "int")],
    fn: (x, w, a, b) => [
      lax.convGeneralDilated(x!, w!, [1, 1], "VALID", null, null, null, 1, 1, "float32"),
      lax.convGeneralDilated(a!, b!, [1, 1], "VALID", null, null, null, 1, 1, "int32"),
    ],
    tol: 1e-5,
  },
  {
    prims: ["conv_general_dilated"],
    name: "convWithPadding: rhs dilation with SAME, lhs dilation with explicit pads",
    inputs: [f32(1, 2, 7, 7), f32(2, 2, 3, 3)],
    fn: (x, w) => [lax.convWithPadding(x!, w!, [1, 1], "SAME", null, [2, 2]), lax.convWithPadding(x!, w!, [2, 1], [[1, 1], [2, 0]], [2, 2], [1, 2])],
    tol: 1e-5,
  },
];
