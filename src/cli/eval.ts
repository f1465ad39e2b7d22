// `xla-ts eval <run-dir>` and `xla-ts render <run-dir>`: load a run's config and checkpoint,
// then evaluate the greedy policy over N episodes, or record one episode as a GIF.
import { existsSync } from "node:fs";
import * as nodePath from "node:path";
import { random } from "../random/index.js";
import type { Workflow, WorkflowState } from "../workflows/workflow.js";
import { RunDir } from "../workflows/outputs/run_dir.js";
import { loadRunState } from "../algorithms/run.js";
import { buildWorkflow } from "../algorithms/registry.js";
import { episodeKey, writeEpisodeGif } from "../workflows/outputs/video.js";
import { UsageError, flagsHelp, parseArgs, type FlagSpec } from "./args.js";
import { COMPILE_CACHE_FLAG, configureCompileCache } from "./compile_cache.js";
import { checkConfig } from "./config.js";
import type { Io } from "./io.js";

export const EVAL_FLAGS: Record<string, FlagSpec> = {
  checkpoint: { type: "string", arg: "FILE", help: "evaluate this checkpoint (default: the run's latest)" },
  episodes: { type: "int", arg: "N", help: "episodes, run in parallel (default: the run's evalEpisodes)" },
  seed: { type: "int", arg: "S", help: "PRNG seed of the evaluation (default: derived from the checkpoint's state, as during training)" },
  json: { type: "bool", help: "print the results as JSON" },
  ...COMPILE_CACHE_FLAG,
};

export const RENDER_FLAGS: Record<string, FlagSpec> = {
  checkpoint: { type: "string", arg: "FILE", help: "use this checkpoint (default: the run's latest)" },
  out: { type: "string", arg: "FILE", help: "the GIF to write (default <run-dir>/videos/episode_<steps>_seed<S>.gif)" },
  seed: { type: "int", arg: "S", help: "PRNG seed of the episode (default: the run's seed, which gives train's eval_episode.gif)" },
  "max-steps": { type: "int", arg: "N", help: "stop after N steps (default: the environment's step limit, else 1000)" },
  fps: { type: "int", arg: "N", help: "frames per second (default 30)" },
  every: { type: "int", arg: "K", help: "keep every K-th frame (default 1)" },
  ...COMPILE_CACHE_FLAG,
};

export const EVAL_HELP = `usage: xla-ts eval <run-dir> [--checkpoint FILE] [--episodes N] [--seed S] [--json]

Evaluates a trained run's greedy policy (the mode of its action distribution) over N episodes
and prints the mean and standard deviation of the return. For a run of several seeds, each seed
is evaluated.

options:
${flagsHelp(EVAL_FLAGS)}
`;

export const RENDER_HELP = `usage: xla-ts render <run-dir> [--checkpoint FILE] [--out FILE] [--seed S] [--max-steps N] [--fps N]

Plays one episode with a trained run's greedy policy and writes it as an animated GIF (frames
from env.render). For a run of several seeds, the best seed's checkpoint is used.

options:
${flagsHelp(RENDER_FLAGS)}
`;

function positiveInts(flags: Record<string, unknown>, names: string[]): void {
  for (const n of names) if (flags[n] !== undefined && !((flags[n] as number) > 0)) throw new UsageError(`--${n} must be a positive integer, got ${flags[n]}`);
}

/** The runs of a directory that have checkpoints: itself, or its sub-runs (seed_0, ...). */
async function targets(cmd: string, path: string | undefined): Promise<RunDir[]> {
  if (path === undefined) throw new UsageError(`which run? usage: xla-ts ${cmd} <run-dir>`);
  if (!existsSync(path)) throw new UsageError(`${path}: no such run directory`);
  const dir = new RunDir(path);
  if (!existsSync(dir.config)) throw new UsageError(`${path} is not a run directory (it has no config.yaml; runs are made by xla-ts train)`);
  if (await dir.latestCheckpoint()) return [dir];
  const subs: RunDir[] = [];
  for (const s of await dir.subRuns()) if (await s.latestCheckpoint()) subs.push(s);
  if (subs.length) return subs;
  throw new UsageError(`${path} has no checkpoints yet (${dir.checkpoints} is empty)`);
}

async function load(dir: RunDir, overrides: Record<string, unknown>, checkpoint?: string): Promise<{ wf: Workflow; state: WorkflowState; ckpt: string }> {
  const config = checkConfig({ ...(await dir.readConfig()), ...overrides }, dir.config);
  if (checkpoint !== undefined && !existsSync(checkpoint)) throw new UsageError(`--checkpoint ${checkpoint}: no such file`);
  const wf = buildWorkflow({ ...config });
  if (checkpoint !== undefined) return { wf, state: await loadRunState(wf, checkpoint), ckpt: checkpoint };
  // The newest intact checkpoint, picked again if a running training prunes it meanwhile.
  const r = await dir.withLatestCheckpoint((p) => loadRunState(wf, p));
  if (r === undefined) throw new UsageError(`${dir.path} has no intact checkpoint (${dir.checkpoints})`);
  return { wf, state: r.value, ckpt: r.path };
}

export async function evalCommand(argv: string[], io: Io): Promise<number> {
  const p = parseArgs("eval", argv, EVAL_FLAGS);
  if (p.help) return (io.out(EVAL_HELP), 0);
  configureCompileCache(p.flags["compile-cache"]);
  if (p.positionals.length > 1) throw new UsageError(`unexpected argument "${p.positionals[1]}" (usage: xla-ts eval <run-dir> [options])`);
  positiveInts(p.flags, ["episodes"]);
  const runs = await targets("eval", p.positionals[0]);
  if (p.flags.checkpoint !== undefined && runs.length > 1) throw new UsageError("--checkpoint needs a single run's directory (this one holds several)");
  const results: Record<string, unknown>[] = [];
  for (const dir of runs) {
    const { wf, state, ckpt } = await load(dir, p.flags.episodes !== undefined ? { evalEpisodes: p.flags.episodes } : {}, p.flags.checkpoint as string | undefined);
    const s = p.flags.seed !== undefined ? { ...state, key: random.key(p.flags.seed as number) } : state;
    const ev = await wf.evaluate(s);
    const r = { run: dir.path, checkpoint: ckpt, episodes: ev.returns.length, returnMean: ev.returnMean, returnStd: ev.returnStd, lengthMean: ev.lengthMean, returns: ev.returns };
    results.push(r);
    if (p.flags.json !== true)
      io.out(`${dir.path} (${nodePath.basename(ckpt)}): return ${ev.returnMean.toFixed(2)} ± ${ev.returnStd.toFixed(2)} over ${ev.returns.length} episodes, mean length ${ev.lengthMean.toFixed(1)}`);
  }
  if (p.flags.json === true) io.out(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
  return 0;
}

export async function renderCommand(argv: string[], io: Io): Promise<number> {
  const p = parseArgs("render", argv, RENDER_FLAGS);
  if (p.help) return (io.out(RENDER_HELP), 0);
  configureCompileCache(p.flags["compile-cache"]);
  if (p.positionals.length > 1) throw new UsageError(`unexpected argument "${p.positionals[1]}" (usage: xla-ts render <run-dir> [options])`);
  positiveInts(p.flags, ["max-steps", "fps", "every"]);
  let runs = await targets("render", p.positionals[0]);
  if (runs.length > 1) {
    if (p.flags.checkpoint !== undefined) throw new UsageError("--checkpoint needs a single run's directory (this one holds several)");
    runs = [await best(new RunDir(p.positionals[0]!), runs)];
  }
  const dir = runs[0]!;
  const { wf, state, ckpt } = await load(dir, {}, p.flags.checkpoint as string | undefined);
  const seed = (p.flags.seed as number | undefined) ?? wf.config.seed;
  const steps = /step_(\d+)/.exec(nodePath.basename(ckpt))?.[1];
  const out = (p.flags.out as string | undefined) ?? nodePath.join(dir.videos, `episode_${steps ? Number(steps) : "ckpt"}_seed${seed}.gif`);
  const ep = await writeEpisodeGif(out, wf.baseEnv, wf.agent, state.agentState, episodeKey(seed), {
    maxSteps: (p.flags["max-steps"] as number | undefined) ?? wf.evalMaxSteps,
    fps: p.flags.fps as number | undefined,
    every: p.flags.every as number | undefined,
  });
  io.out(`${ep.path}: ${ep.frames.length} frames, episode return ${ep.return.toFixed(1)} over ${ep.length} steps (${(ep.bytes / 1024).toFixed(0)} KiB)`);
  return 0;
}

/** The sub-run with the best final return in run.json (else the first). */
async function best(top: RunDir, runs: RunDir[]): Promise<RunDir> {
  const info = await top.readRunInfo();
  const list = (info?.runs as { dir: string; finalReturn: number }[] | undefined) ?? [];
  let pick: RunDir | undefined;
  let bestR = -Infinity;
  for (const r of list) {
    const d = runs.find((x) => nodePath.resolve(x.path) === nodePath.resolve(top.path, r.dir));
    if (d && r.finalReturn > bestR) [pick, bestR] = [d, r.finalReturn];
  }
  return pick ?? runs[0]!;
}
