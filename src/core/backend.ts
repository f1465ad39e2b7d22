// Where concrete computation happens. `xla`: programs are lowered to StableHLO, compiled once
// through the PJRT plugin (cached by program text) and run on a device; eager primitives are
// cached one-equation programs, so data stays on the device between eager ops. `ref`: the IR
// is interpreted in TypeScript (float64 capable; the conformance oracle; no compile latency).
import { ShapedArray } from "./aval.js";
import { Jaxpr, Var } from "./ir.js";
import type { AnyPrimitive } from "./primitive.js";
import { Array } from "./values.js";
import { lowerModule, donationAliases } from "./lowering.js";
import { evalJaxprRef } from "./ref.js";
import type { HostArray } from "./host.js";
import { paramStr } from "./ir.js";
import { ExecutableCache } from "./exec_cache.js";
import path from "node:path";
import { defaultRuntime, findPlugin, hasRuntime, type Device, type DeviceBuffer, type Executable, type Runtime } from "../xla/index.js";

export type BackendName = "xla" | "ref";

let chosen: BackendName | undefined;

/** The backend in use: XLA_TS_BACKEND, else xla when a plugin is installed, else ref (with a notice). */
export function backendName(): BackendName {
  if (chosen) return chosen;
  const env = process.env.XLA_TS_BACKEND;
  if (env === "ref" || env === "xla") chosen = env;
  else if (env) throw new Error(`XLA_TS_BACKEND must be "xla" or "ref", got "${env}"`);
  else if (hasRuntime()) chosen = "xla";
  else {
    chosen = "ref";
    process.emitWarning("xla-ts: no PJRT plugin found (run `npm install`, or set XLA_TS_PJRT_PLUGIN); using the ref backend");
  }
  return chosen;
}

/** Selects the backend for this process (before or between computations). */
export function setBackend(name: BackendName): void {
  chosen = name;
}

// --- xla ------------------------------------------------------------------------------

let runtime: Runtime | undefined;
export function xlaRuntime(): Runtime {
  if (!runtime) {
    cpuReductionFlags();
    runtime = defaultRuntime();
  }
  return runtime;
}

const YNN = "xla_cpu_experimental_ynn_fusion_type";

/**
 * jaxlib's XLA:CPU gives whole-array reductions to YNNPACK's vectorized kernels; the
 * xla-cpu-pjrt plugin's defaults leave them to a serial loop of scalar adds (one per element,
 * latency-bound). Asks the CPU plugin for the same as jaxlib, unless XLA_FLAGS already sets it
 * (read by the plugin when it loads). See docs/performance.md.
 */
function cpuReductionFlags(): void {
  const flags = process.env.XLA_FLAGS ?? "";
  const plugin = findPlugin();
  if (flags.includes(YNN) || !plugin.ok || !/cpu/i.test(path.basename(plugin.path))) return;
  process.env.XLA_FLAGS = `${flags} --${YNN}=LIBRARY_FUSION_TYPE_REDUCE`.trim();
}
export function defaultDevice(): Device {
  return xlaRuntime().devices[0]!;
}

function upload(host: HostArray["data"], aval: ShapedArray): DeviceBuffer {
  return xlaRuntime().fromHost(host, aval.shape, aval.dtype, defaultDevice());
}

export function toDevice(a: Array): DeviceBuffer {
  return a.deviceBuffer(upload);
}

interface Compiled {
  exe: Executable;
  aliases: Map<number, number>;
  text: string;
  used?: boolean;
  /** The donated argument positions (the aliases' keys), computed on first use. */
  donated?: number[];
}
/** Bounded (exec_cache.ts): evicted executables are disposed and recompiled when needed again. */
const byText = new ExecutableCache<Compiled>();
export const compileStats = { compiles: 0, cacheHits: 0 };

/** Sets how many compiled executables the process keeps (default 256, or XLA_TS_EXECUTABLE_CACHE_SIZE). */
export function setExecutableCacheSize(n: number): void {
  byText.resize(n);
}
/** The executable cache's size, capacity and evictions so far. */
export function executableCacheInfo(): { size: number; capacity: number; evictions: number } {
  return { size: byText.size, capacity: byText.capacity, evictions: byText.evictions };
}

/** Per program object: the compiled executable for each donation pattern (no re-lowering). */
const byJaxpr = new WeakMap<Jaxpr, Map<string, Compiled>>();

/** Lowers and compiles a program (cached by program object, then by StableHLO text). */
export function compileJaxpr(j: Jaxpr, donate: readonly number[] = []): Compiled {
  const dk = donate.join(",");
  let perJ = byJaxpr.get(j);
  const hit = perJ?.get(dk);
  if (hit && !hit.exe.disposed) {
    hit.used = true;
    return hit;
  }
  const text = lowerModule(j, { donate });
  let c = byText.get(text);
  if (!perJ) byJaxpr.set(j, (perJ = new Map()));
  if (c) {
    compileStats.cacheHits++;
    perJ.set(dk, c);
    return c;
  }
  const exe = xlaRuntime().compileSync(text);
  compileStats.compiles++;
  const ins = [...j.constvars, ...j.invars].map((v) => v.aval);
  c = { exe, aliases: donationAliases(ins, j.outvars.map((a) => a.aval), donate), text };
  byText.set(text, c);
  perJ.set(dk, c);
  return c;
}

/**
 * Compiles a program on the runtime's worker thread and puts it in the executable cache, so
 * that its first call does not compile (e.g. a program needed after a training run, compiled
 * while the run goes on). Nothing happens on the ref backend or when it is compiled already.
 */
export async function precompileJaxpr(j: Jaxpr, donate: readonly number[] = []): Promise<void> {
  if (backendName() === "ref") return;
  const text = lowerModule(j, { donate });
  if (byText.get(text)) return;
  const exe = await xlaRuntime().compile(text);
  if (byText.get(text)) {
    exe.dispose(); // compiled on the calling thread meanwhile
    return;
  }
  compileStats.compiles++;
  const ins = [...j.constvars, ...j.invars].map((v) => v.aval);
  byText.set(text, { exe, aliases: donationAliases(ins, j.outvars.map((a) => a.aval), donate), text });
}

function runCompiled(c: Compiled, args: readonly Array[], outAvals: readonly ShapedArray[]): Array[] {
  const bufs = args.map(toDevice);
  const donated = (c.donated ??= [...c.aliases.keys()]);
  const outs = c.exe.run(bufs, donated.length ? { donate: donated } : undefined);
  for (const i of donated) args[i]!.markDonated();
  let done: Promise<void> | undefined;
  const ready = () => (done ??= outs[0]!.ready());
  return outs.map((b, i) => new Array(outAvals[i]!, { device: b, ready }));
}

// --- entry points used by tracing and jit ------------------------------------------------

const eagerCache = new Map<string, Jaxpr>();

/** Runs one primitive on concrete arrays. */
export function executePrimitive(prim: AnyPrimitive, params: object, inputs: Array[], outAvals: ShapedArray[]): Array[] {
  for (const a of inputs) a.checkAlive(prim.name);
  if (backendName() === "ref") {
    const outs = prim.ref(
      inputs.map((a) => ({ aval: a.aval, data: a.hostSync() })),
      params,
      outAvals,
    );
    return outs.map((o, i) => new Array(outAvals[i]!, { host: o.data }));
  }
  const key = `${prim.name}|${paramStr(params)}|${inputs.map((a) => a.aval).join(",")}`;
  let j = eagerCache.get(key);
  if (!j) {
    const invars = inputs.map((a) => new Var(a.aval.withWeak(false)));
    const outs = outAvals.map((a) => new Var(a));
    j = new Jaxpr([], invars, [{ prim, params: params as Record<string, unknown>, inputs: invars, outputs: outs }], outs);
    eagerCache.set(key, j);
  }
  return runCompiled(compileJaxpr(j), inputs, outAvals);
}

/**
 * Runs a whole program on concrete arrays: consts then args. On xla it is compiled once
 * (cached by text); `donate` lists argument positions (after the consts) whose buffers the
 * program may take over.
 */
export function runJaxpr(j: Jaxpr, consts: readonly Array[], args: readonly Array[], donate: readonly number[] = []): Array[] {
  const all = [...consts, ...args];
  for (const a of all) a.checkAlive("jit");
  const outAvals = j.outvars.map((a) => a.aval);
  if (backendName() === "ref") {
    const outs = evalJaxprRef(
      j,
      consts.map((a) => ({ aval: a.aval, data: a.hostSync() })),
      args.map((a) => ({ aval: a.aval, data: a.hostSync() })),
    );
    return outs.map((o, i) => new Array(outAvals[i]!, { host: o.data }));
  }
  const c = compileJaxpr(
    j,
    donate.map((i) => i + consts.length),
  );
  return runCompiled(c, all, outAvals);
}
