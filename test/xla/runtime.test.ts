// Hand-written StableHLO programs compiled and run through the PJRT plugin, results checked.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Runtime, addonPath, defaultRuntime, type DeviceBuffer } from "../../src/xla/index.js";
import { addOne, binary, identity, list, matmul, noRuntime, reduceSumMax, severalResults, whileSum } from "./programs.js";

describe.skipIf(noRuntime)("xla runtime", () => {
  let rt: Runtime;
  beforeAll(() => {
    rt = Runtime.open();
  });
  afterAll(() => rt?.dispose());

  it("opens the installed plugin and lists its devices", () => {
    expect(rt.platform).toBe("cpu");
    expect(rt.apiVersion.major).toBe(0);
    expect(rt.apiVersion.minor).toBeGreaterThanOrEqual(60);
    expect(rt.devices.length).toBeGreaterThanOrEqual(1);
    rt.devices.forEach((d, i) => {
      expect(d.index).toBe(i);
      expect(d.platform).toBe("cpu");
      expect(d.kind).toBe("cpu");
      expect(typeof d.id).toBe("number");
    });
    expect(new Set(rt.devices.map((d) => d.id)).size).toBe(rt.devices.length);
    expect(rt.pluginPath).toMatch(/\.so$/);
  });

  it("adds elementwise (async compile, async read)", async () => {
    const exe = await rt.compile(binary("add", "tensor<4xf32>"));
    expect(exe.numOutputs).toBe(1);
    expect(exe.outputs[0]).toMatchObject({ shape: [4], dtype: "float32" });
    const a = rt.fromHost(new Float32Array([1, 2, 3, 4]), [4]);
    const b = rt.fromHost(new Float32Array([0.5, -2, 10, 1e6]), [4]);
    const [c] = exe.run([a, b]);
    expect(c!.shape).toEqual([4]);
    expect(c!.dtype).toBe("float32");
    expect(c!.device).toBe(rt.devices[0]);
    const host = await c!.toHost();
    expect(host).toBeInstanceOf(Float32Array);
    expect(list(host)).toEqual([1.5, 0, 13, 1000004]);
    await c!.ready();
    for (const x of [a, b, c!, exe]) x.dispose();
  });

  it("compiles synchronously and reads synchronously", () => {
    const exe = rt.compileSync(addOne(4));
    const x = rt.fromHost(new Float32Array([1, 2, 3, 4]), [4]);
    const [y] = exe.run([x]);
    expect(list(y!.toHostSync())).toEqual([2, 3, 4, 5]);
    expect(y!.toString()).toContain("float32[4]");
    for (const b of [x, y!]) b.dispose();
    exe.dispose();
  });

  it("multiplies 64×64 matrices like the host does", async () => {
    const n = 64;
    const A = new Float32Array(n * n);
    const B = new Float32Array(n * n);
    for (let i = 0; i < n * n; i++) {
      A[i] = Math.sin(i * 0.37) * 2;
      B[i] = Math.cos(i * 0.11) - 0.25;
    }
    const expected = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[i * n + k]! * B[k * n + j]!;
        expected[i * n + j] = s;
      }
    const exe = await rt.compile(matmul(n, n, n));
    const [c] = exe.run([rt.fromHost(A, [n, n]), rt.fromHost(B, [n, n])]);
    expect(c!.shape).toEqual([n, n]);
    const got = (await c!.toHost()) as Float32Array;
    let maxErr = 0;
    for (let i = 0; i < n * n; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - expected[i]!));
    expect(maxErr).toBeLessThan(1e-4);
  });

  it("reduces (sum over an axis, max over all)", async () => {
    const x = new Float32Array([1, 2, 3, 4, -5, 6, 7, 8, 9, 10, 11, -120]);
    const exe = await rt.compile(reduceSumMax(3, 4));
    expect(exe.numOutputs).toBe(2);
    const [sum, max] = exe.run([rt.fromHost(x, [3, 4])]);
    expect(sum!.shape).toEqual([3]);
    expect(max!.shape).toEqual([]);
    expect(list(await sum!.toHost())).toEqual([10, 16, -90]);
    expect(list(await max!.toHost())).toEqual([11]);
  });

  it("runs a while loop summing 1..N", async () => {
    const exe = await rt.compile(whileSum);
    for (const n of [0, 1, 10, 1000, 100_000]) {
      const [s] = exe.run([rt.fromHost(new Int32Array([n]), [])]);
      expect(s!.dtype).toBe("int64");
      const v = (await s!.toHost()) as BigInt64Array;
      expect(v[0]).toBe((BigInt(n) * BigInt(n + 1)) / 2n);
    }
  });

  it("returns several results of different shapes and dtypes", async () => {
    const exe = await rt.compile(severalResults);
    expect(exe.numOutputs).toBe(5);
    const a = rt.fromHost(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const b = rt.fromHost(new Float32Array([6, 5, 4, 3.7, 2, -1]), [2, 3]);
    const outs = exe.run([a, b]);
    expect(outs.map((o) => o.shape)).toEqual([[2, 3], [2, 3], [3, 2], [2, 3], [2, 3]]);
    expect(outs.map((o) => o.dtype)).toEqual(["float32", "float32", "float32", "int32", "bool"]);
    const [sum, prod, tr, conv, gt] = await Promise.all(outs.map((o) => o.toHost()));
    expect(list(sum!)).toEqual([7, 7, 7, 7.7, 7, 5].map((v) => Math.fround(v)));
    expect(list(prod!)).toEqual([6, 10, 12, Math.fround(4 * 3.7), 10, -6]);
    expect(list(tr!)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(conv).toBeInstanceOf(Int32Array);
    expect(list(conv!)).toEqual([6, 5, 4, 3, 2, -1]);
    expect(gt).toBeInstanceOf(Uint8Array);
    expect(list(gt!)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it("passes int32, uint32, uint8, bool, f64, int8 and int64 inputs", async () => {
    const cases: [string, string, ArrayLike<number | bigint>, ArrayLike<number | bigint>, (number | bigint)[]][] = [
      ["multiply", "tensor<4xi32>", new Int32Array([3, -7, 2 ** 30, 5]), new Int32Array([4, 6, 2, -1]), [12, -42, -(2 ** 31), -5]],
      ["xor", "tensor<3xui32>", new Uint32Array([0xffffffff, 0x12345678, 1]), new Uint32Array([0x0f0f0f0f, 0xffffffff, 3]), [0xf0f0f0f0, 0xedcba987, 2]],
      ["add", "tensor<3xui8>", new Uint8Array([250, 1, 128]), new Uint8Array([10, 2, 128]), [4, 3, 0]],
      ["and", "tensor<4xi1>", new Uint8Array([1, 1, 0, 0]), new Uint8Array([1, 0, 1, 0]), [1, 0, 0, 0]],
      ["or", "tensor<4xi1>", new Uint8Array([1, 1, 0, 0]), new Uint8Array([1, 0, 1, 0]), [1, 1, 1, 0]],
      ["divide", "tensor<2xf64>", new Float64Array([1, 2]), new Float64Array([3, 7]), [1 / 3, 2 / 7]],
      ["subtract", "tensor<2xi8>", new Int8Array([-128, 100]), new Int8Array([1, -100]), [127, -56]],
      ["add", "tensor<2xi64>", new BigInt64Array([2n ** 62n, -5n]), new BigInt64Array([2n ** 62n - 1n, 3n]), [2n ** 63n - 1n, -2n]],
    ];
    const dtypes: Record<string, string> = { i32: "int32", ui32: "uint32", ui8: "uint8", i1: "bool", f64: "float64", i8: "int8", i64: "int64" };
    for (const [op, type, x, y, want] of cases) {
      const elem = /x(\w+)>$/.exec(type)![1]!;
      const exe = await rt.compile(binary(op, type));
      const n = x.length;
      const dtype = dtypes[elem] as "bool";
      const bx = rt.fromHost(x as Uint8Array, [n], elem === "i1" ? "bool" : undefined);
      const by = rt.fromHost(y as Uint8Array, [n], elem === "i1" ? "bool" : undefined);
      expect(bx.dtype).toBe(dtype);
      const [out] = exe.run([bx, by]);
      expect(out!.dtype).toBe(dtype);
      const got = list(await out!.toHost() as ArrayLike<number | bigint>);
      expect(got, `${op} ${type}`).toEqual(want);
      exe.dispose();
    }
  });

  it("round-trips float16 and bfloat16 bits and converts them", async () => {
    // 1.0, -2.0, 0.5, 65504 (max f16) as f16 bits; 1.0, -2.0, 0.5, 3.3895e38 as bf16 bits
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff]);
    const bf16 = new Uint16Array([0x3f80, 0xc000, 0x3f00, 0x7f7f]);
    const id16 = await rt.compile(identity("tensor<4xf16>"));
    const b = rt.fromHost(f16, [4], "float16");
    expect(b.dtype).toBe("float16");
    const [o] = id16.run([b]);
    expect(list(await o!.toHost())).toEqual(list(f16));
    const conv = await rt.compile(`module @conv {
  func.func public @main(%a: tensor<4xf16>, %b: tensor<4xbf16>) -> (tensor<4xf32>, tensor<4xf32>) {
    %0 = "stablehlo.convert"(%a) : (tensor<4xf16>) -> tensor<4xf32>
    %1 = "stablehlo.convert"(%b) : (tensor<4xbf16>) -> tensor<4xf32>
    "func.return"(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> ()
  }
}`);
    const [x, y] = conv.run([b, rt.fromHost(bf16, [4], "bfloat16")]);
    expect(list(await x!.toHost())).toEqual([1, -2, 0.5, 65504]);
    const yv = list(await y!.toHost());
    expect(yv.slice(0, 3)).toEqual([1, -2, 0.5]);
    expect(yv[3]).toBeCloseTo(3.3895314e38, -33);
  });

  it("handles scalars and empty arrays", async () => {
    const exe = await rt.compile(binary("add", "tensor<0x3xf32>"));
    const e = rt.fromHost(new Float32Array(0), [0, 3]);
    const [o] = exe.run([e, e]);
    expect(o!.shape).toEqual([0, 3]);
    expect((await o!.toHost()).length).toBe(0);
    expect(o!.toHostSync().length).toBe(0);
    const s = await rt.compile(binary("multiply", "tensor<f64>"));
    const [p] = s.run([rt.fromHost(new Float64Array([1.5]), []), rt.fromHost(new Float64Array([-4]), [])]);
    expect(list(await p!.toHost())).toEqual([-6]);
  });

  it("runs programs without arguments or without results", async () => {
    const consts = await rt.compile(`module @c {
  func.func public @main() -> (tensor<2xi32>, tensor<f32>) {
    %0 = "stablehlo.constant"() {value = dense<[7, 8]> : tensor<2xi32>} : () -> tensor<2xi32>
    %1 = "stablehlo.constant"() {value = dense<2.5> : tensor<f32>} : () -> tensor<f32>
    "func.return"(%0, %1) : (tensor<2xi32>, tensor<f32>) -> ()
  }
}`);
    const [a, b] = consts.run([]);
    expect(list(await a!.toHost())).toEqual([7, 8]);
    expect(list(await b!.toHost())).toEqual([2.5]);
    const none = await rt.compile(`module @e { func.func public @main(%a: tensor<2xf32>) -> () { "func.return"() : () -> () } }`);
    expect(none.numOutputs).toBe(0);
    expect(none.run([rt.fromHost(new Float32Array(2), [2])])).toEqual([]);
  });

  it("normalises bool data to 0/1", async () => {
    const exe = await rt.compile(identity("tensor<3xi1>"));
    const [o] = exe.run([rt.fromHost(new Uint8Array([0, 7, 255]), [3], "bool")]);
    expect(list(await o!.toHost())).toEqual([0, 1, 1]);
  });

  it("chains executions on device buffers without host round trips", async () => {
    const exe = await rt.compile(addOne(4));
    let x: DeviceBuffer = rt.fromHost(new Float32Array([0, 1, 2, 3]), [4]);
    for (let i = 0; i < 100; i++) {
      const [y] = exe.run([x]);
      x.dispose();
      x = y!;
    }
    expect(list(await x.toHost())).toEqual([100, 101, 102, 103]);
  });

  it("reads the same buffer many times concurrently, and disposing mid-read is safe", async () => {
    const exe = await rt.compile(addOne(1024));
    const x = rt.fromHost(new Float32Array(1024).fill(1), [1024]);
    const [y] = exe.run([x]);
    const reads = Array.from({ length: 16 }, () => y!.toHost());
    y!.dispose();
    for (const r of await Promise.all(reads)) expect(r[1023]).toBe(2);
    expect(y!.disposed).toBe(true);
  });

  it("reads into a caller's typed array", async () => {
    const exe = await rt.compile(addOne(4));
    const [y] = exe.run([rt.fromHost(new Float32Array([1, 2, 3, 4]), [4])]);
    const into = new Float32Array(4);
    expect(await y!.toHost(into)).toBe(into);
    expect(list(into)).toEqual([2, 3, 4, 5]);
    const into2 = new Float32Array(4);
    expect(y!.toHostSync(into2)).toBe(into2);
    expect(list(into2)).toEqual([2, 3, 4, 5]);
    await expect(y!.toHost(new Float32Array(3))).rejects.toThrow(/destination must be a Float32Array of 4 elements, got Float32Array of 3/);
    expect(() => y!.toHostSync(new Int32Array(4) as never)).toThrow(/destination must be a Float32Array/);
  });

  it("supports `using` via Symbol.dispose", () => {
    let ref: DeviceBuffer | undefined;
    {
      using b = rt.fromHost(new Float32Array([1]), [1]);
      ref = b;
      expect(ref.disposed).toBe(false);
    }
    expect(ref.disposed).toBe(true);
  });

  it("keeps buffers and executables usable after the runtime is disposed", async () => {
    const own = Runtime.open();
    const exe = await own.compile(addOne(2));
    const x = own.fromHost(new Float32Array([1, 2]), [2]);
    own.dispose();
    expect(own.disposed).toBe(true);
    expect(() => own.fromHost(new Float32Array([1]), [1])).toThrow(/disposed/);
    const [y] = exe.run([x]);
    expect(list(await y!.toHost())).toEqual([2, 3]);
  });

  it("works with padded args structs (the path for plugins newer than the header)", () => {
    // XLA_TS_PJRT_FORCE_PAD=1 passes every args struct with zeroed padding and a larger
    // struct_size, as the addon does for a plugin whose PJRT minor version is newer.
    const script = `
      const addon = require(${JSON.stringify(addonPath())});
      const c = new addon.PjrtClient(${JSON.stringify(rt.pluginPath)}, { cpu_device_count: 2 });
      const exe = c.compileSync(${JSON.stringify(addOne(4))}, {});
      const x = c.bufferFromHost(new Float32Array([1, 2, 3, 4]), [4], 11, 1);
      const [y] = exe.run([x], 1, 1);
      y.toHost().then((ab) => console.log(JSON.stringify({
        padded: addon.pluginInfo(${JSON.stringify(rt.pluginPath)}).padded,
        devices: c.devices().length,
        sync: Array.from(new Float32Array(y.toHostSync())),
        async: Array.from(new Float32Array(ab)),
      })));`;
    const r = spawnSync(process.execPath, ["-e", script], {
      encoding: "utf8",
      env: { ...process.env, XLA_TS_PJRT_FORCE_PAD: "1", TF_CPP_MIN_LOG_LEVEL: "1" },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ padded: true, devices: 2, sync: [2, 3, 4, 5], async: [2, 3, 4, 5] });
  });

  it("shares one default runtime per process", () => {
    const a = defaultRuntime();
    expect(defaultRuntime()).toBe(a);
    expect(a.devices.length).toBeGreaterThan(0);
  });
});
