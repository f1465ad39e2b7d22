// Bad input and PJRT failures: each a clear JS error, never a crash.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Runtime, type Executable } from "../../src/xla/index.js";
import { loadAddon } from "../../src/xla/native.js";
import { addOne, binary, donatingAdd, list, noRuntime } from "./programs.js";

describe.skipIf(noRuntime)("xla runtime errors", () => {
  let rt: Runtime;
  let add: Executable;
  beforeAll(async () => {
    rt = Runtime.open();
    add = await rt.compile(binary("add", "tensor<4xf32>"));
  });
  afterAll(() => rt?.dispose());
  const f32 = (...v: number[]) => rt.fromHost(new Float32Array(v), [v.length]);

  it("rejects malformed MLIR with the parser's diagnostic (async and sync)", async () => {
    const bad = `module @m {
  func.func public @main(%arg0: tensor<4xf32>) -> (tensor<4xf32>) {
    %0 = "stablehlo.add"(%arg0, %undefined_value) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    "func.return"(%0) : (tensor<4xf32>) -> ()
  }
}`;
    const err = await rt.compile(bad).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/^[A-Z_]+: PJRT_Client_Compile: /);
    expect(err!.message).toContain("use of undeclared SSA value name");
    expect(err!.message).toMatch(/3:\d+: error/); // line:column of the diagnostic
    expect((err as Error & { code: string }).code).toMatch(/^[A-Z_]+$/);
    expect(() => rt.compileSync("this is not MLIR")).toThrow(/PJRT_Client_Compile: .*error/s);
  });

  it("rejects a type error in a well-formed module", async () => {
    const bad = binary("add", "tensor<4xf32>").replace("-> tensor<4xf32>\n", "-> tensor<5xf32>\n");
    await expect(rt.compile(bad)).rejects.toThrow(/PJRT_Client_Compile/);
  });

  it("rejects a non-string program and bad compile options before calling PJRT", async () => {
    await expect(rt.compile(42 as unknown as string)).rejects.toThrow(/must be StableHLO MLIR text/);
    expect(() => rt.compileSync(addOne(4), { numReplicas: 0 })).toThrow(/numReplicas must be a positive integer/);
    expect(() => rt.compileSync(addOne(4), { numReplicas: 1000 })).toThrow(/need 1000 devices/);
  });

  it("checks the number of arguments", () => {
    expect(() => add.run([f32(1, 2, 3, 4)])).toThrow("Executable.run: the program takes 2 arguments, got 1");
    expect(() => add.run([f32(1, 2, 3, 4), f32(1, 2, 3, 4), f32(1, 2, 3, 4)])).toThrow(/takes 2 arguments, got 3/);
  });

  it("checks argument shapes and dtypes", () => {
    expect(() => add.run([f32(1, 2, 3, 4), f32(1, 2, 3)])).toThrow(
      "Executable.run: argument 1 has shape [3] and dtype float32, but the program expects shape [4] and dtype float32",
    );
    const i32 = rt.fromHost(new Int32Array([1, 2, 3, 4]), [4]);
    expect(() => add.run([i32, f32(1, 2, 3, 4)])).toThrow(/argument 0 has shape \[4\] and dtype int32, but the program expects shape \[4\] and dtype float32/);
    const m = rt.fromHost(new Float32Array(4), [2, 2]);
    expect(() => add.run([f32(1, 2, 3, 4), m])).toThrow(/argument 1 has shape \[2, 2\]/);
  });

  it("rejects things that are not device buffers", () => {
    expect(() => add.run([f32(1, 2, 3, 4), new Float32Array(4) as never])).toThrow("Executable.run: argument 1 is not a DeviceBuffer (got Float32Array)");
    expect(() => add.run(null as never)).toThrow(/arguments must be an array/);
    expect(() => add.run([f32(1, 2, 3, 4), undefined as never])).toThrow(/argument 1 is not a DeviceBuffer/);
  });

  it("the native layer checks its input too (no abort when the TS checks are bypassed)", () => {
    const addon = loadAddon();
    const client = new addon.PjrtClient(rt.pluginPath, {});
    expect(() => client.bufferFromHost(new Float32Array(3), [4], 11, 0)).toThrow(/holds 12 bytes but shape \[4\]/);
    expect(() => client.bufferFromHost(new Float32Array(4), [4], 999, 0)).toThrow(/unsupported element type/);
    expect(() => client.bufferFromHost(new Float32Array(4), [4], 11, 99)).toThrow(/out of range/);
    expect(() => client.bufferFromHost([1, 2] as never, [2], 11, 0)).toThrow(/typed array/);
    expect(() => client.bufferFromHost(new Float32Array(4), [-4], 11, 0)).toThrow(/non-negative integers/);
    const exe = client.compileSync(binary("add", "tensor<4xf32>"), {});
    const good = client.bufferFromHost(new Float32Array(4), [4], 11, 0);
    const short = client.bufferFromHost(new Float32Array(3), [3], 11, 0);
    expect(() => exe.run([good], 1, 0)).toThrow(/INVALID_ARGUMENT: PJRT_LoadedExecutable_Execute: .*/);
    expect(() => exe.run([good, short], 1, 0)).toThrow(/INVALID_ARGUMENT: PJRT_LoadedExecutable_Execute/);
    expect(() => exe.run([good, {} as never], 1, 0)).toThrow(/argument 1 is not a DeviceBuffer/);
    expect(() => exe.run([good, good], 1, 7)).toThrow(/out of range/);
    expect(() => exe.run([good, good], 1, -1)).toThrow(/needs a device/);
    expect(() => exe.run([good, good], 1, 0, [5])).toThrow(/donate lists argument 5/);
    const [out] = exe.run([good, good], 1, 0);
    expect(out!.toHostSync().byteLength).toBe(16);
    expect(() => new (addon.PjrtBuffer as unknown as new () => unknown)()).toThrow(/cannot be constructed/);
    client.dispose();
    expect(() => client.compileSync(addOne(4), {})).toThrow(/disposed/);
  });

  it("rejects bad host data in fromHost", () => {
    expect(() => rt.fromHost(new Float32Array(3), [4])).toThrow("Runtime.fromHost: shape [4] has 4 elements but the Float32Array has 3");
    expect(() => rt.fromHost(new Float32Array(4), [4], "int32")).toThrow("Runtime.fromHost: dtype int32 needs a Int32Array, got Float32Array");
    expect(() => rt.fromHost(new Float32Array(4), [2, -2])).toThrow(/non-negative integers/);
    expect(() => rt.fromHost(new Float32Array(4), [4.5] as number[])).toThrow(/non-negative integers/);
    expect(() => rt.fromHost([1, 2, 3] as never, [3])).toThrow(/data must be a typed array, got Array/);
    expect(() => rt.fromHost(new Int16Array(2) as never, [2])).toThrow(/not a supported typed array/);
    expect(() => rt.fromHost(new Float32Array(1), [1], "float8" as never)).toThrow(/unknown dtype float8/);
    expect(() => rt.fromHost(new Float32Array(1), [1], undefined, { id: 9, kind: "cpu", platform: "cpu" } as never)).toThrow(/not one of this runtime's devices/);
  });

  it("refuses a disposed buffer with a clear error", async () => {
    const x = f32(1, 2, 3, 4);
    x.dispose();
    x.dispose(); // idempotent
    expect(x.disposed).toBe(true);
    expect(x.donated).toBe(false);
    expect(() => add.run([x, f32(1, 1, 1, 1)])).toThrow("Executable.run: argument 0 has been disposed");
    await expect(x.toHost()).rejects.toThrow(/DeviceBuffer.toHost: this DeviceBuffer has been disposed/);
    expect(() => x.toHostSync()).toThrow(/has been disposed/);
    await expect(x.ready()).rejects.toThrow(/has been disposed/);
  });

  it("refuses a disposed executable", () => {
    const exe = rt.compileSync(addOne(4));
    exe.dispose();
    expect(exe.disposed).toBe(true);
    expect(() => exe.run([f32(1, 2, 3, 4)])).toThrow("Executable.run: the executable has been disposed");
  });

  it("donates an input: the output reuses it and the handle says it was donated", async () => {
    const exe = await rt.compile(donatingAdd);
    expect(exe.params?.[0]?.donor).toBe(true);
    const x = f32(1, 2, 3, 4);
    const y = f32(10, 20, 30, 40);
    const [z] = exe.run([x, y], { donate: [0] });
    expect(x.donated).toBe(true);
    expect(x.disposed).toBe(true);
    expect(y.donated).toBe(false);
    expect(list(await z!.toHost())).toEqual([11, 22, 33, 44]);
    expect(() => exe.run([x, y])).toThrow("Executable.run: argument 0 was donated to an earlier execution and can no longer be used");
    await expect(x.toHost()).rejects.toThrow(/was donated/);
    x.dispose(); // no-op, no throw
    // Not donated: both inputs stay usable.
    const [w] = exe.run([z!, y]);
    expect(z!.donated).toBe(false);
    expect(list(await z!.toHost())).toEqual([11, 22, 33, 44]);
    expect(list(await w!.toHost())).toEqual([21, 42, 63, 84]);
  });

  it("rejects bad donation requests", () => {
    const x = f32(1, 2, 3, 4);
    expect(() => add.run([x, x], { donate: [0] })).toThrow(/argument 0 is donated but the same DeviceBuffer is also passed as argument 1/);
    expect(() => add.run([x, f32(0, 0, 0, 0)], { donate: [2] })).toThrow(/donate lists 2/);
    expect(x.donated).toBe(false);
  });

  it("names the way to get a plugin when the path is missing", () => {
    expect(() => Runtime.open({ plugin: "/nonexistent/libpjrt.so" })).toThrow(
      /Runtime.open: the PJRT plugin \/nonexistent\/libpjrt.so does not exist.*npm install.*XLA_TS_PJRT_PLUGIN/s,
    );
    const saved = process.env.XLA_TS_PJRT_PLUGIN;
    process.env.XLA_TS_PJRT_PLUGIN = "/nowhere/plugin.so";
    try {
      expect(() => Runtime.open()).toThrow(/XLA_TS_PJRT_PLUGIN=\/nowhere\/plugin.so does not exist/);
    } finally {
      if (saved === undefined) delete process.env.XLA_TS_PJRT_PLUGIN;
      else process.env.XLA_TS_PJRT_PLUGIN = saved;
    }
  });

  it("reports a file that is not a PJRT plugin", () => {
    const junk = path.join(os.tmpdir(), `not-a-plugin-${process.pid}.so`);
    fs.writeFileSync(junk, "this is not an ELF file");
    try {
      expect(() => Runtime.open({ plugin: junk })).toThrow(/^NOT_FOUND: load plugin: cannot load PJRT plugin .*not-a-plugin/);
    } finally {
      fs.rmSync(junk);
    }
    const libc = ["/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"].find((p) => fs.existsSync(p));
    if (libc) expect(() => Runtime.open({ plugin: libc })).toThrow(/is not a PJRT plugin \(it does not export GetPjrtApi\)/);
  });

  it("reports bad client create options as errors", () => {
    // The CPU plugin reads options with std::get and would abort on a wrong type: checked first.
    expect(() => Runtime.open({ createOptions: { cpu_device_count: "two" } })).toThrow("create option cpu_device_count must be an integer, got a string");
    expect(() => Runtime.open({ createOptions: { cpu_device_count: 1.5 } })).toThrow(/must be an integer, got the number 1.5/);
    expect(() => Runtime.open({ createOptions: { some_option: {} as never } })).toThrow(/must be a number, bigint, string, boolean/);
    expect(() => Runtime.open({ createOptions: { cpu_device_count: 0 } })).toThrow(/no devices/);
  });

  it("rejects a device of another runtime", () => {
    const other = Runtime.open();
    try {
      expect(() => rt.fromHost(new Float32Array(1), [1], undefined, other.devices[0])).toThrow(/not one of this runtime's devices/);
      const b = other.fromHost(new Float32Array(4), [4]);
      expect(() => add.run([b, b])).toThrow(/argument 0 belongs to another Runtime/);
    } finally {
      other.dispose();
    }
  });
});
