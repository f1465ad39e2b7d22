// Assembling a run's config from the command line: defaults < --config file < the algorithm
// positional and --env < key=value arguments (in order). Everything is checked here, before a
// workflow is built or anything compiled; errors name the key, the value and what is allowed.
import "../envs/index.js";
import "../envs/extra.js";
import { isRegistered, make, registeredIds } from "../envs/registry.js";
import { algorithmNames, getAlgorithm, resolveAlgorithmConfig } from "../algorithms/registry.js";
import type { BaseConfig } from "../workflows/workflow.js";
import { describeAllowed } from "../agents/common/config.js";
import { readConfigFile } from "../workflows/outputs/run_dir.js";
import { UsageError, setDotted } from "./args.js";

export function checkAlgo(algo: string | undefined): string {
  const names = algorithmNames();
  if (algo === undefined) throw new UsageError(`which algorithm? usage: xla-ts train <algo> --env <id> (algorithms: ${names.join(", ")})`);
  if (!names.includes(algo)) throw new UsageError(`unknown algorithm "${algo}" (algorithms: ${names.join(", ")})`);
  return algo;
}

export function checkEnv(env: unknown, where = "env"): void {
  if (typeof env === "string" && isRegistered(env)) return;
  throw new UsageError(`${where} = ${JSON.stringify(env)} is not allowed: env must be a registered environment id, one of ${registeredIds().join(", ")}`);
}

/** Resolves and checks overrides; a config error becomes a UsageError (prefixed with `where`). */
export function checkConfig(overrides: Record<string, unknown>, where?: string): BaseConfig {
  let c: BaseConfig;
  try {
    c = resolveAlgorithmConfig(overrides);
  } catch (e) {
    throw new UsageError(`${where ? where + ": " : ""}${(e as Error).message}`);
  }
  checkEnv(c.env, where ? `${where}: env` : "env");
  // Environment options are checked by making the environment (cheap, nothing compiled), so
  // that a bad one is a usage error (exit 2) before a run directory is written.
  try {
    make(c.env, c.envOptions as never);
  } catch (e) {
    throw new UsageError(`${where ? where + ": " : ""}envOptions ${JSON.stringify(c.envOptions)}: ${(e as Error).message}`);
  }
  return c;
}

export interface ConfigSources {
  file?: string;
  algo?: string;
  env?: string;
  assignments: [string, unknown][];
  /** A saved config underneath everything (resume). */
  base?: Record<string, unknown>;
}

/** The overrides (what differs from defaults, as given) and the resolved config. */
export async function assembleConfig(src: ConfigSources): Promise<{ overrides: Record<string, unknown>; config: BaseConfig }> {
  const o: Record<string, unknown> = { ...(src.base ?? {}) };
  if (src.file) {
    const f = await readConfigFile(src.file).catch((e: Error) => {
      throw new UsageError(e.message);
    });
    if (src.algo !== undefined && f.algo !== undefined && f.algo !== src.algo)
      throw new UsageError(`${src.file} says algo = ${JSON.stringify(f.algo)} but the command line says ${src.algo}`);
    checkConfig({ ...f, ...(src.algo ? { algo: src.algo } : {}) }, src.file);
    Object.assign(o, f);
  }
  if (src.algo !== undefined) o.algo = src.algo;
  if (src.env !== undefined) o.env = src.env;
  for (const [k, v] of src.assignments) {
    if (k.includes(".")) {
      const root = k.split(".")[0]!;
      const spec = schemaOf(o.algo)[root];
      if (spec === undefined) checkConfig({ ...o, [root]: null }); // reports the unknown key
      if (spec !== undefined && spec.kind !== "record") throw new UsageError(`${k}=…: ${root} is not a record (${root} must be ${describeAllowed(spec)})`);
      const copy = { ...((o[root] as Record<string, unknown> | undefined) ?? {}) };
      o[root] = copy;
      setDotted(o, k, v);
    } else o[k] = v;
  }
  return { overrides: o, config: checkConfig(o) };
}

/** The schema of the algorithm named (default ppo), or a UsageError listing the algorithms. */
function schemaOf(algo: unknown) {
  try {
    return getAlgorithm(typeof algo === "string" ? algo : "ppo").schema;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Parses `--sweep key=v1,v2,...` into a key the algorithm can sweep and numbers. */
export function parseSweep(raw: string, algo = "ppo"): { key: string; values: number[] } {
  const sweepable = getAlgorithm(algo).sweepable;
  const eq = raw.indexOf("=");
  if (eq <= 0) throw new UsageError(`--sweep ${raw}: expected key=v1,v2,... (sweepable keys of ${algo}: ${sweepable.join(", ")})`);
  const key = raw.slice(0, eq);
  if (!sweepable.includes(key)) throw new UsageError(`--sweep: ${key} cannot be swept for ${algo}; sweepable keys: ${sweepable.join(", ")}`);
  const values = raw
    .slice(eq + 1)
    .split(",")
    .map((s) => s.trim());
  const nums = values.map(Number);
  const bad = values.find((s, i) => s === "" || !Number.isFinite(nums[i]));
  if (bad !== undefined || nums.length < 1) throw new UsageError(`--sweep ${raw}: values must be numbers, got "${bad ?? ""}"`);
  return { key, values: nums };
}
