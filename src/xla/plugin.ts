// Finding a PJRT plugin and the native addon.
//
// Order: the XLA_TS_PJRT_PLUGIN environment variable; else the plugin recorded by the install
// step in <package root>/.pjrt/installed.json; for a GPU (asked for explicitly) the
// `jax_plugins/xla_cuda*/xla_cuda_plugin.so` of a Python site-packages.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type PluginLookup =
  | { ok: true; path: string; source: "env" | "installed" | "site-packages" | "option" }
  | { ok: false; reason: string };

/** What tools/install.mjs recorded in .pjrt/installed.json. */
export interface InstalledPlugin {
  dist?: string;
  pluginPath: string;
  header?: string;
  apiVersion?: { major: number; minor: number };
  headerApiVersion?: { major: number; minor: number };
  platform?: string;
  devices?: number;
  wheel?: string;
  source?: string;
}

const HOW_TO_GET_ONE =
  "Install one with `npm install` (it fetches the xla-cpu-pjrt wheel with pip and records it in .pjrt/installed.json), " +
  "or point XLA_TS_PJRT_PLUGIN at a PJRT plugin shared library (e.g. .../jax_plugins/xla_cuda13/xla_cuda_plugin.so).";

let rootCache: string | undefined;

/** The package root: the nearest folder above this module with xla-ts's package.json. */
export function packageRoot(): string {
  if (rootCache !== undefined) return rootCache;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, "package.json");
    if (fs.existsSync(pj)) {
      try {
        if ((JSON.parse(fs.readFileSync(pj, "utf8")) as { name?: string }).name === "xla-ts") return (rootCache = dir);
      } catch {
        // unreadable package.json: keep looking upwards
      }
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // src/xla/ and dist/xla/ both sit two levels below the root.
  return (rootCache = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", ".."));
}

/** The compiled addon (build/Release/xla_ts.node under the package root). */
export function addonPath(): string {
  return process.env.XLA_TS_ADDON ?? path.join(packageRoot(), "build", "Release", "xla_ts.node");
}

/** The install record, if the install step found a plugin. */
export function installedPlugin(): InstalledPlugin | undefined {
  const file = path.join(packageRoot(), ".pjrt", "installed.json");
  try {
    const rec = JSON.parse(fs.readFileSync(file, "utf8")) as InstalledPlugin;
    return typeof rec.pluginPath === "string" ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** Python site-packages folders (asks python3; only used when a GPU plugin is wanted). */
function sitePackages(): string[] {
  const r = spawnSync(
    "python3",
    ["-c", "import site,sys; print('\\n'.join(site.getsitepackages() + [site.getusersitepackages()] + sys.path))"],
    { encoding: "utf8", timeout: 20_000 },
  );
  if (r.status !== 0 || !r.stdout) return [];
  return [...new Set(r.stdout.split("\n").map((s) => s.trim()).filter((s) => s !== "" && fs.existsSync(s)))];
}

/** `jax_plugins/xla_cuda*\/xla_cuda_plugin.so` in a Python site-packages, newest CUDA first. */
export function findGpuPlugin(): PluginLookup {
  const found: string[] = [];
  for (const sp of sitePackages()) {
    const jp = path.join(sp, "jax_plugins");
    let names: string[];
    try {
      names = fs.readdirSync(jp);
    } catch {
      continue;
    }
    for (const n of names.filter((n) => n.startsWith("xla_cuda")).sort().reverse()) {
      const so = path.join(jp, n, "xla_cuda_plugin.so");
      if (fs.existsSync(so)) found.push(so);
    }
  }
  if (found.length) return { ok: true, path: found[0]!, source: "site-packages" };
  return {
    ok: false,
    reason:
      "no GPU PJRT plugin found: no jax_plugins/xla_cuda*/xla_cuda_plugin.so in any Python site-packages " +
      "(`pip install jax-cuda13-pjrt` provides one), and XLA_TS_PJRT_PLUGIN is not set",
  };
}

/**
 * Finds a plugin. `plugin` may be a path, "cpu" (the installed CPU plugin) or "gpu" (a CUDA
 * plugin from a Python site-packages); without it, XLA_TS_PJRT_PLUGIN, then the installed one.
 */
export function findPlugin(plugin?: string): PluginLookup {
  if (plugin !== undefined && plugin !== "cpu" && plugin !== "gpu") {
    if (fs.existsSync(plugin)) return { ok: true, path: path.resolve(plugin), source: "option" };
    return { ok: false, reason: `the PJRT plugin ${plugin} does not exist. ${HOW_TO_GET_ONE}` };
  }
  if (plugin === "gpu") return findGpuPlugin();
  const env = process.env.XLA_TS_PJRT_PLUGIN;
  if (plugin === undefined && env) {
    if (fs.existsSync(env)) return { ok: true, path: path.resolve(env), source: "env" };
    return { ok: false, reason: `XLA_TS_PJRT_PLUGIN=${env} does not exist. ${HOW_TO_GET_ONE}` };
  }
  const rec = installedPlugin();
  if (rec && fs.existsSync(rec.pluginPath)) return { ok: true, path: rec.pluginPath, source: "installed" };
  if (rec) return { ok: false, reason: `the installed PJRT plugin ${rec.pluginPath} is missing. ${HOW_TO_GET_ONE}` };
  return { ok: false, reason: `no PJRT plugin is installed (${path.join(packageRoot(), ".pjrt", "installed.json")} is absent). ${HOW_TO_GET_ONE}` };
}
