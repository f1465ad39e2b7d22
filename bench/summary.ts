// `npm run bench`: runs the benchmark programs (each times xla-ts and its JAX / gymnax
// reference in the same run), `--rounds` times in turn, and prints one table of the issue's
// goals: the median over rounds of each xla-ts / reference ratio and whether the goal holds.
//
//   node --import tsx bench/summary.ts [--rounds 3] [--only core,envs,ppo,pixel,start] [--quick] [--from-results] [--multiroom]
//
// --multiroom adds PPO Nature CNN on MultiRoom-Stacked-v0 to bench/pixel.ts (minutes per round).
// --from-results skips the runs and summarizes bench/results/*.json as they are (one round).
// Every round's figures are kept in bench/results/summary.json. The references need jax (and
// gymnax for the envs) in the `python3` on PATH; see tools/README.md.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, fmt, machine, median, writeResults } from "./common.js";

const argv = process.argv.slice(2);
const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const ROUNDS = Number(arg("--rounds") ?? 3);
const QUICK = argv.includes("--quick");
const FROM_RESULTS = argv.includes("--from-results");
const MULTIROOM = argv.includes("--multiroom");
const ONLY = arg("--only")?.split(",") ?? ["core", "envs", "ppo", "pixel", "start"];

type Json = Record<string, any>;

/** The bench programs and their arguments (the envs at the goals' sizes only). */
const PROGRAMS: Record<string, { file: string; args: string[]; result: string }> = {
  core: { file: "core.ts", args: [], result: "core" },
  envs: {
    file: "envs.ts",
    args: ["--only", "CartPole-v1,DeepSea-bsuite,Breakout-MinAtar", "--sizes", "256,2048", ...(QUICK ? ["--repeats", "1"] : [])],
    result: "envs",
  },
  ppo: { file: "ppo.ts", args: QUICK ? ["--quick"] : [], result: QUICK ? "ppo-quick" : "ppo" },
  // MultiRoom-Stacked (Nature CNN on 96×96×4) runs at a few steps/s on 2 cores (both sides): --multiroom.
  pixel: { file: "pixel.ts", args: [...(MULTIROOM ? [] : ["--no-multiroom"]), ...(QUICK ? ["--iters", "1"] : [])], result: "pixel" },
  // `npm start` (the built CLI: npm run build first).
  start: { file: "start.ts", args: [], result: "start" },
};

interface Goal {
  name: string;
  /** xla-ts / reference; for "higher is better" figures the ratio is reference-relative throughput. */
  ratio: (r: Record<string, Json | undefined>) => number | undefined;
  /** The goal holds when ratio <= max (times) or ratio >= min (throughput). */
  max?: number;
  min?: number;
}

const div = (a: unknown, b: unknown) => (typeof a === "number" && typeof b === "number" && b !== 0 ? a / b : undefined);
const envRatio = (id: string, n: number, field = "steps_per_s") => (r: Record<string, Json | undefined>) =>
  div(r.envs?.xla_ts?.[id]?.[n]?.[field], r.envs?.gymnax?.results?.[id]?.[n]?.[field]);

const GOALS: Goal[] = [
  ...[1, 10, 100].map((n): Goal => ({
    name: `jit call, ${n} leaves (time vs JAX)`,
    ratio: (r) => div(r.core?.xla_ts?.jit_call_overhead_us?.[`leaves_${n}`], r.core?.jax?.jit_call_overhead_us?.[`leaves_${n}`]?.median),
    max: 1.2,
  })),
  {
    name: "eager add f32[4] (time vs JAX)",
    ratio: (r) => div(r.core?.xla_ts?.eager_op_us?.add_f32_4, r.core?.jax?.eager_op_us?.add_f32_4?.median),
    max: 1.5,
  },
  {
    name: "eager matmul f32[256,256] (time vs JAX)",
    ratio: (r) => div(r.core?.xla_ts?.eager_op_us?.matmul_f32_256x256, r.core?.jax?.eager_op_us?.matmul_f32_256x256?.median),
    max: 1.5,
  },
  {
    name: "PPO CartPole, 1 seed, compiled run (time vs JAX)",
    ratio: (r) => div(r.ppo?.xlaTs?.single?.run_s, r.ppo?.jax?.single?.run_s),
    max: 1.0,
  },
  {
    name: "PPO CartPole, 16 seeds vmapped, run (time vs JAX)",
    ratio: (r) => div(r.ppo?.xlaTs?.many?.run_s, r.ppo?.jax?.many?.run_s),
    max: 1.0,
  },
  {
    // The CLI's host loop (folded iterations, an evaluation every 1/20) against the same
    // iterations and evaluations as one program, timed one after the other in one process.
    name: "PPO host loop (CLI defaults) vs one program (steps/s)",
    ratio: (r) => div(r.ppo?.xlaTs?.hostLoop?.steps_per_s, r.ppo?.xlaTs?.hostLoop?.one_program_steps_per_s),
    min: 0.95,
  },
  {
    name: "PPO host loop (CLI defaults) vs one program (steps per CPU-second)",
    ratio: (r) => div(r.ppo?.xlaTs?.hostLoop?.cpu_steps_per_s, r.ppo?.xlaTs?.hostLoop?.one_program_cpu_steps_per_s),
    min: 0.95,
  },
  {
    // Load-robust: 1 − the share of the run between a call's results and the next dispatch.
    name: "PPO host loop (CLI defaults): share of the run the device is kept busy",
    ratio: (r) => (typeof r.ppo?.xlaTs?.hostLoop?.host_idle_fraction === "number" ? 1 - r.ppo.xlaTs.hostLoop.host_idle_fraction : undefined),
    min: 0.95,
  },
  {
    name: "PPO IMPALA CNN, Breakout-MinAtar (steps/s vs JAX + gymnax)",
    ratio: (r) => div(r.pixel?.xlaTs?.breakout?.steps_per_s, r.pixel?.jax?.steps_per_s),
    min: 1.0,
  },
  {
    name: "PPO IMPALA CNN, Breakout-MinAtar (steps per CPU-second vs JAX + gymnax)",
    ratio: (r) => div(r.pixel?.xlaTs?.breakout?.cpu_steps_per_s, r.pixel?.jax?.cpu_steps_per_s),
    min: 1.0,
  },
  {
    name: "PPO Nature CNN, MultiRoom-Stacked-v0 (steps/s vs JAX, tools/multiroom_jax.py)",
    ratio: (r) => div(r.pixel?.xlaTs?.multiroom?.steps_per_s, r.pixel?.jaxMultiroom?.steps_per_s),
    min: 1.0,
  },
  {
    name: "PPO Nature CNN, MultiRoom-Stacked-v0 (steps per CPU-second vs JAX)",
    ratio: (r) => div(r.pixel?.xlaTs?.multiroom?.cpu_steps_per_s, r.pixel?.jaxMultiroom?.cpu_steps_per_s),
    min: 1.0,
  },
  {
    // Not a ratio: seconds of `npm start` outside its training (imports, setup, plots, video).
    name: "npm start: total − training time (seconds)",
    ratio: (r) => (typeof r.start?.overhead_s === "number" ? r.start.overhead_s : undefined),
    max: 2.0,
  },
  ...["CartPole-v1", "DeepSea-bsuite", "Breakout-MinAtar"].flatMap((id) =>
    [256, 2048].flatMap((n): Goal[] => [
      { name: `${id}, ${n} envs (steps/s vs gymnax)`, ratio: envRatio(id, n), min: 1.0 },
      // The same by process CPU time, which a loaded machine disturbs far less than wall time.
      { name: `${id}, ${n} envs (steps per CPU-second vs gymnax)`, ratio: envRatio(id, n, "cpu_steps_per_s"), min: 1.0 },
    ]),
  ),
];

function readResult(name: string): Json | undefined {
  const file = path.join(ROOT, "bench", "results", `${name}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Json) : undefined;
}

function runProgram(key: string): Json | undefined {
  const p = PROGRAMS[key]!;
  console.error(`bench: ${p.file} ${p.args.join(" ")}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", p.file), ...p.args], { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) console.error(`bench: ${p.file} exited with ${r.status}`);
  return readResult(p.result);
}

async function main() {
  const rounds: Record<string, Json | undefined>[] = [];
  for (let k = 0; k < (FROM_RESULTS ? 1 : ROUNDS); k++) {
    const round: Record<string, Json | undefined> = {};
    // Each program times xla-ts and its reference in the same run; rounds alternate them over time.
    for (const key of ONLY) round[key] = FROM_RESULTS ? readResult(PROGRAMS[key]!.result) : runProgram(key);
    rounds.push(round);
  }
  const lines = [
    "| goal | xla-ts / reference (median over rounds) | each round | target | holds |",
    "|---|---:|---|---:|---|",
  ];
  const summary = GOALS.map((g) => {
    const per = rounds.map((r) => g.ratio(r)).filter((x): x is number => x !== undefined && Number.isFinite(x));
    const ratio = per.length ? median(per) : undefined;
    const target = g.max !== undefined ? `≤ ${g.max}` : `≥ ${g.min}`;
    const holds = ratio === undefined ? "not measured" : (g.max !== undefined ? ratio <= g.max : ratio >= g.min!) ? "yes" : "no";
    lines.push(`| ${g.name} | ${fmt(ratio, 2)} | ${per.map((x) => fmt(x, 2)).join(", ")} | ${target} | ${holds} |`);
    return { goal: g.name, ratio, rounds: per, target, holds };
  });
  const md = lines.join("\n");
  console.log(`\n${md}\n\nmachine: ${machine()}; ${rounds.length} round(s); references run in the same program run as xla-ts.`);
  writeResults("summary", { rounds: rounds.length, quick: QUICK, goals: summary, table: md });
}

await main();
