// The persistent compilation cache (JAX's jax_compilation_cache_dir): compiled executables,
// serialized by the plugin (PJRT_Executable_Serialize), kept in files keyed by everything that
// decides what the compiler produces, and loaded (PJRT_Executable_DeserializeAndLoad) instead
// of compiling the same program again in a later process.
//
// Off by default in the library: on with setCompilationCacheDir(dir) or the environment
// variable XLA_TS_COMPILATION_CACHE_DIR (empty: off). The CLI turns it on under
// $XDG_CACHE_HOME/xla-ts/compile (default ~/.cache/xla-ts/compile).
//
// Key: sha256 of the StableHLO text, the compile options (replicas, partitions, portability,
// device assignment), the plugin (path, file size and mtime, platform version, PJRT API
// version), the devices (count and kinds), the host CPU model, XLA_FLAGS and xla-ts's version.
//
// An entry: a 96-byte header (magic, format version, the key, the payload length and the
// payload's sha256) and the payload, written to a temporary file and renamed into place, so a
// reader sees a whole entry or none. An entry whose header or checksum does not match is
// ignored with a warning (and replaced after the recompile); so is one the plugin refuses to load.
//
// Only programs whose compile took at least `minCompileSeconds` (default 0.1 s, like JAX's
// jax_persistent_cache_min_compile_time_secs) are stored: eager operations compile in
// milliseconds and would fill the directory with thousands of tiny files.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { NativeCompileOptions, NativeExecutable } from "./native.js";
import { packageRoot } from "./plugin.js";

export interface CompilationCacheOptions {
  /** Programs that compiled faster than this many seconds are not stored (default 0.1). */
  minCompileSeconds?: number;
}

export interface CompilationCacheStats {
  /** Executables loaded from the cache instead of compiled. */
  hits: number;
  /** Lookups that found no usable entry (the program was compiled). */
  misses: number;
  /** Entries written. */
  stores: number;
  /** Compiles below the time threshold, not stored. */
  skipped: number;
  /** Entries ignored (corrupt, truncated, refused by the plugin) and write failures. */
  errors: number;
}

const MAGIC = Buffer.from("XLATSEXE", "latin1");
const FORMAT_VERSION = 1;
const HEADER_BYTES = 96;
const DEFAULT_MIN_COMPILE_SECONDS = 0.1;

interface Config {
  dir: string;
  minCompileSeconds: number;
}

/** undefined: not decided yet (read the environment on first use); null: off. */
let config: Config | null | undefined;
const stats: CompilationCacheStats = { hits: 0, misses: 0, stores: 0, skipped: 0, errors: 0 };
let warnedWrite = false;

function envMinSeconds(): number {
  const v = process.env.XLA_TS_COMPILATION_CACHE_MIN_COMPILE_SECS;
  if (v === undefined || v === "") return DEFAULT_MIN_COMPILE_SECONDS;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`XLA_TS_COMPILATION_CACHE_MIN_COMPILE_SECS must be a non-negative number, got "${v}"`);
  return n;
}

/**
 * Turns the persistent compilation cache on (in `dir`, created when needed) or off (null).
 * Overrides XLA_TS_COMPILATION_CACHE_DIR. Applies to every later compile of every Runtime.
 */
export function setCompilationCacheDir(dir: string | null, options: CompilationCacheOptions = {}): void {
  if (dir === null) {
    config = null;
    return;
  }
  if (typeof dir !== "string" || dir === "") throw new TypeError(`setCompilationCacheDir: dir must be a non-empty string or null, got ${String(dir)}`);
  const min = options.minCompileSeconds ?? envMinSeconds();
  if (!Number.isFinite(min) || min < 0) throw new RangeError(`setCompilationCacheDir: minCompileSeconds must be a non-negative number, got ${min}`);
  config = { dir: path.resolve(dir), minCompileSeconds: min };
}

function active(): Config | null {
  if (config === undefined) {
    const env = process.env.XLA_TS_COMPILATION_CACHE_DIR;
    config = env ? { dir: path.resolve(env), minCompileSeconds: envMinSeconds() } : null;
  }
  return config;
}

/** The cache directory in use, or null when the cache is off. */
export function compilationCacheDir(): string | null {
  return active()?.dir ?? null;
}

/** Counts since the process started (or the last reset). */
export function compilationCacheStats(reset = false): CompilationCacheStats {
  const s = { ...stats };
  if (reset) for (const k of Object.keys(stats) as (keyof CompilationCacheStats)[]) stats[k] = 0;
  return s;
}

function warn(message: string): void {
  process.emitWarning(`xla-ts compilation cache: ${message}`, { code: "XLA_TS_COMPILATION_CACHE" });
}

let versionCache: string | undefined;
function xlaTsVersion(): string {
  if (versionCache !== undefined) return versionCache;
  try {
    versionCache = String((JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version?: string }).version);
  } catch {
    versionCache = "unknown";
  }
  return versionCache;
}

/** What identifies a runtime's compiler for the key (see the top of the file). */
export interface RuntimeFingerprint {
  pluginPath: string;
  platformVersion: string;
  apiVersion: { major: number; minor: number };
  deviceKinds: readonly string[];
}

function pluginStamp(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return "unreadable";
  }
}

/** The cache key (hex sha256) of compiling `mlir` with `options` on a runtime. */
export function compilationCacheKey(rt: RuntimeFingerprint, mlir: string, options: NativeCompileOptions): string {
  const parts = [
    "xla-ts compilation cache v1",
    `xla-ts ${xlaTsVersion()}`,
    `plugin ${path.resolve(rt.pluginPath)} ${pluginStamp(rt.pluginPath)}`,
    `platform ${rt.platformVersion} api ${rt.apiVersion.major}.${rt.apiVersion.minor}`,
    `devices ${rt.deviceKinds.length} ${rt.deviceKinds.join(",")}`,
    `host ${os.arch()} ${os.cpus()[0]?.model ?? "unknown"}`,
    `XLA_FLAGS ${process.env.XLA_FLAGS ?? ""}`,
    `options ${JSON.stringify({
      numReplicas: options.numReplicas ?? 1,
      numPartitions: options.numPartitions ?? 1,
      portable: options.portable ?? null,
      deviceAssignment: options.deviceAssignment ?? null,
    })}`,
  ];
  const h = createHash("sha256");
  for (const p of parts) h.update(`${p.length}:${p}\n`);
  h.update(mlir);
  return h.digest("hex");
}

function entryPath(dir: string, key: string): string {
  return path.join(dir, `${key}.xlaexe`);
}

/** Encodes an entry: header + payload. */
export function encodeEntry(key: string, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(FORMAT_VERSION, 8);
  header.writeUInt32LE(HEADER_BYTES, 12);
  Buffer.from(key, "hex").copy(header, 16);
  header.writeBigUInt64LE(BigInt(payload.length), 48);
  createHash("sha256").update(payload).digest().copy(header, 56);
  return Buffer.concat([header, payload]);
}

/** The payload of an entry, or a reason why it is unusable. */
export function decodeEntry(key: string, data: Buffer): Uint8Array | string {
  if (data.length < HEADER_BYTES) return `truncated (${data.length} bytes)`;
  if (!data.subarray(0, 8).equals(MAGIC)) return "not an xla-ts cache entry (bad magic)";
  if (data.readUInt32LE(8) !== FORMAT_VERSION || data.readUInt32LE(12) !== HEADER_BYTES) return "unknown format version";
  if (!data.subarray(16, 48).equals(Buffer.from(key, "hex"))) return "written for another key";
  const n = data.readBigUInt64LE(48);
  if (n !== BigInt(data.length - HEADER_BYTES)) return `truncated (payload ${data.length - HEADER_BYTES} of ${n} bytes)`;
  const payload = data.subarray(HEADER_BYTES);
  if (!createHash("sha256").update(payload).digest().equals(data.subarray(56, 88))) return "checksum mismatch";
  return payload;
}

/** A lookup in the active cache: `bytes` when there is a usable entry. */
export interface Lookup {
  key: string;
  file: string;
  bytes: Uint8Array | undefined;
}

/** Looks `mlir` up; undefined when the cache is off. */
export function lookup(rt: RuntimeFingerprint, mlir: string, options: NativeCompileOptions): Lookup | undefined {
  const c = active();
  if (!c) return undefined;
  const key = compilationCacheKey(rt, mlir, options);
  const file = entryPath(c.dir, key);
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return { key, file, bytes: undefined };
  }
  const payload = decodeEntry(key, data);
  if (typeof payload === "string") {
    stats.errors++;
    warn(`ignoring ${file}: ${payload}; the program is compiled again`);
    return { key, file, bytes: undefined };
  }
  return { key, file, bytes: payload };
}

/** Counts a hit (the loaded executable is used). */
export function recordHit(): void {
  stats.hits++;
}

/** The plugin refused an entry: it is recompiled (and the entry replaced). */
export function recordLoadFailure(l: Lookup, e: unknown): void {
  stats.errors++;
  warn(`ignoring ${l.file}: the plugin could not load it (${e instanceof Error ? e.message : String(e)}); the program is compiled again`);
  l.bytes = undefined;
}

/** After a miss and a compile of `seconds`: stores the executable when it took long enough. */
export function store(l: Lookup, exe: NativeExecutable, seconds: number): void {
  stats.misses++;
  const c = active();
  if (!c) return;
  if (seconds < c.minCompileSeconds) {
    stats.skipped++;
    return;
  }
  const tmp = path.join(path.dirname(l.file), `.${path.basename(l.file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const data = encodeEntry(l.key, exe.serialize());
    fs.mkdirSync(path.dirname(l.file), { recursive: true });
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, l.file);
    stats.stores++;
  } catch (e) {
    stats.errors++;
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to clean up
    }
    if (!warnedWrite) {
      warnedWrite = true;
      warn(`could not store a compiled program in ${path.dirname(l.file)} (${e instanceof Error ? e.message : String(e)}); further failures are not reported`);
    }
  }
}
