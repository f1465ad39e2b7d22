// Evolution strategies on CartPole-v1 with rlib's settings (lr 0.03, σ 0.1, z-scored fitness,
// a 32×32 tanh policy MLP): throughput at population 16 / 128 / 1024 beside the same ES in JAX
// (tools/bench_es_jax.py: same dynamics, network, noise, masking and update), on the same
// machine in the same run. Per population: K iterations as one jitted scan; compile timed
// apart; iterations 1..K warm up, K+1..2K are timed. Figures: the members' live env steps per
// second (what the state counts) and members × loop steps per second (the work done: a member
// whose episode ended is stepped, masked, until the population's longest episode ends).
//
//   node --import tsx bench/es.ts [--pops 16,128,1024] [--iters 10]
import { jit } from "../src/core/jit.js";
import { lax } from "../src/lax/index.js";
import { numpy as np } from "../src/numpy/index.js";
import type { Value } from "../src/core/values.js";
import { Array as ConcreteArray } from "../src/core/values.js";
import { compileJaxpr } from "../src/core/backend.js";
import { buildWorkflow } from "../src/algorithms/registry.js";
import type { EvolutionState, EvolutionWorkflow } from "../src/workflows/evolution.js";
import { machine, runJaxScript, table, writeResults, type Row, now } from "./common.js";

const argv = process.argv.slice(2);
const flag = (name: string, d: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : d);
const pops = flag("--pops", "16,128,1024").split(",").map(Number);
const K = Number(flag("--iters", "10"));
const num = async (v: unknown) => Number((await (v as ConcreteArray).data())[0]);

interface Figures {
  pop: number;
  compile_s: number;
  run_s: number;
  live_steps: number;
  member_loop_steps: number;
  live_steps_per_s: number;
  member_steps_per_s: number;
  final_fitness_mean: number;
}

async function measure(pop: number): Promise<Figures> {
  const wf = buildWorkflow({ algo: "es", env: "CartPole-v1", popSize: pop, lr: 0.03, sigma: 0.1, iterations: K, evalEpisodes: 1 }) as unknown as EvolutionWorkflow;
  const run = jit(
    (s: EvolutionState) =>
      lax.scan(
        (st: EvolutionState, _: null): [EvolutionState, [Value, Value]] => {
          const [m, next] = wf.update(st);
          return [next, [m.loopSteps!, m.fitnessMean!]];
        },
        s,
        null,
        { length: K },
      ),
    { name: `es${pop}` },
  );
  const s0 = wf.setup(0);
  const t0 = now();
  compileJaxpr((run as any).lower(s0).jaxpr);
  const t1 = now();
  const [warm] = run(s0);
  const before = await num(warm.counters.envSteps);
  const t2 = now();
  const [out, [loop, fit]] = run(warm);
  const after = await num(out.counters.envSteps);
  const t3 = now();
  const loops = [...(await (loop as ConcreteArray).data())].map(Number).reduce((a, b) => a + b, 0);
  const fits = [...(await (np.asArray(fit) as ConcreteArray).data())].map(Number);
  const live = after - before;
  return {
    pop,
    compile_s: t1 - t0,
    run_s: t3 - t2,
    live_steps: live,
    member_loop_steps: pop * loops,
    live_steps_per_s: live / (t3 - t2),
    member_steps_per_s: (pop * loops) / (t3 - t2),
    final_fitness_mean: fits[fits.length - 1]!,
  };
}

async function main() {
  console.log(`ES CartPole-v1, populations ${pops.join(" / ")}, ${K} + ${K} iterations each, ${machine()}`);
  const jax = runJaxScript("bench_es_jax.py", ["--pops", pops.join(","), "--iters", String(K)]);
  if ("error" in jax) console.log(`JAX reference unavailable: ${jax.error}`);
  const J = "error" in jax ? undefined : ((jax as Record<string, any>).results as Figures[]);
  const ours: Figures[] = [];
  for (const p of pops) ours.push(await measure(p));
  const rows: Row[] = [];
  ours.forEach((o, i) => {
    const j = J?.[i];
    rows.push(
      [`pop ${o.pop}: compile (s)`, o.compile_s, j?.compile_s, "lower", 1],
      [`pop ${o.pop}: ${K} iterations (s)`, o.run_s, j?.run_s, "lower", 2],
      [`pop ${o.pop}: members × loop steps / s`, o.member_steps_per_s, j?.member_steps_per_s, "higher", 0],
      [`pop ${o.pop}: live env steps / s`, o.live_steps_per_s, j?.live_steps_per_s, "higher", 0],
      [`pop ${o.pop}: mean fitness, last iteration`, o.final_fitness_mean, j?.final_fitness_mean, "higher", 1],
    );
  });
  const md = table(rows);
  console.log(md);
  writeResults("es", { pops, iterations: K, xlaTs: ours, jax: jax, table: md });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
