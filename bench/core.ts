// Core benchmark: jitted call overhead for 1, 10 and 100 pytree leaves, trace+lower+compile
// time of a 1,000-equation program, and eager op latency — beside JAX on the same machine.
//
//   node --import tsx bench/core.ts [--no-jax] [--repeats N]
//
// Prints a table and writes bench/results/core.json.
import { jit, numpy as np, tree, type Value } from "../src/index.js";
import { compileJaxpr, xlaRuntime } from "../src/core/index.js";
import { median, runJaxScript, table, timeUs, writeResults, machine } from "./common.js";

const argv = process.argv.slice(2);
const NO_JAX = argv.includes("--no-jax");
const REPEATS = Number(argv[argv.indexOf("--repeats") + 1]) || 7;

async function jitOverhead(leaves: number): Promise<number> {
  const t = Array.from({ length: leaves }, (_, i) => np.full([4], i, "float32"));
  const f = jit((xs: Value[]) => tree.map((x: Value) => np.add(x, 1), xs));
  const run = async () => {
    const out = f(t) as Value[];
    await Promise.all(out.map((o) => (o as any).blockUntilReady()));
    // Freed at once, as Python's reference counting frees JAX's outputs.
    for (const o of out) (o as any).dispose();
  };
  return timeUs(run, 200, REPEATS);
}

function chain(n: number, c: number) {
  return (x: Value) => {
    for (let i = 0; i < n; i++) {
      const k = i % 3;
      x = k === 0 ? np.sin(x) : k === 1 ? np.multiply(x, c) : np.add(x, 0.5);
    }
    return x;
  };
}

function compileTimes(): { trace_lower_ms: number; compile_ms: number; total_ms: number } {
  const tl: number[] = [];
  const cm: number[] = [];
  const x = np.zeros([16]);
  for (let r = 0; r < 3; r++) {
    // A fresh constant each run: nothing may come from a cache.
    const f = jit(chain(1000, 1.0001 + r * 1e-4));
    const t0 = performance.now();
    const lowered = f.lower(x);
    lowered.asText();
    const t1 = performance.now();
    compileJaxpr(lowered.jaxpr);
    const t2 = performance.now();
    tl.push(t1 - t0);
    cm.push(t2 - t1);
  }
  return { trace_lower_ms: median(tl), compile_ms: median(cm), total_ms: median(tl) + median(cm) };
}

async function eager(): Promise<{ add_f32_4: number; matmul_f32_256x256: number }> {
  const a = np.ones([4]);
  const b = np.ones([4]);
  const add = await timeUs(async () => (await (np.add(a, b) as any).blockUntilReady()).dispose(), 500, REPEATS);
  const m = np.ones([256, 256]);
  const mm = await timeUs(async () => (await (np.matmul(m, m) as any).blockUntilReady()).dispose(), 50, REPEATS);
  return { add_f32_4: add, matmul_f32_256x256: mm };
}

async function main() {
  xlaRuntime();
  const ours = {
    jit_call_overhead_us: { leaves_1: await jitOverhead(1), leaves_10: await jitOverhead(10), leaves_100: await jitOverhead(100) },
    compile_ms: compileTimes(),
    eager_op_us: await eager(),
  };
  const jax = NO_JAX ? { error: "--no-jax" } : runJaxScript("bench_core_jax.py");
  const j = "error" in jax ? undefined : (jax as any);
  const md = table([
    ["jit call, 1 leaf (µs)", ours.jit_call_overhead_us.leaves_1, j?.jit_call_overhead_us.leaves_1.median, "lower"],
    ["jit call, 10 leaves (µs)", ours.jit_call_overhead_us.leaves_10, j?.jit_call_overhead_us.leaves_10.median, "lower"],
    ["jit call, 100 leaves (µs)", ours.jit_call_overhead_us.leaves_100, j?.jit_call_overhead_us.leaves_100.median, "lower"],
    ["1,000-equation program: trace + lower (ms)", ours.compile_ms.trace_lower_ms, j?.compile_ms.chain_1000.lower.median, "lower"],
    ["1,000-equation program: XLA compile (ms)", ours.compile_ms.compile_ms, j?.compile_ms.chain_1000.compile.median, "lower"],
    ["1,000-equation program: total (ms)", ours.compile_ms.total_ms, j?.compile_ms.chain_1000.total.median, "lower"],
    ["eager add f32[4] (µs)", ours.eager_op_us.add_f32_4, j?.eager_op_us.add_f32_4.median, "lower"],
    ["eager matmul f32[256,256] (µs)", ours.eager_op_us.matmul_f32_256x256, j?.eager_op_us.matmul_f32_256x256.median, "lower"],
  ]);
  console.log(md);
  if ("error" in jax) console.log(`\nJAX figures unavailable: ${jax.error}`);
  console.log(`\nmachine: ${machine()}; medians of ${REPEATS} repeats`);
  writeResults("core", { repeats: REPEATS, xla_ts: ours, jax, table: md });
}

await main();
