// 20,000 executions with inputs uploaded, outputs read and everything disposed: resident
// memory stays flat (bounded growth), and no event stays pending.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Runtime } from "../../src/xla/index.js";
import { loadAddon } from "../../src/xla/native.js";
import { addOne, noRuntime } from "./programs.js";

describe.skipIf(noRuntime)("xla runtime memory", () => {
  let rt: Runtime;
  beforeAll(() => {
    rt = Runtime.open();
  });
  afterAll(() => rt?.dispose());

  it("keeps RSS bounded over 20,000 executions", async () => {
    // 256 elements: the plugin runs it inline and the read is direct; 2048 elements (over its
    // 1000-flop threshold): it runs on the plugin's threads and the read completes from an event.
    const small = await rt.compile(addOne(256));
    const large = await rt.compile(addOne(2048));
    const data = new Float32Array(2048).map((_, i) => i);
    const step = async (i: number) => {
      const n = i % 2 ? 2048 : 256;
      const x = rt.fromHost(data.subarray(0, n), [n]);
      const [y] = (n === 256 ? small : large).run([x]);
      x.dispose();
      const host = await y!.toHost();
      y!.dispose();
      if (host[n - 1] !== n) throw new Error(`wrong result at iteration ${i}: ${host[n - 1]}`);
    };
    for (let i = 0; i < 2000; i++) await step(i); // warm up allocators and JIT
    global.gc?.();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 20_000; i++) await step(i);
    // Also the sync read path and buffers left to the garbage collector (no dispose).
    for (let i = 0; i < 2000; i++) {
      const [y] = small.run([rt.fromHost(data.subarray(0, 256), [256])]);
      expect(y!.toHostSync()[0]).toBe(1);
    }
    global.gc?.();
    const growth = (process.memoryUsage().rss - before) / 2 ** 20;
    expect(growth).toBeLessThan(64);
    expect(loadAddon().pendingEvents()).toBe(0);
  });
});
