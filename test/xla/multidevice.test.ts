// Several devices of the CPU plugin (cpu_device_count: 2): one portable program on each device,
// and a replicated program with a cross-replica sum.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Runtime } from "../../src/xla/index.js";
import { allReduceSum, binary, list, noRuntime } from "./programs.js";

describe.skipIf(noRuntime)("xla runtime on two CPU devices", () => {
  let rt: Runtime;
  beforeAll(() => {
    rt = Runtime.open({ createOptions: { cpu_device_count: 2 } });
  });
  afterAll(() => rt?.dispose());

  it("opens the plugin with two devices", () => {
    expect(rt.devices.map((d) => d.index)).toEqual([0, 1]);
    expect(rt.devices[0]!.id).not.toBe(rt.devices[1]!.id);
  });

  it("runs the same compiled program on each device", async () => {
    const exe = await rt.compile(binary("multiply", "tensor<3xf32>"));
    const results = await Promise.all(
      rt.devices.map(async (dev, k) => {
        const x = rt.fromHost(new Float32Array([1, 2, 3]).map((v) => v + k), [3], "float32", dev);
        expect(x.device).toBe(dev);
        const [y] = exe.run([x, x], { device: dev });
        expect(y!.device).toBe(dev);
        return list(await y!.toHost());
      }),
    );
    expect(results).toEqual([
      [1, 4, 9],
      [4, 9, 16],
    ]);
  });

  it("uses the device named at compile time by default", async () => {
    const dev = rt.devices[1]!;
    const exe = await rt.compile(binary("add", "tensor<2xi32>"), { device: dev });
    expect(exe.device).toBe(dev);
    const x = rt.fromHost(new Int32Array([5, 6]), [2], "int32", dev);
    const [y] = exe.run([x, x]);
    expect(y!.device).toBe(dev);
    expect(list(await y!.toHost())).toEqual([10, 12]);
    const other = rt.fromHost(new Int32Array([5, 6]), [2]);
    expect(() => exe.run([other, other])).toThrow(/argument 0 is on device .* but the program runs on/);
  });

  it("copies buffers between devices", async () => {
    const [d0, d1] = rt.devices as [typeof rt.devices[0], typeof rt.devices[0]];
    const a = rt.fromHost(new Int32Array([1, -2, 3]), [3], "int32", d0);
    const b = a.copyTo(d1);
    expect(b.device).toBe(d1);
    expect(b.shape).toEqual([3]);
    expect(a.copyTo(d0)).toBe(a);
    a.dispose();
    expect(list(await b.toHost())).toEqual([1, -2, 3]);
    expect(() => a.copyTo(d1)).toThrow(/has been disposed/);
  });

  it("runs a replicated program with a cross-replica sum", async () => {
    const exe = await rt.compile(allReduceSum, { numReplicas: 2 });
    expect(exe.numReplicas).toBe(2);
    expect(exe.devices.length).toBe(2);
    expect(exe.device).toBeUndefined();
    const lists = exe.devices.map((dev, r) => [rt.fromHost(new Float32Array([1, 2, 3, 4]).map((v) => v * 10 ** r), [4], "float32", dev)]);
    const outs = exe.runOnDevices(lists);
    expect(outs.length).toBe(2);
    for (const [r, [o]] of outs.entries()) {
      expect(o!.device).toBe(exe.devices[r]);
      expect(list(await o!.toHost())).toEqual([11, 22, 33, 44]);
    }
    expect(() => exe.run(lists[0]!)).toThrow(/runs on 2 devices .* use runOnDevices/);
    expect(() => exe.runOnDevices([lists[0]!])).toThrow(/needs as many argument lists, got 1/);
  });

  it("runs an SPMD-partitioned program on shards", async () => {
    // f32[8] split over 2 partitions: x*x stays sharded, the sum is replicated.
    const spmd = `module @spmd attributes {mhlo.num_partitions = 2 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<8xf32> {mhlo.sharding = "{devices=[2]<=[2]}"}) -> (tensor<8xf32> {mhlo.sharding = "{devices=[2]<=[2]}"}, tensor<f32> {mhlo.sharding = "{replicated}"}) {
    %0 = "stablehlo.multiply"(%arg0, %arg0) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
    %z = "stablehlo.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
    %s = "stablehlo.reduce"(%arg0, %z) ({
      ^bb0(%a: tensor<f32>, %b: tensor<f32>):
        %t = "stablehlo.add"(%a, %b) : (tensor<f32>, tensor<f32>) -> tensor<f32>
        "stablehlo.return"(%t) : (tensor<f32>) -> ()
    }) {dimensions = array<i64: 0>} : (tensor<8xf32>, tensor<f32>) -> tensor<f32>
    "func.return"(%0, %s) : (tensor<8xf32>, tensor<f32>) -> ()
  }
}`;
    const exe = await rt.compile(spmd, { numPartitions: 2 });
    expect(exe.numPartitions).toBe(2);
    const shards = exe.devices.map((d, k) => [rt.fromHost(new Float32Array([1, 2, 3, 4]).map((v) => v + 4 * k), [4], "float32", d)]);
    const outs = exe.runOnDevices(shards);
    expect(outs.map((o) => o.map((b) => b.shape))).toEqual([[[4], []], [[4], []]]);
    expect(list(await outs[0]![0]!.toHost())).toEqual([1, 4, 9, 16]);
    expect(list(await outs[1]![0]!.toHost())).toEqual([25, 36, 49, 64]);
    for (const o of outs) expect(list(await o[1]!.toHost())).toEqual([36]);
  });

  it("honours an explicit device assignment", async () => {
    const [d0, d1] = rt.devices as [typeof rt.devices[0], typeof rt.devices[0]];
    const exe = await rt.compile(allReduceSum, { numReplicas: 2, deviceAssignment: [[d1], [d0]] });
    expect(exe.devices).toEqual([d1, d0]);
    const lists = exe.devices.map((dev, r) => [rt.fromHost(new Float32Array([r + 1, 0, 0, 1]), [4], "float32", dev)]);
    const outs = exe.runOnDevices(lists);
    expect(outs[0]![0]!.device).toBe(d1);
    expect(list(await outs[1]![0]!.toHost())).toEqual([3, 0, 0, 2]);
  });
});
