// Data-parallel scaling: PPO and ES env steps per second on 1, 2 and 4 devices of the CPU
// plugin at the same global batch (PPO: numEnvs × numSteps per iteration; ES: popSize members),
// scaling efficiency = throughput(N) / (N × throughput(1)). Every configuration is compiled and
// warmed first; then rounds alternate the device counts (1, 2, 4, 1, 2, 4, ...) so a load change
// on the machine hits all of them alike, and each figure is the median over rounds of one call
// of `fold` iterations (counted env steps / wall time, the host round trip of pmap included).
// The CPU plugin's devices share the machine's cores: with c cores, efficiency above c devices
// is bounded by c / N (the JSON records the core count).
//
//   node --import tsx bench/scaling.ts [--devices 1,2,4] [--rounds 5] [--fold 2] [--numEnvs 16] [--popSize 32]
import os from "node:os";
import { Array as ConcreteArray } from "../src/core/values.js";
import { xlaRuntime } from "../src/core/backend.js";
import { buildWorkflow } from "../src/algorithms/registry.js";
import type { Workflow, WorkflowState } from "../src/workflows/workflow.js";
import { median, writeResults } from "./common.js";

const argv = process.argv.slice(2);
const flag = (name: string, d: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : d);
const devices = flag("--devices", "1,2,4").split(",").map(Number);
const rounds = Number(flag("--rounds", "5"));
const fold = Number(flag("--fold", "2"));
const numEnvs = Number(flag("--numEnvs", "16"));
const popSize = Number(flag("--popSize", "32"));

const CONFIGS: Record<string, Record<string, unknown>> = {
  // PPO at PureJaxRL's CartPole settings, with numEnvs global envs split over the devices.
  ppo: { algo: "ppo", env: "CartPole-v1", numEnvs, numSteps: 128, epochs: 4, numMinibatches: 4, evalEpisodes: 1 },
  // ES at rlib's settings (32×32 tanh policy); popSize members split over the devices.
  es: { algo: "es", env: "CartPole-v1", popSize, lr: 0.03, sigma: 0.1, evalEpisodes: 1 },
};

const envSteps = (s: WorkflowState) => Number((s.counters.envSteps as ConcreteArray).dataSync()[0]);

interface Cell {
  wf: Workflow;
  state: WorkflowState;
  compile_s: number;
  samples: number[];
}

async function main(): Promise<void> {
  const have = xlaRuntime().devices.length;
  for (const n of devices) if (n > have) throw new RangeError(`scaling: ${n} devices asked, the runtime has ${have} (cpu_device_count)`);
  const results: Record<string, Record<number, { steps_per_s: number; efficiency: number; compile_s: number; samples: number[] }>> = {};
  const rows = ["| algorithm | devices | env steps/s (median) | scaling efficiency | compile + warm-up (s) |", "|---|---:|---:|---:|---:|"];
  for (const [name, cfg] of Object.entries(CONFIGS)) {
    const cells = new Map<number, Cell>();
    for (const n of devices) {
      const wf = buildWorkflow({ ...cfg, numDevices: n });
      const t0 = performance.now();
      const [, state] = wf.stepMany(wf.setup(0), fold);
      envSteps(state);
      cells.set(n, { wf, state, compile_s: (performance.now() - t0) / 1000, samples: [] });
      console.error(`${name} ${n} device(s): compiled and warmed in ${cells.get(n)!.compile_s.toFixed(1)} s`);
    }
    for (let r = 0; r < rounds; r++)
      for (const n of devices) {
        const c = cells.get(n)!;
        const before = envSteps(c.state);
        const t0 = performance.now();
        [, c.state] = c.wf.stepMany(c.state, fold);
        const after = envSteps(c.state); // reading the counter waits for the call to finish
        c.samples.push((after - before) / ((performance.now() - t0) / 1000));
      }
    const base = median(cells.get(devices[0]!)!.samples) / devices[0]!;
    results[name] = {};
    for (const n of devices) {
      const c = cells.get(n)!;
      const sps = median(c.samples);
      const eff = sps / (n * base);
      results[name]![n] = { steps_per_s: sps, efficiency: eff, compile_s: c.compile_s, samples: c.samples };
      rows.push(`| ${name.toUpperCase()} | ${n} | ${sps.toFixed(0)} | ${eff.toFixed(2)} | ${c.compile_s.toFixed(1)} |`);
    }
  }
  const text = rows.join("\n");
  console.log(text);
  writeResults("scaling", {
    cores: os.cpus().length,
    loadavg: os.loadavg(),
    note: "CPU plugin devices share the machine's cores: efficiency above `cores` devices is bounded by cores / N",
    settings: { devices, rounds, fold, configs: CONFIGS },
    results,
    table: text,
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
