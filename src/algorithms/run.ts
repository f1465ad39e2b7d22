// A training run with everything around it: the run directory, the resolved config, the
// progress display, metrics.jsonl and TensorBoard scalars, checkpoints every N iterations and
// at the end, resume from the latest checkpoint with an identical continuation (the state
// holds the PRNG key and the counters), learning-curve plots and a GIF of an evaluation
// episode — for every registered algorithm. `trainRun` drives one seed through the workflow's
// `learn`; `trainSeeds` runs many seeds (and a swept hyperparameter) as one vmapped program
// through trainMany.
import { promises as fs } from "node:fs";
import * as nodePath from "node:path";
import type { Value } from "../core/values.js";
import { map } from "../pytree/index.js";
import { saveCheckpoint, loadCheckpoint } from "../io/index.js";
import { hostNumber, type BaseConfig, type HostMetrics, type Logger, type Workflow, type WorkflowState } from "../workflows/workflow.js";
import { Progress, formatDuration, type ProgressStream } from "../workflows/progress.js";
import { JsonlLogger, TensorBoardWriter, multiLogger, readJsonl, truncateEvents, truncateJsonl, type MetricsRow } from "../workflows/logging/index.js";
import { RunDir, defaultRunName, newRunDir } from "../workflows/outputs/run_dir.js";
import { writeLearningCurves, type Series } from "../workflows/outputs/plots.js";
import { EpisodeRecorder, episodeKey, writeEpisodeGif } from "../workflows/outputs/video.js";
import { buildWorkflow, resolveAlgorithmConfig } from "./registry.js";
import { trainMany } from "./train_many.js";
import { asRecord } from "../agents/common/config.js";

/** A config (an interface, so without an index signature) as the plain record it is, for writing it out. */

export interface OutputOptions {
  /** Where run directories go (default "runs"). */
  runsDir?: string;
  /** The run's directory name (default algo-env-date-time). An existing name is an error. */
  name?: string;
  /** Learning-curve plots at the end (default true). */
  plots?: boolean;
  /** A GIF of an evaluation episode at the end (default true). */
  video?: boolean;
  /** Frames per second of the GIF (default 30). */
  fps?: number;
  /** The command line, recorded in run.json. */
  command?: string[];
  /** Where the progress display goes (default process.stderr); false: none. */
  progress?: ProgressStream | false;
  /** Where summary lines go (default: stdout). */
  print?: (line: string) => void;
}

export interface TrainRunOptions extends OutputOptions {
  /** Config overrides (checked against the schema before anything is built). Ignored keys: none. */
  config?: Record<string, unknown>;
  /** Save a checkpoint every this many iterations (0: only at the end). */
  checkpointEvery?: number;
  /** Keep this many checkpoints, newest first (0: all; default 5). */
  keepCheckpoints?: number;
  /** Continue the run in this directory from its latest checkpoint (or from `checkpoint`). */
  resume?: string;
  /** With `resume`: this checkpoint file instead of the latest. */
  checkpoint?: string;
  /** Stop (with a checkpoint) after this many iterations of this call (tests, time-boxed jobs). */
  maxIterations?: number;
}

export interface RunResult {
  dir: string;
  config: BaseConfig;
  /** The last evaluation's mean return (per run for trainSeeds). */
  finalReturn: number;
  finalReturns?: number[];
  /** The sub-run directories of a multi-seed run. */
  runs?: string[];
  checkpoint?: string;
  plots?: { svg: string; png: string };
  video?: string;
  seconds: number;
  status: "finished" | "interrupted";
}

/** Metrics that are bookkeeping rather than curves (kept in metrics.jsonl, not in TensorBoard). */
const NOT_SCALARS = new Set(["iteration", "envSteps"]);

function tensorboardLogger(tb: TensorBoardWriter): Logger {
  return {
    log(step: number, m: HostMetrics) {
      tb.log(step, Object.fromEntries(Object.entries(m).filter(([k]) => !NOT_SCALARS.has(k))));
    },
  };
}

const configMarkdown = (c: Record<string, unknown>) =>
  ["| option | value |", "|---|---|", ...Object.entries(c).map(([k, v]) => `| ${k} | \`${JSON.stringify(v)}\` |`)].join("\n");

async function saveState(dir: RunDir, state: WorkflowState, meta: { iteration: number; envSteps: number; config: BaseConfig }, keep: number): Promise<string> {
  const path = dir.checkpointPath(meta.envSteps);
  await fs.mkdir(dir.checkpoints, { recursive: true });
  await saveCheckpoint(path, state, {
    metadata: { iteration: meta.iteration, envSteps: meta.envSteps, algo: meta.config.algo, env: meta.config.env, seed: meta.config.seed },
  });
  await dir.pruneCheckpoints(keep);
  return path;
}

/** The state of a run's checkpoint, loaded into the structure a fresh setup of `wf` has. */
export async function loadRunState<S extends WorkflowState>(wf: Workflow<S>, path: string): Promise<S> {
  return loadCheckpoint<S>(path, wf.setup(wf.config.seed));
}

/** Trains one seed with progress, logs, checkpoints, plots and a video; see TrainRunOptions. */
export async function trainRun(opts: TrainRunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const print = opts.print ?? ((s: string) => process.stdout.write(s + "\n"));
  let dir: RunDir;
  let config: BaseConfig;
  let resumeFrom: { path: string; envSteps: number } | undefined;
  if (opts.resume) {
    dir = new RunDir(opts.resume);
    const saved = await dir.readConfig();
    config = resolveAlgorithmConfig({ ...saved, ...(opts.config ?? {}) });
    // The newest checkpoint that verifies (a corrupt newer one is skipped, with a warning);
    // a run killed before its first checkpoint starts again from step 0.
    resumeFrom = opts.checkpoint ? { path: opts.checkpoint, envSteps: -1 } : await dir.latestIntactCheckpoint();
    if (!resumeFrom) print(`${dir.path} has no intact checkpoint (it stopped before its first): starting it from step 0`);
  } else {
    config = resolveAlgorithmConfig(opts.config ?? {});
    dir = await newRunDir(opts.runsDir ?? "runs", opts.name ?? defaultRunName(config.algo, config.env), { unique: opts.name === undefined });
    // Written at once (building the workflow takes seconds): a run killed from here on can be resumed.
    await dir.writeConfig(asRecord(config), `xla-ts resolved config; rerun with: xla-ts train --config ${dir.config}`);
    dir.markStatus("running", { name: nodePath.basename(dir.path), algo: config.algo, env: config.env, seeds: [config.seed], command: opts.command, pid: process.pid });
  }
  const wf = buildWorkflow({ ...config });
  wf.checkDevices(); // numDevices > the runtime's devices: say so before compiling anything
  const label = `${wf.name} ${config.env}`;
  const totalSteps = wf.numIterations * wf.stepsPerIteration;

  let state: WorkflowState;
  let startIteration = 0;
  let startSteps = 0;
  if (resumeFrom) {
    state = await loadRunState(wf, resumeFrom.path);
    startIteration = await hostNumber(state.counters.iterations);
    startSteps = await hostNumber(state.counters.envSteps);
    await truncateJsonl(dir.metrics, startSteps);
    await truncateEvents(dir.path, startSteps);
    print(`resuming ${dir.path} from ${resumeFrom.path} (iteration ${startIteration}, ${startSteps.toLocaleString("en-US")} steps)`);
  } else {
    state = wf.setup(config.seed);
    if (opts.resume) {
      await truncateJsonl(dir.metrics, 0);
      await truncateEvents(dir.path, 0);
    }
  }
  await dir.writeConfig(asRecord(config), `xla-ts resolved config (${label}); rerun with: xla-ts train --config ${dir.config}`);
  const info: Record<string, unknown> = {
    name: nodePath.basename(dir.path),
    algo: config.algo,
    env: config.env,
    seeds: [config.seed],
    command: opts.command,
    startedAt: new Date().toISOString(),
    status: "running",
    pid: process.pid,
    resumedFrom: resumeFrom?.path,
  };
  await dir.writeRunInfo(info);
  try {
    return await trainBody();
  } catch (e) {
    // Whatever stops the run, run.json ends with a final status (a kill -9 excepted: then it
    // says "running" with a pid that no longer exists, and --resume continues it).
    dir.markStatus("failed", { error: (e as Error).message });
    throw e;
  }
  async function trainBody(): Promise<RunResult> {
    const jsonl = new JsonlLogger(dir.metrics);
    const tb = new TensorBoardWriter(dir.path, { prefix: "train/" });
    if (!resumeFrom) tb.text(0, "config", configMarkdown(asRecord(config)));
    const progress = opts.progress === false ? undefined : new Progress({ totalSteps, startSteps, label, out: opts.progress });
    const every = opts.checkpointEvery ?? 0;
    const keep = opts.keepCheckpoints ?? 5;
    let stopRequested = false;
    const onSigint = () => {
      if (stopRequested) {
        dir.markStatus("interrupted", { note: "stopped by a second interrupt, without a final checkpoint" });
        process.exit(130);
      }
      stopRequested = true;
      process.stderr.write("\ninterrupt: stopping after this iteration and saving a checkpoint (press Ctrl-C again to quit now)\n");
    };
    process.on("SIGINT", onSigint);
    let last: HostMetrics | undefined;
    let lastSaved = -1;
    let checkpoint: string | undefined;
    const maxIt = opts.maxIterations;
    let done = 0;
    // The video's programs are traced once the first training call has been dispatched (the
    // host waits for the device then) and compile on the runtime's worker thread while training
    // runs, so the recording after training does not wait for a compile. They need only the
    // agent state's shapes (its arrays may have been donated by then).
    const recorder = opts.video !== false ? new EpisodeRecorder(wf.baseEnv, wf.agent, { maxSteps: wf.evalMaxSteps }) : undefined;
    const agentState0 = state.agentState;
    const precompiled = recorder
      ? new Promise<void>((resolve) => setImmediate(resolve)).then(() => recorder.compileAsync(agentState0, episodeKey(config.seed))).catch(() => undefined)
      : undefined;
    progress?.start();
    const trainStart = performance.now();
    try {
      state = await wf.learn(state, {
        syncEvery: every,
        logger: multiLogger(jsonl, tensorboardLogger(tb)),
        onIteration: async (m, s) => {
          last = m;
          done++;
          progress?.update(m);
          const it = m.iteration!;
          const stopping = stopRequested || (maxIt !== undefined && done >= maxIt);
          if ((every > 0 && it % every === 0) || stopping) {
            checkpoint = await saveState(dir, s, { iteration: it, envSteps: m.envSteps!, config }, keep);
            lastSaved = it;
            jsonl.flush();
            tb.flush();
          }
          return !stopping;
        },
      });
    } finally {
      process.off("SIGINT", onSigint);
      jsonl.close();
      tb.close();
    }
    const iterations = Number(last?.iteration ?? startIteration);
    const envSteps = Number(last?.envSteps ?? startSteps);
    if (iterations !== lastSaved && last) checkpoint = await saveState(dir, state, { iteration: iterations, envSteps, config }, keep);
    const finished = iterations >= wf.numIterations;
    let finalReturn = last?.["eval/returnMean"];
    if (finalReturn === undefined) finalReturn = (await wf.evaluate(state)).returnMean;
    const trainingSeconds = (performance.now() - trainStart) / 1000;
    progress?.finish(`evaluation return ${finalReturn.toFixed(1)}`);

    const result: RunResult = { dir: dir.path, config, finalReturn, checkpoint, seconds: 0, status: finished ? "finished" : "interrupted" };
    // The plots (JS and resvg) and the video (mostly XLA work, then its encoding) together.
    const [plots, ep] = await Promise.all([
      opts.plots !== false
        ? optional("plots", async () => writeLearningCurves(dir.plots, [{ name: "", rows: await readJsonl(dir.metrics) }], { title: `${label} (seed ${config.seed})` }))
        : undefined,
      recorder
        ? optional("video", async () => {
            await precompiled;
            return writeEpisodeGif(nodePath.join(dir.videos, "eval_episode.gif"), wf.baseEnv, wf.agent, state.agentState, episodeKey(config.seed), { maxSteps: wf.evalMaxSteps, fps: opts.fps, recorder });
          })
        : undefined,
    ]);
    if (plots) result.plots = plots;
    if (ep) result.video = ep.path;
    result.seconds = (performance.now() - t0) / 1000;
    await dir.writeRunInfo({
      ...info,
      status: result.status,
      finishedAt: new Date().toISOString(),
      iterations,
      envSteps,
      finalEval: { returnMean: finalReturn, evalEpisodes: config.evalEpisodes },
      seconds: result.seconds,
      trainingSeconds,
      checkpoint: checkpoint && nodePath.relative(dir.path, checkpoint),
      plots: result.plots && nodePath.relative(dir.path, result.plots.png),
      video: result.video && nodePath.relative(dir.path, result.video),
    });
    printSummary(print, result, finished ? undefined : `resume with: xla-ts train --resume ${dir.path}`);
    return result;
  }
}

/** Plots and videos are extras: a failure (an environment that cannot render, say) is reported, not fatal. */
async function optional<T>(what: string, f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    process.stderr.write(`warning: no ${what}: ${(e as Error).message}\n`);
    return undefined;
  }
}

function printSummary(print: (s: string) => void, r: RunResult, hint?: string): void {
  print(`\n${r.status === "finished" ? "finished" : "stopped"} in ${formatDuration(r.seconds)}: evaluation return ${r.finalReturn.toFixed(1)}`);
  if (r.finalReturns && r.finalReturns.length > 1) print(`  per run: ${r.finalReturns.map((x) => x.toFixed(1)).join(", ")}`);
  print(`  run directory  ${r.dir}`);
  if (r.plots) print(`  plots          ${r.plots.png}\n                 ${r.plots.svg}`);
  if (r.video) print(`  video          ${r.video}`);
  if (r.checkpoint) print(`  checkpoint     ${r.checkpoint}`);
  if (r.runs) print(`  runs           ${r.runs.map((d) => nodePath.relative(r.dir, d)).join(", ")} (each: config.yaml, metrics.jsonl, TensorBoard events, checkpoints/)`);
  else print(`  metrics        ${nodePath.join(r.dir, "metrics.jsonl")}`);
  print(`  tensorboard    tensorboard --logdir ${nodePath.dirname(r.dir)}`);
  if (hint) print(`  ${hint}`);
}

export interface TrainSeedsOptions extends OutputOptions {
  config?: Record<string, unknown>;
  seeds: readonly number[];
  /** Sweep one hyperparameter over these values (vmapped with the seeds). */
  sweep?: { key: string; values: readonly number[] };
  /** Train into this existing run directory (restarting a multi-seed run) instead of a new one. */
  existingDir?: string;
}

/**
 * Trains every seed (× sweep value) in one compiled program (trainMany), then writes one
 * sub-run per seed (config, metrics.jsonl, TensorBoard, final checkpoint), plots of all runs
 * and a video of the best one.
 */
export async function trainSeeds(opts: TrainSeedsOptions): Promise<RunResult> {
  const t0 = performance.now();
  const print = opts.print ?? ((s: string) => process.stdout.write(s + "\n"));
  const base = resolveAlgorithmConfig(opts.config ?? {});
  const dir = opts.existingDir ? new RunDir(opts.existingDir) : await newRunDir(opts.runsDir ?? "runs", opts.name ?? defaultRunName(base.algo, base.env), { unique: opts.name === undefined });
  await dir.writeConfig(asRecord(base), `xla-ts resolved config; seeds ${opts.seeds.join(",")}${opts.sweep ? `; ${opts.sweep.key} swept over ${opts.sweep.values.join(",")}` : ""}`);
  const info: Record<string, unknown> = { name: nodePath.basename(dir.path), algo: base.algo, env: base.env, seeds: [...opts.seeds], sweep: opts.sweep, command: opts.command, startedAt: new Date().toISOString(), status: "running", pid: process.pid };
  await dir.writeRunInfo(info);
  try {
    return await seedsBody(t0, print, base, dir, info, opts);
  } catch (e) {
    dir.markStatus("failed", { error: (e as Error).message });
    throw e;
  }
}

async function seedsBody(t0: number, print: (s: string) => void, base: BaseConfig, dir: RunDir, info: Record<string, unknown>, opts: TrainSeedsOptions): Promise<RunResult> {
  const runs = (opts.sweep?.values.length ?? 1) * opts.seeds.length;
  if (opts.progress !== false)
    (opts.progress || process.stderr).write(`${base.algo} ${base.env}: training ${runs} runs as one program (${base.totalSteps.toLocaleString("en-US")} steps each); nothing is reported until all have finished…\n`);
  const res = await trainMany({ ...base }, opts.seeds, { sweep: opts.sweep });
  const wf = buildWorkflow(opts.sweep ? { ...base, [opts.sweep.key]: opts.sweep.values[0] } : { ...base });
  const iters = res.metrics[Object.keys(res.metrics)[0]!]![0]!.length;

  const series: Series[] = [];
  const subDirs: string[] = [];
  for (let r = 0; r < runs; r++) {
    const si = r % opts.seeds.length;
    const vi = Math.floor(r / opts.seeds.length);
    const seed = opts.seeds[si]!;
    const swept = opts.sweep ? { [opts.sweep.key]: opts.sweep.values[vi]! } : {};
    const name = (opts.sweep ? `${opts.sweep.key}=${opts.sweep.values[vi]}/` : "") + `seed_${seed}`;
    // A restarted multi-seed run replaces what its killed predecessor left of this seed.
    if (opts.existingDir) await fs.rm(dir.sub(name).path, { recursive: true, force: true });
    const sub = await dir.sub(name).create();
    subDirs.push(sub.path);
    const cfg = { ...base, ...swept, seed };
    await sub.writeConfig(cfg, `one run of ${dir.path}`);
    const rows: MetricsRow[] = [];
    const jsonl = new JsonlLogger(sub.metrics);
    const tb = new TensorBoardWriter(sub.path, { prefix: "train/" });
    const tbl = tensorboardLogger(tb);
    for (let i = 0; i < iters; i++) {
      const m: HostMetrics = Object.fromEntries(Object.entries(res.metrics).map(([k, v]) => [k, v[r]![i]!]));
      m.iteration = i + 1;
      const e = res.evalIterations.indexOf(i + 1);
      if (e >= 0) m["eval/returnMean"] = res.evalReturns[r]![e]!;
      jsonl.log(m.envSteps, m);
      tbl.log(m.envSteps, m);
      rows.push({ step: m.envSteps, ...m });
    }
    jsonl.close();
    tb.close();
    series.push({ name: name.replace("/", " ").replace("seed_", "seed "), rows });
    const state = map((x: Value) => (opts.sweep ? x.get(vi, si) : x.get(si)), res.states) as WorkflowState;
    const envSteps = rows[rows.length - 1]?.envSteps ?? 0;
    await fs.mkdir(sub.checkpoints, { recursive: true });
    await saveCheckpoint(sub.checkpointPath(envSteps), state, { metadata: { iteration: iters, envSteps, algo: base.algo, env: base.env, seed } });
  }
  const best = res.finalReturns.indexOf(Math.max(...res.finalReturns));
  const result: RunResult = {
    dir: dir.path,
    config: base,
    finalReturn: res.finalReturns.reduce((a, b) => a + b, 0) / runs,
    finalReturns: res.finalReturns,
    runs: subDirs,
    seconds: 0,
    status: "finished",
  };
  const video = async () => {
    const si = best % opts.seeds.length;
    const vi = Math.floor(best / opts.seeds.length);
    const agentState = map((x: Value) => (opts.sweep ? x.get(vi, si) : x.get(si)), res.states.agentState);
    return optional("video", () =>
      writeEpisodeGif(nodePath.join(dir.videos, "eval_episode.gif"), wf.baseEnv, wf.agent, agentState, episodeKey(opts.seeds[si]!), { maxSteps: wf.evalMaxSteps, fps: opts.fps }),
    );
  };
  // The plots (JS and resvg) and the video (mostly XLA work, then its encoding) together.
  const [plots, ep] = await Promise.all([
    opts.plots !== false ? optional("plots", () => writeLearningCurves(dir.plots, series, { title: `${wf.name} ${base.env} (${runs} runs)` })) : undefined,
    opts.video !== false ? video() : undefined,
  ]);
  if (plots) result.plots = plots;
  if (ep) result.video = ep.path;
  result.seconds = (performance.now() - t0) / 1000;
  await dir.writeRunInfo({
    ...info,
    status: "finished",
    finishedAt: new Date().toISOString(),
    runs: subDirs.map((p, r) => ({ dir: nodePath.relative(dir.path, p), finalReturn: res.finalReturns[r] })),
    finalEval: { returnMean: result.finalReturn, perRun: res.finalReturns },
    seconds: result.seconds,
    programSeconds: res.seconds,
    plots: result.plots && nodePath.relative(dir.path, result.plots.png),
    video: result.video && nodePath.relative(dir.path, result.video),
  });
  printSummary(print, result);
  return result;
}
