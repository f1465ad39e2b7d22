import type { Value } from "../../core/values.js";
import type { Space } from "../../envs/spaces.js";
import type { Environment } from "../../envs/types.js";

// Config schemas: every option with its default, what it means and what values it takes, so
// a config is checked (naming the key and the allowed values) before anything is traced, and
// docs and `--help` are generated from the same table.

export type OptionKind = "number" | "int" | "bool" | "string" | "enum" | "ints" | "record" | "numbers";

export interface OptionSpec {
  kind: OptionKind;
  default: unknown;
  doc: string;
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
  /** Exclusive lower bound (e.g. > 0). */
  gt?: number;
  /** The allowed values of an enum. */
  values?: readonly string[];
  /** null is accepted (an option that can be off). */
  nullable?: boolean;
}

export type Schema = Record<string, OptionSpec>;

/** What the spec accepts, for messages and docs. */
export function describeAllowed(s: OptionSpec): string {
  const nul = s.nullable ? " or null" : "";
  switch (s.kind) {
    case "bool":
      return `true or false${nul}`;
    case "enum":
      return `one of ${s.values!.map((v) => JSON.stringify(v)).join(", ")}${nul}`;
    case "string":
      return `a string${nul}`;
    case "ints":
      return `a list of positive integers${nul}`;
    case "numbers":
      return `a list of finite numbers${nul}`;
    case "record":
      return `an object${nul}`;
    default: {
      const what = s.kind === "int" ? "an integer" : "a number";
      const b: string[] = [];
      if (s.gt !== undefined) b.push(`> ${s.gt}`);
      if (s.min !== undefined) b.push(`>= ${s.min}`);
      if (s.max !== undefined) b.push(`<= ${s.max}`);
      return `${what}${b.length ? ` ${b.join(" and ")}` : ""}${nul}`;
    }
  }
}

function valid(s: OptionSpec, v: unknown): boolean {
  if (v === null) return !!s.nullable;
  switch (s.kind) {
    case "bool":
      return typeof v === "boolean";
    case "string":
      return typeof v === "string";
    case "enum":
      return typeof v === "string" && s.values!.includes(v);
    case "ints":
      return Array.isArray(v) && v.every((x) => Number.isInteger(x) && x > 0);
    case "numbers":
      return Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x));
    case "record":
      return typeof v === "object" && !Array.isArray(v);
    default: {
      if (typeof v !== "number" || Number.isNaN(v)) return false;
      if (s.kind === "int" && !Number.isInteger(v)) return false;
      if (s.gt !== undefined && !(v > s.gt)) return false;
      if (s.min !== undefined && v < s.min) return false;
      if (s.max !== undefined && v > s.max) return false;
      return true;
    }
  }
}

/** The closest key by edit distance, for "did you mean" hints. */
function closest(key: string, keys: readonly string[]): string | undefined {
  const d = (a: string, b: string) => {
    const m = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) m[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        m[i]![j] = Math.min(m[i - 1]![j]! + 1, m[i]![j - 1]! + 1, m[i - 1]![j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
    return m[a.length]![b.length]!;
  };
  let best: string | undefined;
  let bd = Infinity;
  for (const k of keys) {
    const x = d(key, k);
    if (x < bd) [best, bd] = [k, x];
  }
  return bd <= Math.max(2, key.length / 3) ? best : undefined;
}

/**
 * The defaults with `overrides` applied, every key and value checked: an unknown key or a bad
 * value throws one error naming the key, what it got and what it allows.
 */
export function resolveConfig<T>(schema: Schema, overrides: Record<string, unknown> = {}, what = "config"): T {
  const errors: string[] = [];
  const keys = Object.keys(schema);
  for (const [k, v] of Object.entries(overrides)) {
    const s = schema[k];
    if (s === undefined) {
      const hint = closest(k, keys);
      errors.push(`unknown key "${k}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
    } else if (v !== undefined && !valid(s, v)) errors.push(`${k} = ${JSON.stringify(v)} is not allowed: ${k} must be ${describeAllowed(s)}`);
  }
  if (errors.length) throw new TypeError(`${what}: ${errors.join("; ")}. Known keys: ${keys.join(", ")}`);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = overrides[k] !== undefined ? overrides[k] : schema[k]!.default;
  return Object.freeze(out) as T;
}

/** A markdown table of a schema's options (for docs). */
export function schemaTable(schema: Schema): string {
  const rows = Object.entries(schema).map(([k, s]) => `| \`${k}\` | \`${JSON.stringify(s.default)}\` | ${describeAllowed(s)} | ${s.doc} |`);
  return ["| option | default | allowed | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** The keys of `options` the schema knows (a run's config is one flat record; each part takes its own). */
/** A config record (an interface without an index signature) read by key, as the agents' option pickers do. */
export function asRecord(config: object): Record<string, unknown> {
  return config as Record<string, unknown>;
}

/** The agent factory a workflow takes, for an agent class built from (config, spaces, swept values). */
export function agentFactory<A>(
  Agent: new (options: Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value>) => A,
): (config: object, env: Environment, hyper: Readonly<Record<string, Value>>) => A {
  return (config, env, hyper) => new Agent(asRecord(config), env.observationSpace(), env.actionSpace(), { ...hyper });
}

export function pickOptions(options: Record<string, unknown>, schema: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([k]) => k in schema));
}

/** Swept hyperparameters (traced scalars), frozen, after checking each may be traced. */
export function checkTraced(who: string, traced: Record<string, Value>, allowed: readonly string[]): Readonly<Record<string, Value>> {
  for (const k of Object.keys(traced)) if (!allowed.includes(k)) throw new TypeError(`${who}: ${k} cannot be a traced value (only ${allowed.join(", ")})`);
  return Object.freeze({ ...traced });
}
