// Reading @main's signature from StableHLO text (used to check Executable.run's arguments).
import { describe, expect, it } from "vitest";
import { parseMainSignature } from "../../src/xla/index.js";
import { donatingAdd, reduceSumMax, severalResults, whileSum } from "./programs.js";

describe("parseMainSignature", () => {
  it("reads parameter and result types", () => {
    const s = parseMainSignature(severalResults)!;
    expect(s.params.map((p) => [p.shape, p.dtype])).toEqual([
      [[2, 3], "float32"],
      [[2, 3], "float32"],
    ]);
    expect(s.results.map((p) => [p.shape, p.dtype])).toEqual([
      [[2, 3], "float32"],
      [[2, 3], "float32"],
      [[3, 2], "float32"],
      [[2, 3], "int32"],
      [[2, 3], "bool"],
    ]);
  });

  it("reads scalars, 64-bit and unsigned types", () => {
    expect(parseMainSignature(whileSum)!.params).toEqual([{ shape: [], dtype: "int32", type: "tensor<i32>", donor: false }]);
    expect(parseMainSignature(whileSum)!.results[0]).toMatchObject({ shape: [], dtype: "int64" });
    expect(parseMainSignature(reduceSumMax(3, 4))!.results.map((r) => r.shape)).toEqual([[3], []]);
    const s = parseMainSignature(
      "module { func.func @main(%a: tensor<2xui32>, %b: tensor<1x1x1xbf16>, %c: tensor<5xui8>, %d: tensor<f16>) -> tensor<2xui32> { } }",
    )!;
    expect(s.params.map((p) => p.dtype)).toEqual(["uint32", "bfloat16", "uint8", "float16"]);
    expect(s.results.map((p) => p.type)).toEqual(["tensor<2xui32>"]);
  });

  it("reads argument attributes, donation marks and sharding strings with commas", () => {
    expect(parseMainSignature(donatingAdd)!.params.map((p) => p.donor)).toEqual([true, false]);
    const s = parseMainSignature(
      `module @jit_f attributes {mhlo.num_partitions = 2 : i32} {
  func.func public @main(%arg0: tensor<8x4xf32> {mhlo.sharding = "{devices=[2,1]<=[2]}", jax.buffer_donor = true}, %arg1: tensor<i64> {mhlo.sharding = "{replicated}"}) -> (tensor<8x4xf32> {jax.result_info = "", mhlo.sharding = "{devices=[2,1]<=[2]}"}) {
    "func.return"(%arg0) : (tensor<8x4xf32>) -> ()
  }
}`,
    )!;
    expect(s.params).toEqual([
      { shape: [8, 4], dtype: "float32", type: "tensor<8x4xf32>", donor: true },
      { shape: [], dtype: "int64", type: "tensor<i64>", donor: false },
    ]);
    expect(s.results).toHaveLength(1);
  });

  it("marks dynamic and unsupported types as unknown", () => {
    const s = parseMainSignature("func.func @main(%a: tensor<?x4xf32>, %b: tensor<3xcomplex<f32>>, %c: tensor<2xi16>) -> ()")!;
    expect(s.params.map((p) => [p.shape, p.dtype])).toEqual([
      [null, "float32"],
      [[3], null],
      [[2], null],
    ]);
  });

  it("returns undefined without a @main", () => {
    expect(parseMainSignature("module { func.func @other(%a: tensor<f32>) -> () { } }")).toBeUndefined();
    expect(parseMainSignature("garbage")).toBeUndefined();
  });

  it("handles functions without parameters", () => {
    expect(parseMainSignature("func.func public @main() -> (tensor<f32>) {}")).toEqual({
      params: [],
      results: [{ shape: [], dtype: "float32", type: "tensor<f32>", donor: false }],
    });
  });
});
