// The off-policy algorithms beside rejax (vectorizable RL in pure JAX, run end to end under
// jit), with rejax's published gymnax configs and the same hyperparameters in xla-ts: SAC and
// TD3 on Pendulum-v1 (10k steps), DQN on CartPole-v1 (100k steps). For each, the whole
// training as one compiled program for one seed and vmapped over N seeds: wall time including
// compilation, and the final greedy evaluation return. rejax runs in its own virtual
// environment (tools/bench_offpolicy_rejax.py) on the same machine in the same run.
//
//   node --import tsx bench/offpolicy.ts [--seeds 16] [--only sac,td3,dqn] [--skip-rejax]
import { spawnSync } from "node:child_process";
import { jit, vmap, random, type Value } from "../src/index.js";
import { compileJaxpr } from "../src/core/backend.js";
import { buildWorkflow } from "../src/algorithms/registry.js";
import { trainFunction } from "../src/workflows/train_many.js";
import { ROOT, machine, table, writeResults, type Row, now, hostNumbers as host } from "./common.js";

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const numSeeds = Number(flag("--seeds") ?? 16);
const only = flag("--only")?.split(",");

/** rejax's published gymnax configs (configs/gymnax/{pendulum,cartpole}.yaml) in xla-ts's names; hidden layers (64, 64) are rejax's default. */
export const CASES: Record<string, Record<string, unknown>> = {
  sac: {
    algo: "sac", env: "Pendulum-v1", totalSteps: 10_000, numEnvs: 1, bufferSize: 10_000, learningStarts: 256, batchSize: 256,
    qLr: 0.01, policyLr: 0.01, alphaLr: 0.01, gradientSteps: 1, gamma: 0.99, tau: 0.02, normalizeObs: true, activation: "silu", hiddenSizes: [64, 64],
    logStdMin: -10, logStdMax: 2,
  },
  td3: {
    algo: "td3", env: "Pendulum-v1", totalSteps: 10_000, numEnvs: 1, bufferSize: 10_000, learningStarts: 1000, batchSize: 100, qLr: 1e-3, muLr: 1e-3,
    gradientSteps: 1, gamma: 0.99, tau: 0.05, maxGradNorm: 100, policyDelay: 2,
    // rejax adds its noises in action units (0.3, 0.2, clip 0.5); xla-ts's are fractions of the half-range (2 on Pendulum).
    actionNoise: 0.15, targetNoise: 0.1, targetNoiseClip: 0.25,
    normalizeObs: true, activation: "silu", hiddenSizes: [64, 64],
  },
  // rejax mixes its target once per iteration (one vector step of 10 envs, then 5 updates):
  // targetUpdateEvery counts updates, so 5. (rejax clips each gradient element at 10, optax.clip;
  // xla-ts clips the global norm at 10.)
  dqn: {
    algo: "dqn", env: "CartPole-v1", totalSteps: 100_000, numEnvs: 10, bufferSize: 50_000, learningStarts: 5_000, batchSize: 100, lr: 1e-3, maxGradNorm: 10,
    trainFreq: 1, gradientSteps: 5, tau: 0.02, targetUpdateEvery: 5, epsilonMin: 0.05, explorationFraction: 0.5, double: true, dueling: true,
    activation: "silu", hiddenSizes: [64, 64], loss: "mse",
  },
};

interface Figures {
  compile_s: number;
  run_s: number;
  wall_s: number;
  eval_return: number;
  eval_returns: number[];
}

/** The whole training of `seeds` runs as one program (one seed: jit; several: jit of vmap); one greedy evaluation at the end. */
async function ours(config: Record<string, unknown>, seeds: number): Promise<Figures> {
  const t0 = now();
  const wf = buildWorkflow({ ...config, stepsPerIteration: 1000, evalEpisodes: 20 });
  const one = trainFunction(wf, 0);
  const f = seeds === 1 ? jit((k: Value) => one(k).evals, { name: "offpolicy1" }) : jit((ks: Value) => vmap((k: Value) => one(k).evals)(ks), { name: "offpolicyN" });
  const key = seeds === 1 ? random.key(0) : random.split(random.key(0), seeds);
  compileJaxpr((f as any).lower(key).jaxpr);
  const t1 = now();
  const evals = await host(f(key));
  const t2 = now();
  const K = wf.numIterations;
  const finals = Array.from({ length: seeds }, (_, r) => evals[(r + 1) * K - 1]!);
  return { compile_s: t1 - t0, run_s: t2 - t1, wall_s: t2 - t0, eval_return: finals.reduce((a, b) => a + b, 0) / seeds, eval_returns: finals };
}

function rejax(algo: string, seeds: number): Record<string, any> | { error: string } {
  const r = spawnSync("python3", [`${ROOT}/tools/bench_offpolicy_rejax.py`, "--algo", algo, "--seeds", String(seeds)], { encoding: "utf8", maxBuffer: 16 << 20 });
  if (r.status !== 0) return { error: `bench_offpolicy_rejax.py failed: ${(r.stderr || "").trim().split("\n").slice(-3).join(" | ")}` };
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, any>;
}

async function main() {
  console.log(`off-policy vs rejax, ${numSeeds} seeds vmapped, ${machine()}`);
  const out: Record<string, unknown> = {};
  const rows: Row[] = [];
  for (const [name, config] of Object.entries(CASES)) {
    if (only && !only.includes(name)) continue;
    const R = argv.includes("--skip-rejax") ? { error: "skipped" } : rejax(name, numSeeds);
    if ("error" in R) console.log(`rejax ${name}: ${R.error}`);
    const J = "error" in R ? undefined : R;
    const single = await ours(config, 1);
    const many = await ours(config, numSeeds);
    const label = `${name.toUpperCase()} ${config.env} ${(config.totalSteps as number) / 1000}k`;
    rows.push(
      [`${label}, 1 seed: wall incl. compile (s)`, single.wall_s, J?.single?.wall_s, "lower", 1],
      [`${label}, 1 seed: final greedy return`, single.eval_return, J?.single?.eval_return, "higher", 1],
      [`${label}, ${numSeeds} seeds: wall incl. compile (s)`, many.wall_s, J?.many?.wall_s, "lower", 1],
      [`${label}, ${numSeeds} seeds: mean final greedy return`, many.eval_return, J?.many?.eval_return, "higher", 1],
    );
    out[name] = { config, xlaTs: { single, many }, rejax: J ?? R };
    console.log(table(rows.slice(-4)).split("\n").slice(2).join("\n"));
  }
  const md = table(rows).replace("| JAX |", "| rejax |").replace("xla-ts / JAX", "xla-ts / rejax");
  console.log(md);
  writeResults("offpolicy", { seeds: numSeeds, ...out, table: md });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
