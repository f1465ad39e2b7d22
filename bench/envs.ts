// Environment benchmark: steps per second of a uniformly random policy, one jitted call that
// resets n environments and runs a lax.scan of 1,000 steps of the vmapped, auto-resetting
// step (summing the rewards and an observation checksum), for n = 1, 16, 256, 2,048 — beside gymnax on the same machine
// (tools/bench_envs_gymnax.py runs the same program with jax.lax.scan + jax.vmap).
//
//   node --import tsx bench/envs.ts [--no-gymnax] [--quick] [--repeats N] [--sizes 256,2048] [--only CartPole-v1,...]
//
// gymnax runs in the `python3` on PATH (run with a venv's bin/ first on PATH, after
// `pip install gymnax`). The pixel mazes have no gymnax counterpart; to keep the whole run near
// five minutes on 2 cores the 4×96×96 one stops at 256 environments and their largest sizes
// are timed by one call (after the warm-up) instead of the median of REPEATS.
// Prints a table and writes bench/results/envs.json.
import { jit, lax, numpy as np, random, type Value } from "../src/index.js";
import { xlaRuntime } from "../src/core/index.js";
import { make } from "../src/envs/registry.js";
import { AutoReset, vectorize } from "../src/envs/wrappers/index.js";
import type { Discrete } from "../src/envs/spaces.js";
import "../src/envs/classic/index.js";
import "../src/envs/extra.js";
import { machine, median, runJaxScript, table, timeUs, writeResults, type Row } from "./common.js";

const argv = process.argv.slice(2);
const NO_GYMNAX = argv.includes("--no-gymnax");
const QUICK = argv.includes("--quick");
const REPEATS = Number(argv[argv.indexOf("--repeats") + 1]) || 3;
const STEPS = QUICK ? 100 : 1000;
const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const SIZES = arg("--sizes")?.split(",").map(Number) ?? (QUICK ? [1, 16, 256] : [1, 16, 256, 2048]);
const ONLY = arg("--only")?.split(",");
const DEEP_SEA_SIZE = 10;

interface Case {
  id: string;
  /** The gymnax id to compare with (none for the mazes). */
  gymnax?: string;
  options?: Record<string, unknown>;
  /** Largest n measured. */
  maxN?: number;
  /** From this n on, one timed call instead of REPEATS (calls of 10+ seconds). */
  oneCallFrom?: number;
}

const ALL_CASES: Case[] = [
  { id: "CartPole-v1", gymnax: "CartPole-v1" },
  { id: "DeepSea-bsuite", gymnax: "DeepSea-bsuite", options: { size: DEEP_SEA_SIZE } },
  { id: "Breakout-MinAtar", gymnax: "Breakout-MinAtar" },
  { id: "MultiRoom-v0", oneCallFrom: 2048 },
  { id: "MultiRoom-Stacked-v0", maxN: 256, oneCallFrom: 256 },
];
const CASES = ONLY ? ALL_CASES.filter((c) => ONLY.includes(c.id)) : ALL_CASES;

/** The measured program: reset n envs, scan STEPS random-action steps, sum the rewards. */
function program(c: Case, n: number) {
  const env = vectorize(new AutoReset(make(c.id, c.options ?? {})), n);
  const nActions = (env.singleActionSpace() as Discrete).n;
  return jit((key: Value) => {
    const ks = random.split(key);
    const { state } = env.reset(ks.get(0));
    // The observations feed a checksum, as an agent would read them (else XLA drops them).
    const [[, total, check]] = lax.scan(
      ([s, tot, chk]: [unknown, Value, Value], k: Value): [[unknown, Value, Value], null] => {
        const kk = random.split(k);
        const r = env.step(kk.get(1), s, random.randint(kk.get(0), [n], 0, nActions));
        return [[r.state, tot.add(r.reward.sum()), chk.add(r.obs.astype("float32").sum())], null];
      },
      [state, np.zeros([], "float32"), np.zeros([], "float32")] as [unknown, Value, Value],
      random.split(ks.get(1), STEPS),
    );
    return np.stack([total, check]);
  });
}

interface Measured {
  steps_per_s: number;
  /** Steps per second of process CPU time (all threads): what a loaded machine disturbs least. */
  cpu_steps_per_s: number;
  compile_s: number;
  us: number;
}

async function measure(c: Case, n: number): Promise<Measured> {
  const f = program(c, n);
  const t0 = performance.now();
  await (f(random.key(0)) as any).blockUntilReady();
  const compile_s = (performance.now() - t0) / 1000;
  let seed = 1;
  const cpuUs: number[] = [];
  const us = await timeUs(
    async () => {
      const c0 = process.cpuUsage();
      await (f(random.key(seed++)) as any).blockUntilReady();
      const d = process.cpuUsage(c0);
      cpuUs.push(d.user + d.system);
    },
    1,
    n >= (c.oneCallFrom ?? Infinity) ? 1 : REPEATS,
  );
  // timeUs warms up with one call first; its CPU time is left out.
  const cpu = median(cpuUs.slice(1));
  return { steps_per_s: (n * STEPS) / (us / 1e6), cpu_steps_per_s: (n * STEPS) / (cpu / 1e6), compile_s, us };
}

async function main() {
  xlaRuntime();
  const ours: Record<string, Record<string, Measured>> = {};
  for (const c of CASES) {
    ours[c.id] = {};
    for (const n of SIZES) {
      if (n > (c.maxN ?? Infinity)) continue;
      const m = await measure(c, n);
      ours[c.id]![n] = m;
      console.error(`xla-ts ${c.id} n=${n}: ${Math.round(m.steps_per_s).toLocaleString()} steps/s (compile ${m.compile_s.toFixed(2)}s)`);
    }
  }
  const gx = CASES.filter((c) => c.gymnax);
  const gym = NO_GYMNAX
    ? { error: "--no-gymnax" }
    : runJaxScript("bench_envs_gymnax.py", [
        "--envs", gx.map((c) => c.gymnax).join(","),
        "--sizes", SIZES.join(","),
        "--steps", String(STEPS),
        "--repeats", String(REPEATS),
        "--deep-sea-size", String(DEEP_SEA_SIZE),
      ]);
  const g = "error" in gym ? undefined : (gym as any).results;
  const rows: Row[] = [];
  for (const c of CASES)
    for (const n of SIZES) {
      const o = ours[c.id]![n];
      if (o === undefined) continue;
      const ref = c.gymnax ? g?.[c.gymnax]?.[n]?.steps_per_s : undefined;
      rows.push([`${c.id}, ${n} env${n > 1 ? "s" : ""} (steps/s)`, o.steps_per_s, ref, "higher", 0]);
      const refCpu = c.gymnax ? g?.[c.gymnax]?.[n]?.cpu_steps_per_s : undefined;
      rows.push([`${c.id}, ${n} env${n > 1 ? "s" : ""} (steps per CPU-second)`, o.cpu_steps_per_s, refCpu, "higher", 0]);
    }
  const md = table(rows).replace("| JAX |", "| gymnax |").replace("| xla-ts / JAX |", "| xla-ts / gymnax |");
  console.log(md);
  if ("error" in gym) console.log(`\ngymnax figures unavailable: ${gym.error}`);
  console.log(`\nmachine: ${machine()}; ${STEPS} steps per call, median of ${REPEATS} calls after a warm-up`);
  writeResults("envs", { steps: STEPS, repeats: REPEATS, sizes: SIZES, xla_ts: ours, gymnax: gym, table: md });
}

await main();
