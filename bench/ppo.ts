// PPO on CartPole-v1 with PureJaxRL's settings (4 envs × 128 steps, 5e5 steps, 4 epochs × 4
// minibatches, lr 2.5e-4 annealed, 64×64 tanh): the whole training as one program for one
// seed and vmapped over 16, beside the same algorithm in JAX (tools/bench_ppo_jax.py, same
// dynamics and hyperparameters) run on the same machine in the same run; plus xla-ts's host
// loop as the CLI runs it (folded iterations, an evaluation every 1/20 of the run) beside the
// same run and evaluations as one program, which JAX's script has no counterpart of.
//
//   node --import tsx bench/ppo.ts [--quick] [--seeds 16]
import { jit, vmap, random, type Value } from "../src/index.js";
import { Array as ConcreteArray } from "../src/core/values.js";
import { compileJaxpr } from "../src/core/backend.js";
import type { OnPolicyWorkflow } from "../src/workflows/on_policy.js";
import { buildWorkflow } from "../src/algorithms/registry.js";
import { trainFunction } from "../src/workflows/train_many.js";
import { evalPeriod } from "../src/cli/train.js";
import { machine, runJaxScript, table, writeResults, type Row, now, hostNumbers as host } from "./common.js";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const si = argv.indexOf("--seeds");
const numSeeds = si >= 0 ? Number(argv[si + 1]) : 16;
const totalSteps = quick ? 50_000 : 500_000;

interface Figures {
  compile_s: number;
  run_s: number;
  steps_per_s: number;
  eval_return: number;
  train_return: number;
}

/**
 * Mean return of the episodes that ended in the last 10 iterations of each run (each
 * iteration's mean, over the iterations where any ended: episodeReturn is NaN in the others),
 * averaged over runs.
 */
async function trainReturn(metrics: Record<string, Value>, runs: number): Promise<number> {
  const ret = await host(metrics.episodeReturn);
  const per = ret.length / runs;
  let total = 0;
  for (let r = 0; r < runs; r++) {
    const last = ret.slice((r + 1) * per - 10, (r + 1) * per).filter((x) => Number.isFinite(x));
    total += last.length ? last.reduce((a, b) => a + b, 0) / last.length : NaN;
  }
  return total / runs;
}

async function onePrograms(wf: OnPolicyWorkflow, seeds: number): Promise<Figures> {
  const one = trainFunction(wf, 0);
  const f = seeds === 1 ? jit((k: Value) => one(k), { name: "ppo1" }) : jit((ks: Value) => vmap((k: Value) => one(k))(ks), { name: "ppoN" });
  const key = seeds === 1 ? random.key(0) : random.split(random.key(0), seeds);
  const t0 = now();
  compileJaxpr((f as any).lower(key).jaxpr);
  const t1 = now();
  const out = f(key);
  const evals = await host(out.evals);
  const t2 = now();
  const K = wf.numIterations;
  const finals = Array.from({ length: seeds }, (_, r) => evals[(r + 1) * K - 1]!);
  return {
    compile_s: t1 - t0,
    run_s: t2 - t1,
    steps_per_s: (seeds * K * wf.stepsPerIteration) / (t2 - t1),
    eval_return: finals.reduce((a, b) => a + b, 0) / seeds,
    train_return: await trainReturn(out.metrics, seeds),
  };
}

/**
 * The host loop as `npm start` runs it: the CLI's defaults (an evaluation about every 1/20 of
 * the run, the iterations between two evaluations folded into one jitted call, the metrics of
 * every iteration read back and logged), against the whole run as one program with the same
 * evaluations (`oneProgram`, timed in alternation with it). Steps/s count from the end of the
 * first call (compilation) to the end of the run; CPU seconds are the process's over the same span.
 */
async function hostLoop(): Promise<{ wall_s: number; steps_per_s: number; cpu_steps_per_s: number; eval_return: number; fold: number; host_idle_fraction: number; one_program_steps_per_s: number; one_program_cpu_steps_per_s: number }> {
  const probe = buildWorkflow({ totalSteps }) as OnPolicyWorkflow;
  const fold = evalPeriod(probe.numIterations);
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const t0 = now();
  const wf = buildWorkflow({ totalSteps, evalEvery: fold, foldIterations: fold }) as OnPolicyWorkflow;
  const K = wf.numIterations;
  let [t1, c1, n1] = [0, 0, 0];
  const onIteration = (m: Record<string, number>) => {
    if (t1 === 0) [t1, c1, n1] = [now(), cpu(), m.iteration!];
  };
  // The host's share: from the moment a call's results are ready to the next call's dispatch
  // (read-back of the metrics, the evaluation, logging) the device has nothing to run.
  const dispatched: number[] = [];
  const ready: number[] = [];
  const stepMany = wf.stepMany.bind(wf);
  (wf as { stepMany: typeof stepMany }).stepMany = (s, n) => {
    dispatched.push(now());
    const out = stepMany(s, n);
    void (Object.values(out[0])[0] as ConcreteArray).blockUntilReady().then(() => ready.push(now()));
    return out;
  };
  const state = await wf.learn(wf.setup(0), { onIteration, logger: { log: () => undefined } });
  const [t2, c2] = [now(), cpu()];
  let idle = 0;
  for (let i = 1; i < dispatched.length; i++) if (dispatched[i]! > t1) idle += dispatched[i]! - Math.max(ready[i - 1]!, t1);
  const ev = await wf.evaluate(state);
  const steps = (K - n1) * wf.stepsPerIteration;
  // The same iterations and evaluations as one program (compiled first, then timed).
  const one = trainFunction(wf, fold);
  const f = jit((k: Value) => one(k), { name: "ppo1eval" });
  compileJaxpr((f as any).lower(random.key(0)).jaxpr);
  const [t3, c3] = [now(), cpu()];
  await host(f(random.key(0)).evals);
  const [t4, c4] = [now(), cpu()];
  const all = K * wf.stepsPerIteration;
  return {
    wall_s: t2 - t0,
    steps_per_s: steps / (t2 - t1),
    cpu_steps_per_s: steps / (c2 - c1),
    eval_return: ev.returnMean,
    fold,
    host_idle_fraction: idle / (t2 - t1),
    one_program_steps_per_s: all / (t4 - t3),
    one_program_cpu_steps_per_s: all / (c4 - c3),
  };
}

async function main() {
  if (argv.includes("--host-loop-only")) {
    console.log(JSON.stringify(await hostLoop()));
    return;
  }
  console.log(`PPO CartPole-v1, ${totalSteps} steps, ${machine()}`);
  const jax = runJaxScript("bench_ppo_jax.py", [...(quick ? ["--quick"] : []), "--seeds", String(numSeeds)]);
  if ("error" in jax) console.log(`JAX reference unavailable: ${jax.error}`);
  const J = "error" in jax ? undefined : (jax as Record<string, any>);

  const wf = (buildWorkflow({ totalSteps }) as OnPolicyWorkflow);
  const single = await onePrograms(wf, 1);
  const many = await onePrograms(wf, numSeeds);
  const loop = await hostLoop();

  const js = J?.single;
  const jm = J?.many;
  const rows: Row[] = [
    ["1 seed: compile (s)", single.compile_s, js?.compile_s, "lower", 1],
    ["1 seed: run (s)", single.run_s, js?.run_s, "lower", 2],
    ["1 seed: wall incl. compile (s)", single.compile_s + single.run_s, js && js.compile_s + js.run_s, "lower", 1],
    ["1 seed: env steps/s", single.steps_per_s, js?.steps_per_s, "higher", 0],
    ["1 seed: final greedy eval return", single.eval_return, js?.eval_return, "higher", 1],
    ["1 seed: final train return", single.train_return, js?.train_return, "higher", 1],
    [`${numSeeds} seeds (vmap): compile (s)`, many.compile_s, jm?.compile_s, "lower", 1],
    [`${numSeeds} seeds (vmap): run (s)`, many.run_s, jm?.run_s, "lower", 1],
    [`${numSeeds} seeds (vmap): wall incl. compile (s)`, many.compile_s + many.run_s, jm && jm.compile_s + jm.run_s, "lower", 1],
    [`${numSeeds} seeds (vmap): env steps/s`, many.steps_per_s, jm?.steps_per_s, "higher", 0],
    [`${numSeeds} seeds (vmap): mean final eval return`, many.eval_return, jm?.eval_return_mean, "higher", 1],
    [`${numSeeds} seeds (vmap): mean final train return`, many.train_return, jm?.train_return, "higher", 1],
    [`host loop (CLI defaults: ${loop.fold} iterations per call, evaluation after each): wall incl. compile (s)`, loop.wall_s, undefined, "lower", 1],
    ["host loop: env steps/s (compilation excluded)", loop.steps_per_s, undefined, "higher", 0],
    ["the same run as one program (same evaluations): env steps/s", loop.one_program_steps_per_s, undefined, "higher", 0],
    ["host loop: env steps per CPU-second", loop.cpu_steps_per_s, undefined, "higher", 0],
    ["one program: env steps per CPU-second", loop.one_program_cpu_steps_per_s, undefined, "higher", 0],
    ["host loop: share of the time between calls (read-back, evaluation, logging)", loop.host_idle_fraction, undefined, "lower", 3],
    ["host loop: final greedy eval return", loop.eval_return, undefined, "higher", 1],
  ];
  const md = table(rows);
  console.log(md);
  writeResults(quick ? "ppo-quick" : "ppo", { totalSteps, seeds: numSeeds, xlaTs: { single, many, hostLoop: loop }, jax: J ?? jax, table: md });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
