// Assembling a run's config from the command line: defaults < --config file < the algorithm
// positional and --env < key=value arguments (in order). Everything is checked here, before a
// workflow is built or anything compiled; errors name the key, the value and what is allowed.
import "../envs/index.js";
import "../envs/extra.js";
import { isRegistered, registeredIds } from "../envs/registry.js";
import { ON_POLICY_ALGORITHMS, configSchema, resolveOnPolicyConfig, type PPOConfig } from "../workflows/config.js";
import { SWEEPABLE, type Sweepable } from "../workflows/on_policy.js";
import { describeAllowed } from "../agents/common/config.js";
import { readConfigFile } from "../workflows/outputs/run_dir.js";
import { UsageError, setDotted } from "./args.js";

export const ALGORITHMS = Object.keys(ON_POLICY_ALGORITHMS);

export function checkAlgo(algo: string | undefined): string {
  if (algo === undefined) throw new UsageError(`which algorithm? usage: xla-ts train <algo> --env <id> (algorithms: ${ALGORITHMS.join(", ")})`);
  if (!ALGORITHMS.includes(algo)) throw new UsageError(`unknown algorithm "${algo}" (algorithms: ${ALGORITHMS.join(", ")})`);
  return algo;
}

export function checkEnv(env: unknown, where = "env"): void {
  if (typeof env === "string" && isRegistered(env)) return;
  throw new UsageError(`${where} = ${JSON.stringify(env)} is not allowed: env must be a registered environment id, one of ${registeredIds().join(", ")}`);
}

/** Resolves and checks overrides; a config error becomes a UsageError (prefixed with `where`). */
export function checkConfig(overrides: Record<string, unknown>, where?: string): PPOConfig {
  let c: PPOConfig;
  try {
    c = resolveOnPolicyConfig<PPOConfig>(overrides);
  } catch (e) {
    throw new UsageError(`${where ? where + ": " : ""}${(e as Error).message}`);
  }
  checkEnv(c.env, where ? `${where}: env` : "env");
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
export async function assembleConfig(src: ConfigSources): Promise<{ overrides: Record<string, unknown>; config: PPOConfig }> {
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
      const spec = configSchema((o.algo as string | undefined) ?? "ppo")[root];
      if (spec === undefined) checkConfig({ ...o, [root]: null }); // reports the unknown key
      if (spec !== undefined && spec.kind !== "record") throw new UsageError(`${k}=…: ${root} is not a record (${root} must be ${describeAllowed(spec)})`);
      const copy = { ...((o[root] as Record<string, unknown> | undefined) ?? {}) };
      o[root] = copy;
      setDotted(o, k, v);
    } else o[k] = v;
  }
  return { overrides: o, config: checkConfig(o) };
}

/** Parses `--sweep key=v1,v2,...` into a sweepable key and numbers. */
export function parseSweep(raw: string): { key: Sweepable; values: number[] } {
  const eq = raw.indexOf("=");
  if (eq <= 0) throw new UsageError(`--sweep ${raw}: expected key=v1,v2,... (sweepable keys: ${SWEEPABLE.join(", ")})`);
  const key = raw.slice(0, eq);
  if (!(SWEEPABLE as readonly string[]).includes(key)) throw new UsageError(`--sweep: ${key} cannot be swept; sweepable keys: ${SWEEPABLE.join(", ")}`);
  const values = raw
    .slice(eq + 1)
    .split(",")
    .map((s) => s.trim());
  const nums = values.map(Number);
  const bad = values.find((s, i) => s === "" || !Number.isFinite(nums[i]));
  if (bad !== undefined || nums.length < 1) throw new UsageError(`--sweep ${raw}: values must be numbers, got "${bad ?? ""}"`);
  return { key: key as Sweepable, values: nums };
}
