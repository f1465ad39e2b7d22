// Pixel workloads (issue 13, deliverable 3): PPO with the IMPALA CNN on Breakout-MinAtar
// (10×10×4 frames) as one compiled program, beside the same network, env and learner in JAX +
// gymnax (tools/bench_pixel_jax.py) run in the same run; and PPO with the Nature CNN on the
// pixel MultiRoom-Stacked-v0 (96×96×4), beside the same in JAX on tools/multiroom_jax.py (gymnax
// has no MultiRoom: a port checked step for step by test/envs/multiroom_jax.test.ts), which runs
// on the layout xla-ts generates (bench/multiroom_layout.ts writes it to a temporary JSON).
//
//   node --import tsx bench/pixel.ts [--envs 8] [--steps 64] [--iters 3] [--no-jax] [--no-multiroom]
//
// Throughput counts the run after compilation (best of 2 runs); CPU time is the process's.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { jit, random, type Value } from "../src/index.js";
import { Array as ConcreteArray } from "../src/core/values.js";
import { compileJaxpr } from "../src/core/backend.js";
import "../src/envs/extra.js";
import type { OnPolicyWorkflow } from "../src/workflows/on_policy.js";
import { buildWorkflow } from "../src/algorithms/registry.js";
import { trainFunction } from "../src/workflows/train_many.js";
import { STACKED, multiroomLayoutJson } from "./multiroom_layout.js";
import { machine, runJaxScript, table, writeResults, type Row } from "./common.js";

const argv = process.argv.slice(2);
const arg = (n: string, d: number) => (argv.includes(n) ? Number(argv[argv.indexOf(n) + 1]) : d);
const ENVS = arg("--envs", 8);
const STEPS = arg("--steps", 64);
const ITERS = arg("--iters", 3);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function measure(env: string, torso: string, extra: Record<string, unknown> = {}) {
  const wf = buildWorkflow({
    algo: "ppo", env, torso, numEnvs: ENVS, numSteps: STEPS, totalSteps: ENVS * STEPS * ITERS,
    epochs: 4, numMinibatches: 4, evalEpisodes: 1, ...extra,
  }) as OnPolicyWorkflow;
  const one = trainFunction(wf, 0);
  // The evaluation at the end is left out of the timed program (the JAX script has none).
  const f = jit((k: Value) => one(k).metrics, { name: `pixel-${env}` });
  const t0 = performance.now();
  compileJaxpr((f as any).lower(random.key(0)).jaxpr);
  const compile_s = (performance.now() - t0) / 1000;
  let [run_s, cpu_s] = [Infinity, Infinity];
  for (let r = 0; r < 2; r++) {
    const [w0, c0] = [performance.now(), cpu()];
    const m = f(random.key(0)) as Record<string, Value>;
    await (Object.values(m)[0] as ConcreteArray).data();
    run_s = Math.min(run_s, (performance.now() - w0) / 1000);
    cpu_s = Math.min(cpu_s, cpu() - c0);
  }
  const steps = wf.numIterations * wf.stepsPerIteration;
  return { env, torso, envs: ENVS, steps: STEPS, iters: wf.numIterations, compile_s, run_s, cpu_s, steps_per_s: steps / run_s, cpu_steps_per_s: steps / cpu_s };
}

async function main() {
  console.log(`pixel PPO: ${ENVS} envs × ${STEPS} steps × ${ITERS} iterations, 4 epochs × 4 minibatches; ${machine()}`);
  const noJax = argv.includes("--no-jax");
  const noMultiroom = argv.includes("--no-multiroom");
  const size = ["--envs", String(ENVS), "--steps", String(STEPS), "--iters", String(ITERS)];
  const jax = noJax ? { error: "--no-jax" } : runJaxScript("bench_pixel_jax.py", size);
  if ("error" in jax) console.log(`JAX reference unavailable: ${jax.error}`);
  const J = "error" in jax ? undefined : (jax as Record<string, any>);
  let jaxMr: Record<string, any> | undefined;
  if (!noJax && !noMultiroom) {
    const file = path.join(os.tmpdir(), `multiroom-layout-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify(multiroomLayoutJson(STACKED.opts, STACKED.maxSteps)));
    jaxMr = runJaxScript("bench_pixel_jax.py", [...size, "--env", "multiroom", "--layout", file]);
    fs.rmSync(file, { force: true });
    if ("error" in jaxMr) console.log(`JAX MultiRoom reference unavailable: ${jaxMr.error}`);
  }
  const JM = jaxMr && !("error" in jaxMr) ? jaxMr : undefined;
  const breakout = await measure("Breakout-MinAtar", "impala");
  const multiroom = noMultiroom ? undefined : await measure("MultiRoom-Stacked-v0", "nature");
  const rows: Row[] = [
    ["Breakout-MinAtar, IMPALA CNN: compile (s)", breakout.compile_s, J?.compile_s, "lower", 1],
    ["Breakout-MinAtar, IMPALA CNN: env steps/s", breakout.steps_per_s, J?.steps_per_s, "higher", 0],
    ["Breakout-MinAtar, IMPALA CNN: env steps per CPU-second", breakout.cpu_steps_per_s, J?.cpu_steps_per_s, "higher", 0],
    ...(multiroom
      ? ([
          ["MultiRoom-Stacked-v0, Nature CNN: compile (s)", multiroom.compile_s, JM?.compile_s, "lower", 1],
          ["MultiRoom-Stacked-v0, Nature CNN: env steps/s", multiroom.steps_per_s, JM?.steps_per_s, "higher", 1],
          ["MultiRoom-Stacked-v0, Nature CNN: env steps per CPU-second", multiroom.cpu_steps_per_s, JM?.cpu_steps_per_s, "higher", 1],
        ] as Row[])
      : []),
  ];
  const md = table(rows);
  console.log(md);
  writeResults("pixel", { xlaTs: { breakout, multiroom }, jax: J ?? jax, jaxMultiroom: jaxMr, table: md });
}

await main();
