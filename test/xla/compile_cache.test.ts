// The persistent compilation cache: executable serialization round trips, cache hits across
// runtimes, corrupt entries ignored, keys that tell compile settings apart, garbage refused.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  Runtime,
  compilationCacheDir,
  compilationCacheKey,
  compilationCacheStats,
  setCompilationCacheDir,
} from "../../src/xla/index.js";
import { decodeEntry, encodeEntry } from "../../src/xla/compile_cache.js";
import { configureCompileCache, defaultCompileCacheDir } from "../../src/cli/compile_cache.js";
import { binary, donatingAdd, list, matmul, noRuntime } from "./programs.js";

const fp = { pluginPath: "/p.so", platformVersion: "v", apiVersion: { major: 0, minor: 81 }, deviceKinds: ["cpu", "cpu"] };

describe("compilation cache keys and entries", () => {
  it("different programs, options, devices and XLA_FLAGS give different keys", () => {
    const text = matmul(2, 3, 4);
    const base = compilationCacheKey(fp, text, { numReplicas: 1, numPartitions: 1, portable: true });
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(compilationCacheKey(fp, text, { numReplicas: 1, numPartitions: 1, portable: true })).toBe(base);
    const others = [
      compilationCacheKey(fp, matmul(2, 3, 5), { numReplicas: 1, numPartitions: 1, portable: true }),
      compilationCacheKey(fp, text, { numReplicas: 2, numPartitions: 1, portable: false }),
      compilationCacheKey(fp, text, { numReplicas: 2, numPartitions: 1, portable: false, deviceAssignment: [1, 0] }),
      compilationCacheKey({ ...fp, deviceKinds: ["cpu"] }, text, { numReplicas: 1, numPartitions: 1, portable: true }),
      compilationCacheKey({ ...fp, platformVersion: "w" }, text, { numReplicas: 1, numPartitions: 1, portable: true }),
    ];
    const saved = process.env.XLA_FLAGS;
    process.env.XLA_FLAGS = `${saved ?? ""} --xla_cpu_enable_fast_math=true`;
    try {
      others.push(compilationCacheKey(fp, text, { numReplicas: 1, numPartitions: 1, portable: true }));
    } finally {
      if (saved === undefined) delete process.env.XLA_FLAGS;
      else process.env.XLA_FLAGS = saved;
    }
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it("an entry decodes only when whole and unchanged", () => {
    const key = "ab".repeat(32);
    const payload = new Uint8Array(1000).map((_, i) => i * 7);
    const e = encodeEntry(key, payload);
    expect(list(decodeEntry(key, e) as Uint8Array)).toEqual(list(payload));
    expect(decodeEntry("cd".repeat(32), e)).toMatch(/another key/);
    expect(decodeEntry(key, e.subarray(0, e.length - 1))).toMatch(/truncated/);
    expect(decodeEntry(key, e.subarray(0, 50))).toMatch(/truncated/);
    const flipped = Buffer.from(e);
    flipped[500] ^= 1;
    expect(decodeEntry(key, flipped)).toMatch(/checksum/);
    const bad = Buffer.from(e);
    bad[0] = 0;
    expect(decodeEntry(key, bad)).toMatch(/magic/);
  });

  it("is off by default in the library; the CLI turns it on unless told not to", () => {
    const saved = process.env.XLA_TS_COMPILATION_CACHE_DIR;
    try {
      expect(compilationCacheDir()).toBeNull(); // vitest.config.ts sets the variable empty
      delete process.env.XLA_TS_COMPILATION_CACHE_DIR;
      configureCompileCache(undefined);
      expect(compilationCacheDir()).toBe(defaultCompileCacheDir());
      configureCompileCache(false);
      expect(compilationCacheDir()).toBeNull();
      process.env.XLA_TS_COMPILATION_CACHE_DIR = "";
      configureCompileCache(undefined);
      expect(compilationCacheDir()).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.XLA_TS_COMPILATION_CACHE_DIR;
      else process.env.XLA_TS_COMPILATION_CACHE_DIR = saved;
      setCompilationCacheDir(null);
    }
  });
});

describe.skipIf(noRuntime)("compilation cache with the runtime", () => {
  let rt: Runtime;
  let dir: string;
  beforeAll(() => {
    rt = Runtime.open();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "xla-ts-cc-"));
  });
  afterEach(() => setCompilationCacheDir(null));
  afterAll(() => {
    rt?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const f32 = (r: Runtime, v: number[]) => r.fromHost(new Float32Array(v), [v.length]);
  const entries = (d: string) => fs.readdirSync(d).filter((f) => f.endsWith(".xlaexe"));
  const fresh = () => fs.mkdtempSync(path.join(dir, "c-"));

  it("serialize → loadExecutable: the loaded program computes the same, donation included", async () => {
    const text = matmul(3, 4, 2);
    const exe = rt.compileSync(text);
    const bytes = exe.serialize();
    expect(bytes.length).toBeGreaterThan(0);
    const back = rt.loadExecutable(bytes, {}, text);
    expect(back.numOutputs).toBe(1);
    expect(back.outputs[0]!.shape).toEqual([3, 2]);
    const a = rt.fromHost(Float32Array.from({ length: 12 }, (_, i) => i - 5), [3, 4]);
    const b = rt.fromHost(Float32Array.from({ length: 8 }, (_, i) => 0.5 * i), [4, 2]);
    const want = list(await exe.run([a, b])[0]!.toHost());
    expect(list(await back.run([a, b])[0]!.toHost())).toEqual(want);
    // on another device of the runtime (portable executables stay portable)
    if (rt.devices.length > 1) {
      const d = rt.devices[1]!;
      const [a1, b1] = [a.copyTo(d), b.copyTo(d)];
      expect(list(await back.run([a1, b1], { device: d })[0]!.toHost())).toEqual(want);
    }
    const don = rt.compileSync(donatingAdd);
    const donBack = rt.loadExecutable(don.serialize(), {}, donatingAdd);
    const x = f32(rt, [1, 2, 3, 4]);
    const [y] = donBack.run([x, f32(rt, [10, 20, 30, 40])], { donate: [0] });
    expect(list(await y!.toHost())).toEqual([11, 22, 33, 44]);
    expect(x.donated).toBe(true);
  });

  it("a second compile of a program (another runtime, sync and async) loads it from the cache", async () => {
    const d = fresh();
    setCompilationCacheDir(d, { minCompileSeconds: 0 });
    compilationCacheStats(true);
    const text = matmul(5, 6, 7);
    const a = rt.fromHost(Float32Array.from({ length: 30 }, (_, i) => Math.sin(i)), [5, 6]);
    const b = rt.fromHost(Float32Array.from({ length: 42 }, (_, i) => Math.cos(i)), [6, 7]);
    const first = rt.compileSync(text);
    const want = list(await first.run([a, b])[0]!.toHost());
    expect(compilationCacheStats()).toMatchObject({ hits: 0, misses: 1, stores: 1, errors: 0 });
    expect(entries(d)).toHaveLength(1);

    const rt2 = Runtime.open(); // a fresh PJRT client: nothing of the first compile in memory
    try {
      const again = rt2.compileSync(text);
      const [a2, b2] = [rt2.fromHost((await a.toHost()) as Float32Array, [5, 6]), rt2.fromHost((await b.toHost()) as Float32Array, [6, 7])];
      expect(list(await again.run([a2, b2])[0]!.toHost())).toEqual(want);
      const async = await rt2.compile(text);
      expect(list(await async.run([a2, b2])[0]!.toHost())).toEqual(want);
      expect(compilationCacheStats()).toMatchObject({ hits: 2, misses: 1, stores: 1, errors: 0 });
    } finally {
      rt2.dispose();
    }
    // Other options: another key, compiled and stored.
    await rt.compile(text, { device: rt.devices[0] });
    expect(compilationCacheStats().hits).toBe(3); // the default device does not change the program
    if (rt.devices.length > 1) {
      rt.compileSync(text, { numReplicas: 2 }); // other options: another key
      expect(entries(d)).toHaveLength(2);
      expect(compilationCacheStats()).toMatchObject({ hits: 3, misses: 2, stores: 2 });
    }
  });

  it("a fresh process loads what an earlier process stored", () => {
    const d = fresh();
    const child = () => {
      const p = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./compile_cache_child.ts", import.meta.url))], {
        encoding: "utf8",
        env: { ...process.env, XLA_TS_COMPILATION_CACHE_DIR: d, XLA_TS_COMPILATION_CACHE_MIN_COMPILE_SECS: "0" },
      });
      const line = p.stdout.split("\n").find((l) => l.startsWith("@@cc "));
      if (p.status !== 0 || !line) throw new Error(`child failed (${p.status}): ${p.stderr}`);
      return JSON.parse(line.slice(5)) as { stats: Record<string, number>; out: number[] };
    };
    const first = child();
    expect(first.stats).toMatchObject({ hits: 0, misses: 1, stores: 1, errors: 0 });
    const second = child();
    expect(second.stats).toMatchObject({ hits: 1, misses: 0, stores: 0, errors: 0 });
    expect(second.out).toEqual(first.out);
    expect(entries(d)).toHaveLength(1);
  });

  it("a replicated program loaded from the cache runs on its devices", async () => {
    if (rt.devices.length < 2) return; // the CPU plugin has 4 by default
    const d = fresh();
    setCompilationCacheDir(d, { minCompileSeconds: 0 });
    compilationCacheStats(true);
    const text = binary("multiply", "tensor<3xf32>");
    const opts = { numReplicas: 2, deviceAssignment: [[rt.devices[1]!], [rt.devices[0]!]] };
    const first = rt.compileSync(text, opts);
    const again = rt.compileSync(text, opts);
    expect(compilationCacheStats()).toMatchObject({ hits: 1, misses: 1, stores: 1 });
    expect(again.devices).toEqual(first.devices);
    const args = again.devices.map((dev, i) => [rt.fromHost(new Float32Array([1, 2, 3]).map((v) => v + i), [3], "float32", dev), rt.fromHost(new Float32Array([2, 2, 2]), [3], "float32", dev)]);
    const outs = again.runOnDevices(args);
    expect(list(await outs[0]![0]!.toHost())).toEqual([2, 4, 6]);
    expect(list(await outs[1]![0]!.toHost())).toEqual([4, 6, 8]);
  });

  it("programs that compile faster than the threshold are not stored", () => {
    const d = fresh();
    setCompilationCacheDir(d, { minCompileSeconds: 1e9 });
    compilationCacheStats(true);
    rt.compileSync(matmul(2, 2, 3));
    expect(compilationCacheStats()).toMatchObject({ misses: 1, stores: 0, skipped: 1 });
    expect(entries(d)).toHaveLength(0);
  });

  it("a corrupt or truncated entry is ignored with a warning, recompiled and replaced", async () => {
    const d = fresh();
    setCompilationCacheDir(d, { minCompileSeconds: 0 });
    const text = matmul(4, 4, 4);
    rt.compileSync(text);
    const [name] = entries(d);
    const file = path.join(d, name!);
    const good = fs.readFileSync(file);
    const warnings: string[] = [];
    const onWarn = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarn);
    try {
      for (const damage of [
        (b: Buffer) => b.subarray(0, b.length - 17), // truncated
        (b: Buffer) => {
          const c = Buffer.from(b);
          c[c.length - 100] ^= 0x40; // a flipped bit in the payload
          return c;
        },
        () => Buffer.alloc(0),
      ]) {
        fs.writeFileSync(file, damage(good));
        compilationCacheStats(true);
        const exe = rt.compileSync(text);
        const a = rt.fromHost(new Float32Array(16).fill(1), [4, 4]);
        expect(list(await exe.run([a, a])[0]!.toHost())).toEqual(new Array(16).fill(4));
        expect(compilationCacheStats()).toMatchObject({ hits: 0, misses: 1, stores: 1, errors: 1 });
        expect(decodeEntry(name!.slice(0, 64), fs.readFileSync(file))).toBeInstanceOf(Uint8Array); // replaced
      }
      // A well-formed entry the plugin cannot load: ignored too.
      fs.writeFileSync(file, encodeEntry(name!.slice(0, 64), new Uint8Array(64).fill(7)));
      compilationCacheStats(true);
      rt.compileSync(text);
      expect(compilationCacheStats()).toMatchObject({ hits: 0, misses: 1, errors: 1 });
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off("warning", onWarn);
    }
    expect(warnings.filter((w) => w.includes("compilation cache")).length).toBeGreaterThanOrEqual(4);
    expect(warnings.some((w) => /checksum/.test(w))).toBe(true);
    expect(warnings.some((w) => /could not load/.test(w))).toBe(true);
  });

  it("garbage bytes to the native load are a JS error naming the operation, not a crash", () => {
    const bytes = rt.compileSync(matmul(2, 3, 2)).serialize();
    const inputs: Uint8Array[] = [new Uint8Array([0]), new Uint8Array([1, 2, 3])];
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (const n of [7, 64, 1000, 5000]) inputs.push(new Uint8Array(n).map(rand));
    for (const n of [1, 10, 100, bytes.length >> 1, bytes.length - 1]) inputs.push(bytes.slice(0, n));
    for (const g of inputs) expect(() => rt.loadExecutable(g)).toThrow(/DeserializeAndLoad/);
    expect(() => rt.loadExecutable(new Uint8Array(0))).toThrow(/empty/);
    expect(() => rt.loadExecutable("abc" as unknown as Uint8Array)).toThrow(TypeError);
    // the runtime still works
    expect(rt.compileSync(matmul(2, 3, 2)).numOutputs).toBe(1);
  });
});
