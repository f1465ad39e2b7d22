// Shared pieces of the benchmark programs: timing statistics, the JAX reference run, the
// table and the JSON file. Each bench compares against JAX on the same machine in the same run.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Array as ConcreteArray } from "../src/core/values.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median over `repeats` samples of the mean time (µs) of `inner` back-to-back calls. */
export async function timeUs(fn: () => unknown | Promise<unknown>, inner: number, repeats: number): Promise<number> {
  for (let i = 0; i < Math.min(inner, 20); i++) await fn();
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) await fn();
    samples.push(((performance.now() - t0) / inner) * 1000);
  }
  return median(samples);
}

/** Runs a tools/ Python script that prints one JSON object (installing jax once if missing). */
export function runJaxScript(script: string, args: string[] = []): Record<string, any> | { error: string } {
  const hasJax = spawnSync("python3", ["-c", "import jax, numpy"], { encoding: "utf8" }).status === 0;
  if (!hasJax) {
    console.error("bench: jax is not installed; installing it (python3 -m pip install jax) ...");
    const r = spawnSync("python3", ["-m", "pip", "install", "-q", "jax"], { stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) return { error: "pip install jax failed" };
  }
  const file = path.join(ROOT, "tools", script);
  const r = spawnSync("python3", [file, ...args], { encoding: "utf8", maxBuffer: 16 << 20 });
  if (r.status !== 0) return { error: `${script} failed: ${(r.stderr || "").trim().split("\n").slice(-3).join(" | ")}` };
  // The script prints one JSON object, on one line or pretty-printed over several.
  const text = r.stdout.trim();
  try {
    return JSON.parse(text) as Record<string, any>;
  } catch {
    return JSON.parse(text.split("\n").pop()!) as Record<string, any>;
  }
}

export function fmt(x: number | undefined, digits = 1): string {
  return x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(digits);
}

export type Row = [name: string, ours: number | undefined, jax: number | undefined, better: "lower" | "higher", digits?: number];

/** A markdown table with the ratio xla-ts / JAX. */
export function table(rows: readonly Row[]): string {
  return [
    "| figure | xla-ts | JAX | xla-ts / JAX | better |",
    "|---|---:|---:|---:|---|",
    ...rows.map(
      ([name, a, b, better, d = 1]) =>
        `| ${name} | ${fmt(a, d)} | ${fmt(b, d)} | ${a !== undefined && b !== undefined ? fmt(a / b, 2) : "—"} | ${better} |`,
    ),
  ].join("\n");
}

export function machine(): string {
  return `${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, ${os.platform()} ${os.arch()}, node ${process.version}`;
}

export function writeResults(name: string, out: Record<string, unknown>): void {
  const dir = path.join(ROOT, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...out }, null, 2) + "\n");
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

/** Wall-clock seconds (for differences). */
export const now = (): number => performance.now() / 1000;

/** A concrete array's values read back as JS numbers. */
export async function hostNumbers(v: unknown): Promise<number[]> {
  return [...(await (v as ConcreteArray).data())].map(Number);
}
