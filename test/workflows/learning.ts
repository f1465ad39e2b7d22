// The learning targets as a script (`npm run test:learning`), with a table of returns and
// times: PPO on CartPole-v1 with PureJaxRL's settings reaches a greedy evaluation return
// ≥ 475 within 500k steps; continuous PPO on Pendulum-v1 reaches ≥ −300. Seed 0 through the
// host loop (as the test suite's learning.test.ts checks too); `--seeds 0,1,2,3` also trains
// those seeds of each, vmapped into one program by trainMany. Exits non-zero on a miss.
import { OnPolicyWorkflow } from "../../src/workflows/on_policy.js";
import { trainMany } from "../../src/workflows/train_many.js";
import { TARGETS } from "./targets.js";

async function main(argv: string[]): Promise<number> {
  const i = argv.indexOf("--seeds");
  const seeds = i >= 0 ? argv[i + 1]!.split(",").map(Number) : [];
  let failed = 0;
  const rows: string[] = ["| env | run | steps | eval return (mean ± std of episodes) | target | wall time |", "|---|---|---:|---:|---:|---:|"];
  for (const t of TARGETS) {
    const t0 = performance.now();
    const wf = OnPolicyWorkflow.build({ seed: 0, ...t.config });
    let state = wf.setup();
    state = await wf.learn(state, {
      onIteration: (m) => {
        if (m.iteration! % 100 === 0) console.error(`${t.name} iteration ${m.iteration}: train return ${m.episodeReturn?.toFixed(1)}`);
      },
    });
    const ev = await wf.evaluate(state);
    const secs = (performance.now() - t0) / 1000;
    const ok = ev.returnMean >= t.threshold;
    failed += ok ? 0 : 1;
    rows.push(`| ${t.name} | seed 0, learn loop | ${wf.numIterations * wf.stepsPerIteration} | ${ev.returnMean.toFixed(1)} ± ${ev.returnStd.toFixed(1)} ${ok ? "✓" : "✗"} | ≥ ${t.threshold} | ${secs.toFixed(1)} s |`);
    if (seeds.length) {
      const r = await trainMany({ seed: 0, ...t.config }, seeds, { evalEvery: 0 });
      r.finalReturns.forEach((ret, k) => {
        const okk = ret >= t.threshold;
        failed += okk ? 0 : 1;
        rows.push(`| ${t.name} | seed ${seeds[k]}, trainMany | ${wf.numIterations * wf.stepsPerIteration} | ${ret.toFixed(1)} ${okk ? "✓" : "✗"} | ≥ ${t.threshold} | ${k === 0 ? `${r.seconds.toFixed(1)} s for ${seeds.length}` : ""} |`);
      });
    }
  }
  console.log(rows.join("\n"));
  if (failed) console.log(`\n${failed} run(s) missed the target`);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
