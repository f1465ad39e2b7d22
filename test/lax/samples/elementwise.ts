import { lax } from "../../../src/lax/index.js";
import type { Value } from "../../../src/core/index.js";
import type { Sample, InputSpec } from "./types.js";

const f = (shape: number[], gen: InputSpec["gen"] = "normal"): InputSpec => ({ shape, dtype: "float32", gen });
const i32 = (shape: number[], gen: InputSpec["gen"] = "int"): InputSpec => ({ shape, dtype: "int32", gen });

const unaryF: [string, keyof typeof lax, InputSpec["gen"]][] = [
  ["neg", "neg", "normal"],
  ["abs", "abs", "normal"],
  ["sign", "sign", "normal"],
  ["floor", "floor", "normal"],
  ["ceil", "ceil", "normal"],
  ["round", "round", "normal"],
  ["exp", "exp", "normal"],
  ["log", "log", "positive"],
  ["log1p", "log1p", "positive"],
  ["expm1", "expm1", "normal"],
  ["sqrt", "sqrt", "positive"],
  ["rsqrt", "rsqrt", "positive"],
  ["cbrt", "cbrt", "normal"],
  ["tanh", "tanh", "normal"],
  ["logistic", "logistic", "normal"],
  ["sin", "sin", "normal"],
  ["cos", "cos", "normal"],
  ["tan", "tan", "unit"],
  ["is_finite", "isFinite", "normal"],
];

const binaryF: [string, keyof typeof lax, InputSpec["gen"], InputSpec["gen"]][] = [
  ["add", "add", "normal", "normal"],
  ["sub", "sub", "normal", "normal"],
  ["mul", "mul", "normal", "normal"],
  ["div", "div", "normal", "positive"],
  ["rem", "rem", "normal", "positive"],
  ["pow", "pow", "positive", "normal"],
  ["max", "max", "normal", "normal"],
  ["min", "min", "normal", "normal"],
  ["atan2", "atan2", "normal", "normal"],
];

const call = (name: keyof typeof lax) => lax[name] as unknown as (...xs: Value[]) => Value;

export const samples: Sample[] = [
  ...unaryF.map(([prim, fn, gen]) => ({ prims: [prim], name: `${prim} f32`, inputs: [f([3, 4], gen)], fn: call(fn) })),
  ...binaryF.map(([prim, fn, g1, g2]) => ({ prims: [prim], name: `${prim} f32`, inputs: [f([2, 5], g1), f([2, 5], g2)], fn: call(fn) })),
  { prims: ["neg", "abs", "sign"], name: "neg/abs/sign i32", inputs: [i32([6])], fn: (x) => [lax.neg(x), lax.abs(x), lax.sign(x)] },
  {
    prims: ["add", "sub", "mul", "div", "rem", "max", "min"],
    name: "int32 arithmetic (division truncates)",
    inputs: [i32([8]), { shape: [8], dtype: "int32", values: [3, -3, 7, -2, 5, 1, -1, 4] }],
    fn: (x, y) => [lax.add(x!, y!), lax.sub(x!, y!), lax.mul(x!, y!), lax.div(x!, y!), lax.rem(x!, y!), lax.max(x!, y!), lax.min(x!, y!)],
  },
  {
    prims: ["pow"],
    name: "int32 pow",
    inputs: [{ shape: [5], dtype: "int32", values: [2, -3, 5, 0, 7] }, { shape: [5], dtype: "int32", values: [10, 3, 0, 4, 2] }],
    fn: (x, y) => lax.pow(x!, y!),
  },
  {
    prims: ["and", "or", "xor", "not", "population_count"],
    name: "uint32 bit ops",
    inputs: [{ shape: [6], dtype: "uint32", gen: "bits" }, { shape: [6], dtype: "uint32", gen: "bits" }],
    fn: (x, y) => [lax.bitwiseAnd(x!, y!), lax.bitwiseOr(x!, y!), lax.bitwiseXor(x!, y!), lax.bitwiseNot(x!), lax.populationCount(x!)],
  },
  {
    prims: ["and", "or", "xor", "not"],
    name: "bool logic",
    inputs: [{ shape: [4], dtype: "bool", values: [0, 0, 1, 1] }, { shape: [4], dtype: "bool", values: [0, 1, 0, 1] }],
    fn: (x, y) => [lax.bitwiseAnd(x!, y!), lax.bitwiseOr(x!, y!), lax.bitwiseXor(x!, y!), lax.bitwiseNot(x!)],
  },
  {
    prims: ["shift_left", "shift_right_logical", "shift_right_arithmetic"],
    name: "uint32 shifts incl. >= 32",
    inputs: [{ shape: [6], dtype: "uint32", gen: "bits" }, { shape: [6], dtype: "uint32", values: [0, 1, 13, 31, 32, 40] }],
    fn: (x, y) => [lax.shiftLeft(x!, y!), lax.shiftRightLogical(x!, y!), lax.shiftRightArithmetic(x!, y!)],
  },
  {
    prims: ["shift_left", "shift_right_logical", "shift_right_arithmetic"],
    name: "int32 shifts of negatives",
    inputs: [{ shape: [5], dtype: "int32", values: [-8, -1, 123456, -123456, 7] }, { shape: [5], dtype: "int32", values: [1, 31, 4, 3, 33] }],
    fn: (x, y) => [lax.shiftLeft(x!, y!), lax.shiftRightLogical(x!, y!), lax.shiftRightArithmetic(x!, y!)],
  },
  ...(["eq", "ne", "lt", "le", "gt", "ge"] as const).map((c) => ({
    prims: [c],
    name: `${c} f32 & i32 & u32`,
    inputs: [
      { shape: [6], dtype: "float32" as const, values: [1, 2, 3, -1, NaN, 0] },
      { shape: [6], dtype: "float32" as const, values: [1, 3, 2, -1, 1, -0] },
      i32([6], "smallint"),
      i32([6], "smallint"),
      { shape: [3], dtype: "uint32" as const, values: [1, 0xffffffff, 5] },
      { shape: [3], dtype: "uint32" as const, values: [2, 1, 5] },
    ],
    fn: (a: Value, b: Value, c2: Value, d: Value, e: Value, g: Value) => [lax[c](a, b), lax[c](c2, d), lax[c](e, g)],
  })),
  {
    prims: ["select"],
    name: "select",
    inputs: [{ shape: [2, 3], dtype: "bool", gen: "bool" }, f([2, 3]), f([2, 3])],
    fn: (p, x, y) => lax.select(p!, x!, y!),
  },
  {
    prims: ["clamp"],
    name: "clamp",
    inputs: [{ shape: [5], dtype: "float32", values: [-1, -1, -1, -1, -1] }, f([5]), { shape: [5], dtype: "float32", values: [0.5, 0.5, 0.5, 0.5, 0.5] }],
    fn: (a, x, b) => lax.clamp(a!, x!, b!),
  },
  {
    prims: ["convert_element_type"],
    name: "convert f32 -> i32 / u8 / bool / f64, i32 -> f32",
    inputs: [{ shape: [7], dtype: "float32", values: [1.7, -1.7, 0, 300.2, -0.0, 2.5, -3e9] }, i32([4])],
    fn: (x, y) => [
      lax.convertElementType(x!, "int32"),
      lax.convertElementType(x!, "bool"),
      lax.convertElementType(x!, "float64"),
      lax.convertElementType(y!, "float32"),
      lax.convertElementType(y!, "uint8"),
    ],
  },
  {
    prims: ["bitcast_convert_type"],
    name: "bitcast f32 <-> u32 / i32",
    float32Only: true,
    inputs: [f([5]), { shape: [3], dtype: "uint32", values: [0x3f800000, 0x7f800000, 0x80000000] }],
    fn: (x, y) => [lax.bitcastConvertType(x!, "uint32"), lax.bitcastConvertType(y!, "float32"), lax.bitcastConvertType(x!, "int32")],
  },
];

samples.push({ prims: ["stop_gradient"], name: "stop_gradient is the identity", notDifferentiable: true, inputs: [{ shape: [3], dtype: "float32" }], fn: (x) => lax.stopGradient(x) });

samples.push({
  prims: ["max", "min"],
  name: "max/min propagate NaN (either side)",
  inputs: [
    { shape: [4], dtype: "float32", values: [1, NaN, NaN, -2] },
    { shape: [4], dtype: "float32", values: [NaN, 1, NaN, 3] },
  ],
  fn: (x, y) => [lax.max(x!, y!), lax.min(x!, y!)],
});

samples.push({
  prims: ["add"],
  name: "f16 / bf16 with infinities and NaN (literal encoding)",
  inputs: [
    { shape: [4], dtype: "float16", values: [1, Infinity, -Infinity, NaN] },
    { shape: [4], dtype: "bfloat16", values: [1, Infinity, -Infinity, NaN] },
  ],
  fn: (x, y) => [lax.add(x!, x!), lax.add(y!, y!)],
});
