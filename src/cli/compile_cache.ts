// The CLI keeps compiled programs across runs (the persistent compilation cache, see
// src/xla/compile_cache.ts): on by default under $XDG_CACHE_HOME/xla-ts/compile (default
// ~/.cache/xla-ts/compile); XLA_TS_COMPILATION_CACHE_DIR chooses another directory (empty: off);
// --no-compile-cache turns it off for one command.
import os from "node:os";
import path from "node:path";
import { setCompilationCacheDir } from "../xla/index.js";
import type { FlagSpec } from "./args.js";

export const COMPILE_CACHE_FLAG: Record<string, FlagSpec> = {
  "compile-cache": {
    type: "bool",
    help: "keep compiled programs in ~/.cache/xla-ts/compile for later runs (default; --no-compile-cache to skip; XLA_TS_COMPILATION_CACHE_DIR picks the directory)",
  },
};

/** The CLI's default cache directory. */
export function defaultCompileCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "xla-ts", "compile");
}

/** Applies --[no-]compile-cache (undefined: not given) and the environment. */
export function configureCompileCache(flag: unknown): void {
  if (flag === false) setCompilationCacheDir(null);
  else if (process.env.XLA_TS_COMPILATION_CACHE_DIR !== undefined) return; // the library reads it ("" = off)
  else setCompilationCacheDir(defaultCompileCacheDir());
}
