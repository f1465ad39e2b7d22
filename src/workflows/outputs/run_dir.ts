// The directory of a run, runs/<name>/:
//
//   config.yaml            the resolved config (every option; `--config` reads it back)
//   run.json               how the run was started and how it ended (command, seeds, final evaluation)
//   metrics.jsonl          one line per iteration
//   events.out.tfevents.*  TensorBoard scalars (`tensorboard --logdir runs`)
//   checkpoints/step_<envSteps>.safetensors
//   plots/learning_curves.{svg,png}
//   videos/eval_episode.gif
//
// A run of several seeds keeps config.yaml, run.json, plots/ and videos/ at the top and one
// such directory per seed below it (seed_0/, seed_1/, ...; with a sweep, lr=0.001/seed_0/...).
import { promises as fs, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as nodePath from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { writeFileAtomic } from "./atomic.js";
import { newestIntactCheckpoint } from "../../io/checkpoint.js";

/** How a run ended, as run.json records it ("running" while it runs, or when it was killed). */
export type RunStatus = "running" | "finished" | "interrupted" | "failed";

export const FILES = {
  config: "config.yaml",
  runInfo: "run.json",
  metrics: "metrics.jsonl",
  checkpoints: "checkpoints",
  plots: "plots",
  videos: "videos",
} as const;

export class RunDir {
  constructor(readonly path: string) {}

  get config(): string {
    return nodePath.join(this.path, FILES.config);
  }
  get runInfo(): string {
    return nodePath.join(this.path, FILES.runInfo);
  }
  get metrics(): string {
    return nodePath.join(this.path, FILES.metrics);
  }
  get checkpoints(): string {
    return nodePath.join(this.path, FILES.checkpoints);
  }
  get plots(): string {
    return nodePath.join(this.path, FILES.plots);
  }
  get videos(): string {
    return nodePath.join(this.path, FILES.videos);
  }
  /** A sub-run (one seed of a multi-seed run). */
  sub(name: string): RunDir {
    return new RunDir(nodePath.join(this.path, name));
  }

  /** Creates the directory (checkpoints/, plots/ and videos/ are made when first written). */
  async create(): Promise<this> {
    await fs.mkdir(this.path, { recursive: true });
    return this;
  }

  async writeConfig(config: Record<string, unknown>, header?: string): Promise<void> {
    const comment = header ? header.split("\n").map((l) => `# ${l}`.trimEnd()).join("\n") + "\n" : "";
    await writeFileAtomic(this.config, comment + stringifyYaml(config, { lineWidth: 0 }));
  }

  async readConfig(): Promise<Record<string, unknown>> {
    return readConfigFile(this.config);
  }

  async writeRunInfo(info: Record<string, unknown>): Promise<void> {
    await writeFileAtomic(this.runInfo, JSON.stringify(info, null, 2) + "\n");
  }

  async readRunInfo(): Promise<Record<string, unknown> | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.runInfo, "utf8")) as Record<string, unknown>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new Error(`${this.runInfo}: ${(e as Error).message}`);
    }
  }

  checkpointPath(envSteps: number): string {
    return nodePath.join(this.checkpoints, `step_${String(Math.round(envSteps)).padStart(9, "0")}.safetensors`);
  }

  /** The checkpoints, oldest first. */
  async listCheckpoints(): Promise<{ path: string; envSteps: number }[]> {
    const names = await fs.readdir(this.checkpoints).catch(() => [] as string[]);
    return names
      .map((n) => ({ n, m: /^step_(\d+)\.safetensors$/.exec(n) }))
      .filter((x) => x.m)
      .map((x) => ({ path: nodePath.join(this.checkpoints, x.n), envSteps: Number(x.m![1]) }))
      .sort((a, b) => a.envSteps - b.envSteps);
  }

  async latestCheckpoint(): Promise<{ path: string; envSteps: number } | undefined> {
    return (await this.listCheckpoints()).at(-1);
  }

  /**
   * The newest checkpoint that reads back intact (checksums verified), telling `warn` about
   * each newer one skipped and why; a checkpoint pruned meanwhile by a running training is
   * passed over. undefined when there is none.
   */
  async latestIntactCheckpoint(warn: (msg: string) => void = (m) => process.stderr.write(m + "\n")): Promise<{ path: string; envSteps: number } | undefined> {
    const { found, skipped } = await newestIntactCheckpoint(await this.listCheckpoints());
    for (const s of skipped) warn(`warning: skipping the corrupt checkpoint ${s.path}: ${s.reason}`);
    if (found && skipped.length) warn(`using the newest intact checkpoint, ${found.path}`);
    return found;
  }

  /**
   * Runs `load(path)` on the newest intact checkpoint; when the file vanishes in between (a
   * running training pruned it), picks again. Returns undefined when there is no checkpoint.
   */
  async withLatestCheckpoint<T>(load: (path: string) => Promise<T>, warn?: (msg: string) => void): Promise<{ path: string; value: T } | undefined> {
    for (let attempt = 0; ; attempt++) {
      const c = await this.latestIntactCheckpoint(warn);
      if (c === undefined) return undefined;
      try {
        return { path: c.path, value: await load(c.path) };
      } catch (e) {
        if (attempt < 5 && !existsSync(c.path)) continue;
        throw e;
      }
    }
  }

  /** Records the run's final status in run.json (merged into what is there). Synchronous, so that it also works from an exit handler. */
  markStatus(status: RunStatus, extra: Record<string, unknown> = {}): void {
    let info: Record<string, unknown> = {};
    try {
      info = JSON.parse(readFileSync(this.runInfo, "utf8")) as Record<string, unknown>;
    } catch {
      // no run.json yet (or unreadable): write a fresh one
    }
    const tmp = `${this.runInfo}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...info, status, ...(status === "running" ? {} : { finishedAt: new Date().toISOString() }), ...extra }, null, 2) + "\n");
    renameSync(tmp, this.runInfo);
  }

  /** Deletes all but the `keep` newest checkpoints (keep <= 0 keeps all). */
  async pruneCheckpoints(keep: number): Promise<void> {
    if (keep <= 0) return;
    const all = await this.listCheckpoints();
    for (const c of all.slice(0, Math.max(0, all.length - keep))) await fs.unlink(c.path).catch(() => undefined);
  }

  /** Sub-runs (directories below with a config.yaml), sorted by name. */
  async subRuns(): Promise<RunDir[]> {
    const out: RunDir[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > 2) return;
      for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
        if (!e.isDirectory() || ([FILES.checkpoints, FILES.plots, FILES.videos] as string[]).includes(e.name)) continue;
        const p = nodePath.join(dir, e.name);
        if (existsSync(nodePath.join(p, FILES.config))) out.push(new RunDir(p));
        else await walk(p, depth + 1);
      }
    };
    await walk(this.path, 1);
    return out.sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
  }
}

/** A YAML (or JSON) config file as a record; errors name the file and line. */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (e) {
    throw new Error(`cannot read the config file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let v: unknown;
  try {
    v = parseYaml(text);
  } catch (e) {
    throw new Error(`the config file ${path} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (v === null || v === undefined) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw new Error(`the config file ${path} must hold a mapping of option: value, got ${Array.isArray(v) ? "a list" : typeof v}`);
  return v as Record<string, unknown>;
}

/**
 * A new run directory under `runsDir` named `name` (or `base-2`, `base-3`... when `name` is a
 * default that exists). Created with an exclusive mkdir: of two runs started with one name
 * (in one process or two), exactly one gets the directory and the other an error.
 */
export async function newRunDir(runsDir: string, name: string, opts: { unique?: boolean } = {}): Promise<RunDir> {
  const first = nodePath.join(runsDir, name);
  await fs.mkdir(nodePath.dirname(first), { recursive: true });
  for (let i = 1; ; i++) {
    const p = i === 1 ? first : nodePath.join(runsDir, `${name}-${i}`);
    try {
      await fs.mkdir(p);
      return new RunDir(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (!opts.unique) throw new Error(`the run directory ${p} already exists; ${describeExisting(new RunDir(p))}`);
    }
  }
}

/**
 * What an existing run directory holds and what to do with it, for error messages: resume a
 * run that has a checkpoint, or one that was killed before its first (it starts from step 0);
 * resume seeds of a multi-seed run one by one; remove a directory without a config.
 */
export function describeExisting(dir: RunDir): string {
  if (!existsSync(dir.config))
    return `it is not a run (no ${FILES.config}: a run killed while starting, or another folder); remove it (rm -r ${dir.path}) or pick another --name`;
  if (existsSync(nodePath.join(dir.path, "seed_0")) || !existsSync(dir.checkpoints))
    return `pick another --name, continue it with --resume ${dir.path}, or remove it (rm -r ${dir.path})`;
  return `pick another --name, or continue it with --resume ${dir.path}`;
}

/**
 * The runs `--resume <dir>` continues: the directory itself when it is one run, or each seed
 * of a multi-seed run (seed_0, ...), so that the top folder resumes them all.
 */
export async function resumeTargets(path: string): Promise<RunDir[]> {
  const dir = new RunDir(path);
  const subs = await dir.subRuns();
  if (subs.length > 0 && (await dir.listCheckpoints()).length === 0) return subs;
  return [dir];
}

/** A default run name: algo-env-YYYYMMDD-HHMMSS. */
export function defaultRunName(algo: string, env: string, date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return `${algo}-${env.replace(/[^A-Za-z0-9_.-]/g, "_")}-${stamp}`;
}
