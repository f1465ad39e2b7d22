// Command-line parsing: `--flag value`, `--flag=value`, boolean `--flag` / `--no-flag`,
// `key=value` config assignments (values read as YAML scalars or flow lists: 3e-4, true, null,
// [64, 64], CartPole-v1) and positionals. Anything unknown is a usage error naming it and
// listing what is allowed, raised before anything is built or compiled.
import { parse as parseYaml } from "yaml";

/** A mistake in the command line: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface FlagSpec {
  type: "string" | "int" | "bool" | "ints";
  help: string;
  /** Shown in help after the flag, e.g. "FILE". */
  arg?: string;
}

export interface Parsed {
  positionals: string[];
  flags: Record<string, string | number | boolean | number[]>;
  /** key=value pairs in order, values parsed. */
  assignments: [string, unknown][];
  help: boolean;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/** Parses one `key=value` value: a YAML scalar or flow collection; a bare word stays a string. */
export function parseValue(key: string, raw: string): unknown {
  try {
    return parseYaml(raw);
  } catch (e) {
    throw new UsageError(`cannot read the value of ${key}=${raw}: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** "0,1,2", "0-3" or a mix ("0-2,7"): non-negative integers. */
export function parseInts(flag: string, raw: string): number[] {
  const out: number[] = [];
  for (const part of raw.split(",").map((s) => s.trim())) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a) throw new UsageError(`${flag} ${raw}: the range ${part} is empty`);
      for (let i = a; i <= b; i++) out.push(i);
    } else if (/^\d+$/.test(part)) out.push(Number(part));
    else throw new UsageError(`${flag} ${raw}: expected non-negative integers like 0,1,2 or 0-4, got "${part}"`);
  }
  if (!out.length) throw new UsageError(`${flag}: expected at least one integer`);
  if (new Set(out).size !== out.length) throw new UsageError(`${flag} ${raw}: a value is repeated`);
  return out;
}

export function parseArgs(cmd: string, argv: readonly string[], spec: Record<string, FlagSpec>, opts: { assignments?: boolean } = {}): Parsed {
  const out: Parsed = { positionals: [], flags: {}, assignments: [], help: false };
  const known = () => Object.keys(spec).map((f) => `--${f}`).join(", ");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") {
      out.help = true;
      continue;
    }
    if (a.startsWith("-") && a.length > 1 && !/^-\d/.test(a)) {
      if (!a.startsWith("--")) throw new UsageError(`unknown option ${a} for \`xla-ts ${cmd}\` (options: ${known()}, --help)`);
      let [name, value] = splitOnce(a.slice(2), "=");
      const s = spec[name];
      if (s === undefined && name.startsWith("no-") && spec[name.slice(3)]?.type === "bool" && value === undefined) {
        out.flags[name.slice(3)] = false;
        continue;
      }
      if (s === undefined) throw new UsageError(`unknown option --${name} for \`xla-ts ${cmd}\` (options: ${known()}, --help)`);
      if (s.type === "bool") {
        if (value !== undefined && value !== "true" && value !== "false") throw new UsageError(`--${name} takes no value (or =true / =false), got "${value}"`);
        out.flags[name] = value !== "false";
        continue;
      }
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined || (value.startsWith("--") && value.length > 2)) throw new UsageError(`--${name} needs a value (${s.arg ?? s.type})`);
      }
      if (s.type === "int") {
        if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} must be an integer, got "${value}"`);
        out.flags[name] = Number(value);
      } else if (s.type === "ints") out.flags[name] = parseInts(`--${name}`, value);
      else out.flags[name] = value;
      continue;
    }
    const eq = a.indexOf("=");
    if (opts.assignments && eq > 0) {
      const key = a.slice(0, eq);
      if (!KEY.test(key)) throw new UsageError(`"${a}": a config assignment is key=value with a key like lr or envOptions.maxEpisodeSteps`);
      out.assignments.push([key, parseValue(key, a.slice(eq + 1))]);
      continue;
    }
    out.positionals.push(a);
  }
  return out;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Sets `obj[a][b]...` for the dotted key "a.b...", creating records on the way. */
export function setDotted(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split(".");
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    const next = o[p];
    if (next === undefined || next === null) o = o[p] = {};
    else if (typeof next === "object" && !Array.isArray(next)) o = next as Record<string, unknown>;
    else throw new UsageError(`${key}=…: ${p} is ${JSON.stringify(next)}, not a record`);
  }
  o[parts.at(-1)!] = value;
}

/** The help text of a command's flags. */
export function flagsHelp(spec: Record<string, FlagSpec>): string {
  const rows = Object.entries(spec).map(([k, s]) => [`--${k}${s.type === "bool" ? "" : ` ${s.arg ?? s.type.toUpperCase()}`}`, s.help] as const);
  rows.push(["--help", "this text"]);
  const w = Math.max(...rows.map(([a]) => a.length)) + 2;
  return rows.map(([a, h]) => `  ${a.padEnd(w)}${h}`).join("\n");
}
