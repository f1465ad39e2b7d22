// Garbage in, errors out: random values thrown at every entry point of the runtime and of the
// native addon must give JS errors (or work), never crash the process.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Runtime, type Executable } from "../../src/xla/index.js";
import { loadAddon, type NativeClient } from "../../src/xla/native.js";
import { binary, noRuntime } from "./programs.js";

const junk = fc.oneof(
  fc.anything(),
  fc.constantFrom(NaN, -1, 2 ** 31, 2 ** 53, -0, Infinity, 1e300, 11, 0, 3),
  fc.array(fc.oneof(fc.integer({ min: -3, max: 10 }), fc.double()), { maxLength: 5 }),
  fc.constantFrom(new Float32Array(4), new Float32Array(3), new Uint8Array(4), new BigInt64Array(2), new DataView(new ArrayBuffer(4))),
);

function settles(f: () => unknown): void {
  try {
    const r = f() as { catch?: (h: (e: unknown) => void) => void } | undefined;
    r?.catch?.((e) => expect(e).toBeInstanceOf(Error));
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
  }
}

describe.skipIf(noRuntime)("xla runtime under random input", () => {
  let rt: Runtime;
  let exe: Executable;
  let client: NativeClient;
  beforeAll(() => {
    rt = Runtime.open();
    exe = rt.compileSync(binary("add", "tensor<4xf32>"));
    client = new (loadAddon().PjrtClient)(rt.pluginPath, {});
  });
  afterAll(() => {
    client?.dispose();
    rt?.dispose();
  });

  it("TypeScript API", () => {
    fc.assert(
      fc.property(junk, junk, junk, junk, (a, b, c, d) => {
        const good = rt.fromHost(new Float32Array(4), [4]);
        settles(() => rt.fromHost(a as never, b as never, c as never, d as never));
        settles(() => exe.run(a as never, b as never));
        settles(() => exe.run([good, a] as never, { donate: b } as never));
        settles(() => exe.runOnDevices(a as never, b as never));
        settles(() => rt.compileSync(a as never, b as never));
        settles(() => good.toHostSync(a as never));
        settles(() => good.toHost(a as never));
        settles(() => good.copyTo(a as never));
        good.dispose();
      }),
      { numRuns: 300 },
    );
  });

  it("native addon", () => {
    const nexe = client.compileSync(binary("add", "tensor<4xf32>"), {});
    fc.assert(
      fc.property(junk, junk, junk, junk, (a, b, c, d) => {
        const good = client.bufferFromHost(new Float32Array(4), [4], 11, 0);
        settles(() => client.bufferFromHost(a as never, b as never, c as never, d as never));
        settles(() => client.bufferFromHost(new Float32Array(4), a as never, b as never, c as never));
        settles(() => nexe.run(a as never, b as never, c as never, d as never));
        settles(() => nexe.run([good, a] as never, 1, 0, b as never));
        settles(() => nexe.run([good, good] as never, a as never, b as never, c as never));
        settles(() => client.compileSync("not mlir", a as never)); // options are read first
        settles(() => good.toHostSync(a as never));
        settles(() => good.toHost(a as never));
        settles(() => good.copyToDevice(a as never));
        settles(() => new (loadAddon().PjrtClient)(a as never, b as never));
        good.dispose();
      }),
      { numRuns: 300 },
    );
  });
});
