// Runtime benchmark: per-call overhead of a tiny compiled program and host↔device bandwidth,
// beside the same figures for JAX on the CPU of the same machine.
//
//   node --import tsx bench/runtime.ts [--no-jax] [--repeats N]
//
// Prints a table and writes bench/results/runtime.json.
import { Runtime, type DeviceBuffer } from "../src/xla/index.js";
import { median, runJaxScript, table, writeResults, machine } from "./common.js";

const argv = process.argv.slice(2);
const NO_JAX = argv.includes("--no-jax");
const REPEATS = Number(argv[argv.indexOf("--repeats") + 1]) || 15;
const CALLS = 2000;

const list = (a: ArrayLike<number | bigint>) => Array.from(a);
const ADD_ONE = `module @add_one {
  func.func public @main(%arg0: tensor<4xf32>) -> (tensor<4xf32>) {
    %c = "stablehlo.constant"() {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
    %0 = "stablehlo.add"(%arg0, %c) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    "func.return"(%0) : (tensor<4xf32>) -> ()
  }
}`;

interface Figures {
  call_run_read_us: number;
  call_run_us: number;
  h2d_GBps: Record<string, number>;
  d2h_GBps: Record<string, number>;
  d2h_copy_GBps?: Record<string, number>;
  d2h_into_GBps?: Record<string, number>;
  [k: string]: unknown;
}

async function perCall(fn: (n: number) => Promise<void>): Promise<number> {
  await fn(CALLS); // warm up
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    await fn(CALLS);
    times.push(((performance.now() - t0) / CALLS) * 1000);
  }
  return median(times);
}

async function benchXlaTs(): Promise<Figures> {
  const rt = Runtime.open();
  const exe = await rt.compile(ADD_ONE);
  const x = rt.fromHost(new Float32Array([1, 2, 3, 4]), [4]);
  const [check] = exe.run([x]);
  const v = await check!.toHost();
  if (list(v).join() !== "2,3,4,5") throw new Error(`wrong result ${list(v)}`);

  const runRead = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const [y] = exe.run([x]);
      await y!.toHost();
      y!.dispose();
    }
  };
  const runOnly = async (n: number) => {
    let last: DeviceBuffer | undefined;
    for (let i = 0; i < n; i++) {
      last?.dispose();
      [last] = exe.run([x]);
    }
    await last!.ready();
    last!.dispose();
  };
  const out: Figures = {
    platform: rt.platform,
    devices: rt.devices.length,
    pjrtApi: `${rt.apiVersion.major}.${rt.apiVersion.minor}`,
    call_run_read_us: await perCall(runRead),
    call_run_us: await perCall(runOnly),
    h2d_GBps: {},
    d2h_GBps: {},
  };

  for (const [label, nbytes] of [["1MB", 1 << 20], ["64MB", 64 << 20]] as const) {
    const host = new Float32Array(nbytes / 4).map(() => Math.random());
    const reps = nbytes <= 1 << 20 ? REPEATS : Math.max(5, REPEATS >> 1);
    const into = new Float32Array(host.length);
    const h2d: number[] = [];
    const d2h: number[] = [];
    const d2hInto: number[] = [];
    for (let r = 0; r <= reps; r++) {
      let t0 = performance.now();
      const b = rt.fromHost(host, [host.length]);
      await b.ready();
      h2d.push(performance.now() - t0);
      t0 = performance.now();
      await b.toHost();
      d2h.push(performance.now() - t0);
      t0 = performance.now();
      await b.toHost(into);
      d2hInto.push(performance.now() - t0);
      b.dispose();
    }
    const GBps = (ms: number[]) => nbytes / (median(ms.slice(1)) / 1000) / 1e9; // the first round warms up
    out.h2d_GBps[label] = GBps(h2d);
    out.d2h_GBps[label] = GBps(d2h);
    (out.d2h_into_GBps ??= {})[label] = GBps(d2hInto);
  }
  rt.dispose();
  return out;
}

function benchJax(): Figures | { error: string } {
  return runJaxScript("bench_runtime_jax.py", ["--repeats", String(REPEATS), "--calls", String(CALLS)]) as Figures | { error: string };
}

async function main() {
  const ts = await benchXlaTs();
  const jax = NO_JAX ? { error: "--no-jax" } : benchJax();
  const j = "error" in jax ? undefined : (jax as Figures);

  const md = table([
    ["f32[4]+1: run + read to host (µs/call)", ts.call_run_read_us, j?.call_run_read_us, "lower", 1],
    ["f32[4]+1: run only (µs/call)", ts.call_run_us, j?.call_run_us, "lower", 1],
    ["host→device 1 MB (GB/s)", ts.h2d_GBps["1MB"], j?.h2d_GBps["1MB"], "higher", 2],
    ["host→device 64 MB (GB/s)", ts.h2d_GBps["64MB"], j?.h2d_GBps["64MB"], "higher", 2],
    ["device→host 1 MB (GB/s)", ts.d2h_GBps["1MB"], j?.d2h_copy_GBps?.["1MB"], "higher", 2],
    ["device→host 64 MB (GB/s)", ts.d2h_GBps["64MB"], j?.d2h_copy_GBps?.["64MB"], "higher", 2],
    ["device→host 1 MB into a reused array (GB/s)", ts.d2h_into_GBps?.["1MB"], j?.d2h_GBps["1MB"], "higher", 2],
    ["device→host 64 MB into a reused array (GB/s)", ts.d2h_into_GBps?.["64MB"], j?.d2h_GBps["64MB"], "higher", 2],
  ]);
  console.log(md);
  console.log(
    "\nJAX columns: device→host rows compare with np.array(x, copy=True) (a new host array, like toHost());" +
      "\nthe 'reused array' rows compare with np.asarray(x), which on CPU aliases the device memory (no copy at all).",
  );
  if ("error" in jax) console.log(`\nJAX figures unavailable: ${jax.error}`);
  console.log(`\nmachine: ${machine()}; medians of ${REPEATS} repeats (${CALLS} calls each for per-call figures)`);
  writeResults("runtime", { repeats: REPEATS, calls: CALLS, xla_ts: ts, jax, table: md });
}

await main();
