// Gradient benchmark: jitted value-and-grad of a 3-layer MLP loss (batch 256) per call, and
// trace+lower+compile time of a fresh program, beside JAX on the same machine.
//
//   node --import tsx bench/grad.ts [--no-jax] [--repeats N]
import { jit, valueAndGrad, numpy as np, type Value } from "../src/index.js";
import { compileJaxpr } from "../src/core/index.js";
import { median, runJaxScript, table, timeUs, writeResults, machine } from "./common.js";

const argv = process.argv.slice(2);
const NO_JAX = argv.includes("--no-jax");
const REPEATS = Number(argv[argv.indexOf("--repeats") + 1]) || 7;
const SIZES = [64, 256, 256, 10];
const B = 256;

/** Deterministic values, the same formula as tools/bench_grad_jax.py. */
function det(shape: number[], scale: number, offset: number): Value {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 0.37 + offset) * scale;
  return np.reshape(np.array(v), shape);
}

type Params = { w: Value; b: Value }[];
function params(): Params {
  return SIZES.slice(0, -1).map((a, k) => ({ w: det([a, SIZES[k + 1]!], 1 / Math.sqrt(a), k), b: det([SIZES[k + 1]!], 0.1, k + 10) }));
}

function loss(ps: Params, x: Value, y: Value, scale = 1): Value {
  let h = x;
  ps.forEach((p, i) => {
    h = np.add(np.matmul(h, p.w), p.b);
    if (i < ps.length - 1) h = np.tanh(h);
  });
  const logp = np.logSoftmax(h);
  return np.multiply(np.negative(np.mean(np.sum(np.multiply(logp, np.oneHot(y, SIZES.at(-1)!)), -1))), scale);
}

async function main() {
  const ps = params();
  const x = det([B, SIZES[0]!], 1, 100);
  const y = np.array(Int32Array.from({ length: B }, (_, i) => i % SIZES.at(-1)!));
  const f = jit(valueAndGrad(loss));
  const [v] = f(ps, x, y) as [Value, unknown];
  const lossValue = Number((await (v as any).data())[0]);
  const call = await timeUs(async () => {
    const [v, g] = f(ps, x, y) as [Value, Params];
    await (g[2]!.b as any).blockUntilReady();
    // Freed at once, as Python's reference counting frees JAX's outputs.
    for (const o of [v, ...g.flatMap((p) => [p.w, p.b])]) (o as any).dispose();
  }, 200, REPEATS);
  const comp: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const g = jit(valueAndGrad((p: Params, a: Value, b: Value) => loss(p, a, b, 1 + r * 1e-6)));
    compileJaxpr(g.lower(ps, x, y).jaxpr);
    comp.push(performance.now() - t0);
  }
  const ours = { grad_call_us: call, compile_ms: median(comp), loss: lossValue };
  const jax = NO_JAX ? { error: "--no-jax" } : runJaxScript("bench_grad_jax.py");
  const j = "error" in jax ? undefined : (jax as any);
  const md = table([
    ["value_and_grad, 3-layer MLP, batch 256 (µs/call)", ours.grad_call_us, j?.grad_call_us, "lower"],
    ["trace + lower + compile (ms)", ours.compile_ms, j?.compile_ms, "lower"],
  ]);
  console.log(md);
  console.log(`\nloss at the fixed params: xla-ts ${lossValue.toFixed(6)}, JAX ${j ? Number(j.loss).toFixed(6) : "—"}`);
  if ("error" in jax) console.log(`JAX figures unavailable: ${jax.error}`);
  console.log(`machine: ${machine()}; medians of ${REPEATS} repeats`);
  writeResults("grad", { repeats: REPEATS, xla_ts: ours, jax, table: md });
}

await main();
