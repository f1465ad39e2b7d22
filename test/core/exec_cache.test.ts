// The executable cache is bounded (CLOCK replacement) and frees what it evicts; a jitted
// function called with 500 shapes keeps RSS flat once the cache is full.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ExecutableCache } from "../../src/core/exec_cache.js";
import { noRuntime } from "../xla/programs.js";

class FakeExe {
  disposed = false;
  dispose(): void {
    this.disposed = true;
  }
}
const entry = () => ({ exe: new FakeExe() });

describe("ExecutableCache", () => {
  it("keeps at most its capacity, disposing what it evicts", () => {
    const c = new ExecutableCache<ReturnType<typeof entry>>(3);
    const es = [0, 1, 2, 3, 4].map(entry);
    es.forEach((e, i) => c.set(`k${i}`, e));
    expect(c.size).toBe(3);
    expect(es.map((e) => e.exe.disposed)).toEqual([true, true, false, false, false]);
    expect(c.evictions).toBe(2);
    expect(c.get("k0")).toBeUndefined();
    expect(c.get("k4")).toBe(es[4]);
  });

  it("gives a recently used entry a second chance (CLOCK)", () => {
    const c = new ExecutableCache<ReturnType<typeof entry>>(3);
    const [a, b, d, e] = [entry(), entry(), entry(), entry()];
    c.set("a", a);
    c.set("b", b);
    c.set("d", d);
    c.get("a"); // used: survives the next eviction, b (oldest unused) goes
    c.set("e", e);
    expect([a, b, d, e].map((x) => x.exe.disposed)).toEqual([false, true, false, false]);
    // Order now d, e, a (a went to the back). A hit recorded directly (as compileJaxpr does on
    // its per-program fast path) counts too: d gets a second chance, e goes.
    (d as { used?: boolean }).used = true;
    c.set("f", entry());
    expect([a, d, e].map((x) => x.exe.disposed)).toEqual([false, false, true]);
  });

  it("resize shrinks at once; an entry disposed elsewhere is a miss; bad sizes are refused", () => {
    const c = new ExecutableCache<ReturnType<typeof entry>>(4);
    const es = [0, 1, 2, 3].map(entry);
    es.forEach((e, i) => c.set(`k${i}`, e));
    c.resize(2);
    expect(c.size).toBe(2);
    es[3]!.exe.dispose();
    expect(c.get("k3")).toBeUndefined();
    expect(() => c.resize(0)).toThrow(/executable cache size must be a positive integer, got 0/);
    c.clear();
    expect(es.every((e) => e.exe.disposed)).toBe(true);
  });
});

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "rss_child.ts");

interface RssReport {
  rss: { calls: number; mb: number }[];
  cache: { size: number; capacity: number; evictions: number };
  warnings: string[];
}

function child(args: string[]): Promise<RssReport> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--expose-gc", "--import", "tsx", CHILD, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!) as RssReport) : reject(new Error(`rss_child exited ${code}:\n${err}`))));
  });
}

describe.skipIf(noRuntime)("memory stays bounded", () => {
  it("a jitted function called with 500 shapes: at most `capacity` executables, flat RSS, one retrace warning", async () => {
    const r = await child(["500", "64"]);
    expect(r.cache.size).toBeLessThanOrEqual(64);
    expect(r.cache.evictions).toBeGreaterThanOrEqual(500 - 64);
    const at = (n: number) => r.rss.find((x) => x.calls === n)!.mb;
    // Unbounded, each executable adds about 0.1 MB (500 shapes: +50 MB or so over 100..500).
    expect(at(500) - at(100)).toBeLessThan(20);
    expect(r.warnings.filter((w) => w.startsWith("XLA_TS_RETRACE"))).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/jit\(anonymous\) has been traced 32 times \(now for f32\[32\]\)/);
  }, 600_000);
});
