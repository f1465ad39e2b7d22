// The runtime layer: PJRT plugin discovery, the dtype table, devices, executables, buffers.
import { Runtime } from "./runtime.js";
import { addonBuilt } from "./native.js";
import { findPlugin } from "./plugin.js";

export * from "./dtype.js";
export { Runtime, Executable, DeviceBuffer } from "./runtime.js";
export type { Device, RuntimeOptions, CompileOptions, RunOptions } from "./runtime.js";
export { findPlugin, findGpuPlugin, installedPlugin, packageRoot, addonPath } from "./plugin.js";
export type { PluginLookup, InstalledPlugin } from "./plugin.js";
export { parseMainSignature, dtypeOfMlir } from "./mlir.js";
export type { TensorSpec, MainSignature } from "./mlir.js";
export type { PluginInfo } from "./native.js";
export { setCompilationCacheDir, compilationCacheDir, compilationCacheStats, compilationCacheKey } from "./compile_cache.js";
export type { CompilationCacheOptions, CompilationCacheStats } from "./compile_cache.js";

let shared: Runtime | undefined;

/**
 * The process-wide runtime with default options (the plugin from XLA_TS_PJRT_PLUGIN or the
 * install step, the plugin's default device count), opened on first use.
 */
export function defaultRuntime(): Runtime {
  if (!shared || shared.disposed) shared = Runtime.open();
  return shared;
}

/** True when a plugin can be found and the addon is built (nothing is loaded; never throws). */
export function hasRuntime(): boolean {
  try {
    return addonBuilt() && findPlugin().ok;
  } catch {
    return false;
  }
}
