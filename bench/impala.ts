// IMPALA's throughput beside PPO's (and A2C's) on CartPole-v1, each with the config of its
// learning target (test/workflows/targets.ts): the whole training as one program for one seed
// and vmapped over several, and the host loop (one jitted, donated step per call, iterations
// folded as the target's config says). Environment steps per second, compilation excluded.
//
//   node --import tsx bench/impala.ts [--quick] [--seeds 4]
import { jit, vmap, random, type Value } from "../src/index.js";
import { compileJaxpr } from "../src/core/backend.js";
import type { OnPolicyWorkflow } from "../src/workflows/on_policy.js";
import { buildWorkflow } from "../src/algorithms/registry.js";
import { trainFunction } from "../src/workflows/train_many.js";
import { fmt, machine, writeResults, now, hostNumbers as host } from "./common.js";
import { TARGETS } from "../test/workflows/targets.js";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const si = argv.indexOf("--seeds");
const numSeeds = si >= 0 ? Number(argv[si + 1]) : 4;
const totalSteps = quick ? 100_000 : 500_000;

interface Figures {
  compile_s: number;
  run_s: number;
  steps_per_s: number;
  eval_return: number;
}

function config(algo: string): Record<string, unknown> {
  const t = TARGETS.find((x) => (x.config.algo ?? "ppo") === algo && x.config.env === "CartPole-v1");
  if (!t) throw new Error(`bench/impala: no CartPole target for ${algo}`);
  return { ...t.config, totalSteps };
}

async function onePrograms(wf: OnPolicyWorkflow, seeds: number): Promise<Figures> {
  const one = trainFunction(wf, 0);
  const f = seeds === 1 ? jit((k: Value) => one(k), { name: "train1" }) : jit((ks: Value) => vmap((k: Value) => one(k))(ks), { name: "trainN" });
  const key = seeds === 1 ? random.key(0) : random.split(random.key(0), seeds);
  const t0 = now();
  compileJaxpr((f as any).lower(key).jaxpr);
  const t1 = now();
  const evals = await host(f(key).evals);
  const t2 = now();
  const K = wf.numIterations;
  const finals = Array.from({ length: seeds }, (_, r) => evals[(r + 1) * K - 1]!);
  return { compile_s: t1 - t0, run_s: t2 - t1, steps_per_s: (seeds * K * wf.stepsPerIteration) / (t2 - t1), eval_return: finals.reduce((a, b) => a + b, 0) / seeds };
}

async function hostLoop(cfg: Record<string, unknown>): Promise<{ steps_per_s: number; eval_return: number }> {
  const wf = buildWorkflow(cfg) as OnPolicyWorkflow;
  let [t1, s1, t2, s2] = [0, 0, 0, 0];
  // From the end of the first call (compilation) to the last call before the final one (whose evaluation compiles the evaluator).
  const state = await wf.learn(wf.setup(0), {
    onIteration: (m) => {
      if (t1 === 0) [t1, s1] = [now(), m.envSteps!];
      else if (m.envSteps! < wf.numIterations * wf.stepsPerIteration) [t2, s2] = [now(), m.envSteps!];
    },
  });
  const ev = await wf.evaluate(state);
  return { steps_per_s: (s2 - s1) / (t2 - t1), eval_return: ev.returnMean };
}

async function main() {
  console.log(`IMPALA vs PPO (and A2C) on CartPole-v1, ${totalSteps} steps each, ${machine()}`);
  const out: Record<string, { config: Record<string, unknown>; single: Figures; many: Figures; hostLoop: { steps_per_s: number; eval_return: number } }> = {};
  for (const algo of ["impala", "ppo", "a2c"]) {
    const cfg = config(algo);
    const wf = buildWorkflow(cfg) as OnPolicyWorkflow;
    out[algo] = { config: cfg, single: await onePrograms(wf, 1), many: await onePrograms(wf, numSeeds), hostLoop: await hostLoop(cfg) };
    console.error(`${algo}: ${JSON.stringify(out[algo])}`);
  }
  const I = out.impala!;
  const P = out.ppo!;
  const A = out.a2c!;
  const rows: [string, number, number, number, number][] = [
    ["1 seed, one program: env steps/s", I.single.steps_per_s, P.single.steps_per_s, A.single.steps_per_s, 0],
    ["1 seed, one program: compile (s)", I.single.compile_s, P.single.compile_s, A.single.compile_s, 1],
    [`${numSeeds} seeds (vmap): env steps/s`, I.many.steps_per_s, P.many.steps_per_s, A.many.steps_per_s, 0],
    ["host loop: env steps/s (compilation excluded)", I.hostLoop.steps_per_s, P.hostLoop.steps_per_s, A.hostLoop.steps_per_s, 0],
    ["1 seed: final greedy eval return", I.single.eval_return, P.single.eval_return, A.single.eval_return, 1],
  ];
  const md = [
    "| figure | IMPALA | PPO | IMPALA / PPO | A2C |",
    "|---|---:|---:|---:|---:|",
    ...rows.map(([name, i, p, a, d]) => `| ${name} | ${fmt(i, d)} | ${fmt(p, d)} | ${fmt(i / p, 2)} | ${fmt(a, d)} |`),
  ].join("\n");
  console.log(md);
  writeResults(quick ? "impala-quick" : "impala", { totalSteps, seeds: numSeeds, results: out, table: md });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
