// `xla-ts train`: trains an algorithm on an environment and writes the run directory.
import { COMMON_SCHEMA } from "../workflows/config.js";
import { describeAllowed, type Schema } from "../agents/common/config.js";
import type { BaseConfig } from "../workflows/workflow.js";
import { RunDir, describeExisting, resumeTargets } from "../workflows/outputs/run_dir.js";
import { trainRun, trainSeeds, type TrainSeedsOptions } from "../algorithms/run.js";
import { algorithmNames, algorithms, buildWorkflow, getAlgorithm } from "../algorithms/registry.js";
import { UsageError, flagsHelp, parseArgs, type FlagSpec } from "./args.js";
import { assembleConfig, checkAlgo, checkConfig, parseSweep } from "./config.js";
import type { Io } from "./io.js";
import { COMPILE_CACHE_FLAG, configureCompileCache } from "./compile_cache.js";
import { existsSync } from "node:fs";
import * as path from "node:path";

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  env: { type: "string", arg: "ID", help: "environment id, e.g. CartPole-v1 (the same as env=ID)" },
  config: { type: "string", arg: "FILE", help: "a YAML (or JSON) file of config options; key=value arguments override it" },
  seeds: { type: "ints", arg: "LIST", help: "train several seeds (0,1,2 or 0-4) together, vmapped into one program" },
  sweep: { type: "string", arg: "KEY=V1,V2", help: "also sweep one hyperparameter over these values (vmapped with the seeds)" },
  name: { type: "string", arg: "NAME", help: "the run directory's name (default <algo>-<env>-<date>-<time>)" },
  "runs-dir": { type: "string", arg: "DIR", help: "where run directories go (default runs)" },
  "checkpoint-every": { type: "int", arg: "N", help: "save a checkpoint every N iterations (default: about 10 per run; 0: only at the end)" },
  "keep-checkpoints": { type: "int", arg: "N", help: "keep the N newest checkpoints (default 5; 0: all)" },
  resume: { type: "string", arg: "DIR", help: "continue the run in DIR from its latest checkpoint (identically: same keys, same counters)" },
  checkpoint: { type: "string", arg: "FILE", help: "with --resume: this checkpoint instead of the latest" },
  plots: { type: "bool", help: "write plots/learning_curves.{png,svg} (default; --no-plots to skip)" },
  video: { type: "bool", help: "write videos/eval_episode.gif (default; --no-video to skip)" },
  fps: { type: "int", arg: "N", help: "frames per second of the video (default 30)" },
  quiet: { type: "bool", help: "no progress display" },
  ...COMPILE_CACHE_FLAG,
};

/** The options of a schema as aligned help lines (defaults, meaning, allowed values). */
function optionLines(schema: Schema): string {
  const rows = Object.entries(schema).map(([k, s]) => [k, JSON.stringify(s.default), describeAllowed(s), s.doc] as const);
  const w0 = Math.max(...rows.map((r) => r[0].length)) + 2;
  const w1 = Math.min(24, Math.max(...rows.map((r) => r[1].length)) + 2);
  return rows.map(([k, d, a, doc]) => `  ${k.padEnd(w0)}${d.padEnd(w1)}${doc} (${a})`).join("\n");
}

/** `train --help`: every algorithm with its options; `train <algo> --help`: that algorithm's. */
export function trainHelp(algo?: string): string {
  const specs = algo ? [getAlgorithm(algo)] : algorithms();
  // An algorithm's own options, and the common ones it overrides (another default or meaning).
  const own = (s: Schema) => Object.fromEntries(Object.entries(s).filter(([k, v]) => !(k in COMMON_SCHEMA) || (k !== "algo" && v !== COMMON_SCHEMA[k])));
  const list = algorithms()
    .map((a) => `  ${a.name.padEnd(10)}${a.title} [${a.family}; actions: ${a.actionSpaces}]`)
    .join("\n");
  return `usage: xla-ts train <algo> --env <id> [--config FILE] [key=value ...] [--seeds 0,1,2] [options]
       xla-ts train <algo> --help          (that algorithm's options only)
       xla-ts train --resume <run-dir> [key=value ...]

Trains <algo> and writes runs/<name>/: config.yaml, run.json, metrics.jsonl, TensorBoard event
files, checkpoints/, plots/learning_curves.{png,svg} and videos/eval_episode.gif. Ctrl-C stops
after the current iteration with a checkpoint.

algorithms:
${list}

options:
${flagsHelp(TRAIN_FLAGS)}

config options (key=value; values are YAML: 3e-4, true, null, [64, 64]; records by dotted keys: envOptions.maxEpisodeSteps=200)

common to every algorithm:
${optionLines(Object.fromEntries(Object.entries(COMMON_SCHEMA).filter(([k]) => k !== "algo")))}
${specs.map((s) => `\n${s.name} (sweepable: ${s.sweepable.join(", ") || "none"}):\n${optionLines(own(s.schema))}`).join("\n")}

examples:
  xla-ts train ppo --env CartPole-v1
  xla-ts train ppo --env Pendulum-v1 numEnvs=16 numSteps=64 lr=1e-3 totalSteps=1000000
  xla-ts train ppo --env CartPole-v1 --seeds 0-3 --sweep lr=1e-4,2.5e-4,1e-3
  xla-ts train ppo --config runs/my-run/config.yaml seed=1
  xla-ts train --resume runs/my-run
`;
}

export async function trainCommand(argv: string[], io: Io): Promise<number> {
  const p = parseArgs("train", argv, TRAIN_FLAGS, { assignments: true });
  if (p.help) {
    const a = p.positionals[0];
    if (a !== undefined) checkAlgo(a);
    io.out(trainHelp(a));
    return 0;
  }
  const f = p.flags;
  configureCompileCache(f["compile-cache"]);
  const common = {
    plots: f.plots !== false,
    video: f.video !== false,
    fps: f.fps as number | undefined,
    command: ["xla-ts", "train", ...argv],
    progress: f.quiet === true ? (false as const) : io.progress,
    print: io.out,
  };
  if (f.fps !== undefined && !((f.fps as number) > 0)) throw new UsageError(`--fps must be a positive integer, got ${f.fps}`);
  for (const k of ["checkpoint-every", "keep-checkpoints"] as const)
    if (f[k] !== undefined && (f[k] as number) < 0) throw new UsageError(`--${k} must be 0 or more, got ${f[k]}`);

  if (f.resume !== undefined) {
    for (const k of ["env", "config", "seeds", "sweep", "name", "runs-dir"] as const)
      if (f[k] !== undefined) throw new UsageError(`--${k} cannot be combined with --resume (the run's own config.yaml is used; key=value arguments may change it)`);
    if (p.positionals.length > 1 || (p.positionals.length === 1 && !algorithmNames().includes(p.positionals[0]!)))
      throw new UsageError(`unexpected argument "${p.positionals.at(-1)}" (usage: xla-ts train --resume <run-dir> [key=value ...])`);
    const dir = new RunDir(f.resume as string);
    if (!existsSync(dir.path)) throw new UsageError(`--resume ${dir.path}: no such directory`);
    if (!existsSync(dir.config))
      throw new UsageError(`--resume ${dir.path}: not a run directory (no config.yaml): ${describeExisting(dir)}`);
    const saved = await dir.readConfig();
    const { overrides, config } = await assembleConfig({ base: saved, algo: p.positionals[0], assignments: p.assignments });
    if (f.checkpoint !== undefined && !existsSync(f.checkpoint as string)) throw new UsageError(`--checkpoint ${f.checkpoint}: no such file`);
    const runInfo = (await dir.readRunInfo()) ?? {};
    const seeds = globalThis.Array.isArray(runInfo.seeds) ? (runInfo.seeds as number[]) : [];
    if (seeds.length > 1 || runInfo.sweep) {
      // A multi-seed run: one program trains every seed and checkpoints them at the end.
      if (f.checkpoint !== undefined) throw new UsageError(`--checkpoint needs one seed's directory (${dir.path} holds ${seeds.length} seeds: --resume ${path.join(dir.path, "seed_" + seeds[0])})`);
      const subs = await resumeTargets(dir.path);
      const complete = runInfo.status === "finished" && subs.length > 1 && (await Promise.all(subs.map((s) => s.latestCheckpoint()))).every(Boolean);
      if (!complete) {
        io.err(`${dir.path}: a multi-seed run checkpoints only when all seeds finish; training seeds ${seeds.join(", ")} again from step 0 in this directory`);
        await trainSeeds({ ...common, config: overrides, seeds, sweep: runInfo.sweep as TrainSeedsOptions["sweep"], existingDir: dir.path });
        return 0;
      }
      let status = 0;
      for (const sub of subs) {
        io.out(`resuming ${sub.path}`);
        const r = await trainRun({ ...common, config: overrides, resume: sub.path, checkpointEvery: (f["checkpoint-every"] as number | undefined) ?? defaultCheckpointEvery(config), keepCheckpoints: f["keep-checkpoints"] as number | undefined });
        if (r.status !== "finished") status = 130;
      }
      return status;
    }
    const r = await trainRun({
      ...common,
      config: overrides,
      resume: dir.path,
      checkpoint: f.checkpoint as string | undefined,
      checkpointEvery: (f["checkpoint-every"] as number | undefined) ?? defaultCheckpointEvery(config),
      keepCheckpoints: f["keep-checkpoints"] as number | undefined,
    });
    return r.status === "finished" ? 0 : 130;
  }
  if (f.checkpoint !== undefined) throw new UsageError("--checkpoint only goes with --resume");
  if (p.positionals.length > 1) throw new UsageError(`unexpected argument "${p.positionals[1]}" (usage: xla-ts train <algo> --env <id> [key=value ...]; config options are key=value)`);
  const algo = checkAlgo(p.positionals[0]);
  const { overrides, config } = await assembleConfig({ file: f.config as string | undefined, algo, env: f.env as string | undefined, assignments: p.assignments });
  // Periodic evaluation makes the learning curve; it does not change training. By default about
  // 20 evaluations, at a period that divides the run, and the iterations between two of them
  // folded into one jitted call (one compile, ~20 host round trips for the whole run).
  let sync: number | undefined;
  if (overrides.evalEvery === undefined && config.evalEvery === 0) {
    const iters = iterationsOf(config);
    overrides.evalEvery = evalPeriod(iters);
    if (overrides.foldIterations === undefined) overrides.foldIterations = overrides.evalEvery;
    sync = 2 * (overrides.evalEvery as number);
  }
  // Too many devices, or sizes numDevices does not divide: said before a run directory exists.
  if ((config.numDevices ?? 1) > 1) buildWorkflow({ ...config }).checkDevices();
  const seeds = f.seeds as number[] | undefined;
  const sweep = f.sweep !== undefined ? parseSweep(f.sweep as string, algo) : undefined;
  if (sweep) for (const v of sweep.values) checkConfig({ ...overrides, [sweep.key]: v }, `--sweep ${sweep.key}=${v}`);
  const out = { runsDir: (f["runs-dir"] as string | undefined) ?? "runs", name: f.name as string | undefined };
  if (out.name !== undefined && (!/^[\w.=+-][\w.=+/-]*$/.test(out.name) || out.name.includes("..")))
    throw new UsageError(`--name ${JSON.stringify(out.name)}: use letters, digits and . _ - = + (and / for a subfolder)`);
  if (out.name !== undefined && existsSync(path.join(out.runsDir, out.name)))
    throw new UsageError(`the run directory ${path.join(out.runsDir, out.name)} already exists; ${describeExisting(new RunDir(path.join(out.runsDir, out.name)))}`);
  if ((seeds && seeds.length > 1) || sweep) {
    if ((config.numDevices ?? 1) > 1)
      throw new UsageError(`numDevices = ${config.numDevices} cannot be combined with several seeds or --sweep (those vmap whole runs into one program; pmap runs at the top level): train the seeds one by one, or use numDevices=1`);
    if (f["checkpoint-every"] !== undefined) io.err("note: --checkpoint-every is ignored with several seeds (one program runs them all; each gets a final checkpoint)");
    await trainSeeds({ ...common, ...out, config: overrides, seeds: seeds ?? [config.seed], sweep });
    return 0;
  }
  if (seeds) overrides.seed = seeds[0];
  const r = await trainRun({
    ...common,
    ...out,
    config: overrides,
    checkpointEvery: (f["checkpoint-every"] as number | undefined) ?? sync ?? defaultCheckpointEvery(config),
    keepCheckpoints: f["keep-checkpoints"] as number | undefined,
  });
  return r.status === "finished" ? 0 : 130;
}

/** An evaluation period giving about 20 evaluations: a divisor of `iters` near iters / 20 if there is one, else iters / 20. */
export function evalPeriod(iters: number): number {
  const target = Math.max(1, Math.round(iters / 20));
  let best = 0;
  for (let d = 1; d <= iters; d++) if (iters % d === 0 && d >= target / 2 && d <= target * 2 && (best === 0 || Math.abs(d - target) < Math.abs(best - target))) best = d;
  return best || target;
}

/** The iterations a run of this config takes (its workflow knows: building one compiles nothing). */
function iterationsOf(c: BaseConfig): number {
  return buildWorkflow({ ...c }).numIterations;
}

function defaultCheckpointEvery(c: BaseConfig): number {
  return Math.max(1, Math.round(iterationsOf(c) / 10));
}
