// Hand-written StableHLO programs (generic op form) used by the runtime tests and the benchmark.
import { hasRuntime } from "../../src/xla/index.js";

/** A typed array (or any array-like, bigints included) as a plain array, for toEqual. */
export const list = (a: ArrayLike<number | bigint>): (number | bigint)[] => Array.from(a);

/** Why the runtime tests are skipped on this machine (undefined: they run). */
export const noRuntime: string | undefined = hasRuntime()
  ? undefined
  : "no PJRT plugin / addon (run `npm install`, or set XLA_TS_PJRT_PLUGIN)";

/** `module @name { func.func public @main(params) -> (results) { body } }` */
export function mainModule(name: string, params: string[], results: string[], body: string): string {
  const ps = params.map((t, i) => `%arg${i}: ${t}`).join(", ");
  return `module @${name} {
  func.func public @main(${ps}) -> (${results.join(", ")}) {
${body}
  }
}`;
}

/** Elementwise binary op on tensor<shape x elem>. */
export function binary(op: string, type: string): string {
  return mainModule(
    op.replace(/\W/g, "_"),
    [type, type],
    [type],
    `    %0 = "stablehlo.${op}"(%arg0, %arg1) : (${type}, ${type}) -> ${type}
    "func.return"(%0) : (${type}) -> ()`,
  );
}

/** f32[n] + 1 */
export function addOne(n: number): string {
  const t = `tensor<${n}xf32>`;
  return mainModule(
    "add_one",
    [t],
    [t],
    `    %c = "stablehlo.constant"() {value = dense<1.0> : ${t}} : () -> ${t}
    %0 = "stablehlo.add"(%arg0, %c) : (${t}, ${t}) -> ${t}
    "func.return"(%0) : (${t}) -> ()`,
  );
}

export function matmul(m: number, k: number, n: number, elem = "f32"): string {
  const a = `tensor<${m}x${k}x${elem}>`;
  const b = `tensor<${k}x${n}x${elem}>`;
  const c = `tensor<${m}x${n}x${elem}>`;
  return mainModule(
    "matmul",
    [a, b],
    [c],
    `    %0 = "stablehlo.dot_general"(%arg0, %arg1) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>} : (${a}, ${b}) -> ${c}
    "func.return"(%0) : (${c}) -> ()`,
  );
}

/** Sum over axis 1 and max over everything of a f32[rows, cols]. */
export function reduceSumMax(rows: number, cols: number): string {
  const t = `tensor<${rows}x${cols}xf32>`;
  return mainModule(
    "reduce",
    [t],
    [`tensor<${rows}xf32>`, "tensor<f32>"],
    `    %zero = "stablehlo.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
    %ninf = "stablehlo.constant"() {value = dense<0xFF800000> : tensor<f32>} : () -> tensor<f32>
    %sum = "stablehlo.reduce"(%arg0, %zero) ({
      ^bb0(%a: tensor<f32>, %b: tensor<f32>):
        %s = "stablehlo.add"(%a, %b) : (tensor<f32>, tensor<f32>) -> tensor<f32>
        "stablehlo.return"(%s) : (tensor<f32>) -> ()
    }) {dimensions = array<i64: 1>} : (${t}, tensor<f32>) -> tensor<${rows}xf32>
    %max = "stablehlo.reduce"(%arg0, %ninf) ({
      ^bb0(%a: tensor<f32>, %b: tensor<f32>):
        %s = "stablehlo.maximum"(%a, %b) : (tensor<f32>, tensor<f32>) -> tensor<f32>
        "stablehlo.return"(%s) : (tensor<f32>) -> ()
    }) {dimensions = array<i64: 0, 1>} : (${t}, tensor<f32>) -> tensor<f32>
    "func.return"(%sum, %max) : (tensor<${rows}xf32>, tensor<f32>) -> ()`,
  );
}

/** Sum of 1..n (n: i32 scalar argument) with a while loop, in int64. */
export const whileSum = mainModule(
  "while_sum",
  ["tensor<i32>"],
  ["tensor<i64>"],
  `    %zero = "stablehlo.constant"() {value = dense<0> : tensor<i64>} : () -> tensor<i64>
    %one = "stablehlo.constant"() {value = dense<1> : tensor<i32>} : () -> tensor<i32>
    %r:2 = "stablehlo.while"(%one, %zero) ({
      ^bb0(%i: tensor<i32>, %acc: tensor<i64>):
        %c = "stablehlo.compare"(%i, %arg0) {comparison_direction = #stablehlo<comparison_direction LE>} : (tensor<i32>, tensor<i32>) -> tensor<i1>
        "stablehlo.return"(%c) : (tensor<i1>) -> ()
    }, {
      ^bb0(%i: tensor<i32>, %acc: tensor<i64>):
        %w = "stablehlo.convert"(%i) : (tensor<i32>) -> tensor<i64>
        %acc2 = "stablehlo.add"(%acc, %w) : (tensor<i64>, tensor<i64>) -> tensor<i64>
        %i2 = "stablehlo.add"(%i, %one) : (tensor<i32>, tensor<i32>) -> tensor<i32>
        "stablehlo.return"(%i2, %acc2) : (tensor<i32>, tensor<i64>) -> ()
    }) : (tensor<i32>, tensor<i64>) -> (tensor<i32>, tensor<i64>)
    "func.return"(%r#1) : (tensor<i64>) -> ()`,
);

/**
 * A long-running loop: n times v = v * a + b on f32[1024] (a, b, v arguments, so nothing folds).
 * With a = b = 1 the result is v + n exactly (for v + n < 2^24).
 */
export const longLoop = mainModule(
  "long_loop",
  ["tensor<1024xf32>", "tensor<1024xf32>", "tensor<1024xf32>", "tensor<i32>"],
  ["tensor<1024xf32>"],
  `    %zero = "stablehlo.constant"() {value = dense<0> : tensor<i32>} : () -> tensor<i32>
    %one = "stablehlo.constant"() {value = dense<1> : tensor<i32>} : () -> tensor<i32>
    %r:2 = "stablehlo.while"(%zero, %arg0) ({
      ^bb0(%i: tensor<i32>, %v: tensor<1024xf32>):
        %c = "stablehlo.compare"(%i, %arg3) {comparison_direction = #stablehlo<comparison_direction LT>} : (tensor<i32>, tensor<i32>) -> tensor<i1>
        "stablehlo.return"(%c) : (tensor<i1>) -> ()
    }, {
      ^bb0(%i: tensor<i32>, %v: tensor<1024xf32>):
        %m = "stablehlo.multiply"(%v, %arg1) : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
        %s = "stablehlo.add"(%m, %arg2) : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
        %i2 = "stablehlo.add"(%i, %one) : (tensor<i32>, tensor<i32>) -> tensor<i32>
        "stablehlo.return"(%i2, %s) : (tensor<i32>, tensor<1024xf32>) -> ()
    }) : (tensor<i32>, tensor<1024xf32>) -> (tensor<i32>, tensor<1024xf32>)
    "func.return"(%r#1) : (tensor<1024xf32>) -> ()`,
);

/** Several results of different shapes and dtypes from two f32[2,3]. */
export const severalResults = mainModule(
  "several",
  ["tensor<2x3xf32>", "tensor<2x3xf32>"],
  ["tensor<2x3xf32>", "tensor<2x3xf32>", "tensor<3x2xf32>", "tensor<2x3xi32>", "tensor<2x3xi1>"],
  `    %0 = "stablehlo.add"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %1 = "stablehlo.multiply"(%arg0, %arg1) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %2 = "stablehlo.transpose"(%arg0) {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
    %3 = "stablehlo.convert"(%arg1) : (tensor<2x3xf32>) -> tensor<2x3xi32>
    %4 = "stablehlo.compare"(%arg0, %arg1) {comparison_direction = #stablehlo<comparison_direction GT>} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
    "func.return"(%0, %1, %2, %3, %4) : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3x2xf32>, tensor<2x3xi32>, tensor<2x3xi1>) -> ()`,
);

/** Identity on one tensor type (round trips through the device). */
export function identity(type: string): string {
  return mainModule("identity", [type], [type], `    "func.return"(%arg0) : (${type}) -> ()`);
}

/** Cross-replica sum of f32[4] (run with numReplicas = 2). */
export const allReduceSum = mainModule(
  "all_reduce",
  ["tensor<4xf32>"],
  ["tensor<4xf32>"],
  `    %0 = "stablehlo.all_reduce"(%arg0) ({
      ^bb0(%a: tensor<f32>, %b: tensor<f32>):
        %s = "stablehlo.add"(%a, %b) : (tensor<f32>, tensor<f32>) -> tensor<f32>
        "stablehlo.return"(%s) : (tensor<f32>) -> ()
    }) {replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>} : (tensor<4xf32>) -> tensor<4xf32>
    "func.return"(%0) : (tensor<4xf32>) -> ()`,
);

/** x + y where x (argument 0) may be donated and aliases the output. */
export const donatingAdd = `module @donate {
  func.func public @main(%arg0: tensor<4xf32> {tf.aliasing_output = 0 : i32}, %arg1: tensor<4xf32>) -> (tensor<4xf32>) {
    %0 = "stablehlo.add"(%arg0, %arg1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    "func.return"(%0) : (tensor<4xf32>) -> ()
  }
}`;
