// `npm start`'s overhead (issue 13): runs `xla-ts train ppo --env CartPole-v1` (the built CLI,
// dist/) and reports the whole process's wall time beside the training time it records in
// run.json (trainingSeconds: the host loop with its evaluations), and the process CPU time.
//
//   node --import tsx bench/start.ts [--runs 1]      (npm run build first)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, median, writeResults } from "./common.js";

const argv = process.argv.slice(2);
const RUNS = argv.includes("--runs") ? Number(argv[argv.indexOf("--runs") + 1]) : 1;
const cli = path.join(ROOT, "dist", "cli", "main.js");

const runs: { total_s: number; training_s: number; overhead_s: number; cpu_s: number }[] = [];
for (let r = 0; r < RUNS; r++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xla-ts-start-"));
  const before = childCpu();
  const t0 = performance.now();
  // /usr/bin/time is not everywhere: the child's CPU comes from this process's children's usage.
  const p = spawnSync(process.execPath, [cli, "train", "ppo", "--env", "CartPole-v1", "--runs-dir", dir, "--name", "run", "--quiet"], { encoding: "utf8", cwd: ROOT });
  const total = (performance.now() - t0) / 1000;
  if (p.status !== 0) throw new Error(`xla-ts train failed: ${p.stderr}`);
  const info = JSON.parse(fs.readFileSync(path.join(dir, "run", "run.json"), "utf8")) as { trainingSeconds: number };
  const cpu = childCpu() - before;
  runs.push({ total_s: total, training_s: info.trainingSeconds, overhead_s: total - info.trainingSeconds, cpu_s: cpu });
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`npm start: ${total.toFixed(1)} s in all, ${info.trainingSeconds.toFixed(1)} s training, overhead ${(total - info.trainingSeconds).toFixed(1)} s; ${cpu.toFixed(1)} CPU-s`);
}

/** CPU seconds of this process's finished children (Node has no rusage for them): /proc/self/stat's cutime + cstime. */
function childCpu(): number {
  try {
    const f = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return NaN;
  }
}

const pick = (k: keyof (typeof runs)[0]) => median(runs.map((x) => x[k]));
writeResults("start", { runs, total_s: pick("total_s"), training_s: pick("training_s"), overhead_s: pick("overhead_s"), cpu_s: pick("cpu_s") });
