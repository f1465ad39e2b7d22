// The native addon (build/Release/xla_ts.node), loaded once, with its types.
// Internal: the public surface is runtime.ts.
import fs from "node:fs";
import { createRequire } from "node:module";
import { addonPath } from "./plugin.js";
import type { DType, TypedArray } from "./dtype.js";

export interface NativeDevice {
  index: number;
  id: number;
  kind: string;
  platform: string;
  description?: string;
  processIndex?: number;
  localHardwareId?: number;
}

export interface NativeCompileOptions {
  numReplicas?: number;
  numPartitions?: number;
  portable?: boolean;
  /** numReplicas × numPartitions device ids, replica-major. */
  deviceAssignment?: number[];
}

export interface NativeBuffer {
  toHost(): Promise<ArrayBuffer>;
  toHost(into: TypedArray): Promise<TypedArray>;
  toHostSync(): ArrayBuffer;
  toHostSync(into: TypedArray): TypedArray;
  ready(): Promise<void>;
  copyToDevice(deviceIndex: number): NativeBuffer;
  dispose(): void;
  /** 0 usable, 1 disposed, 2 donated */
  state(): 0 | 1 | 2;
  info(): { dims: number[]; type: number; device: number; bytes: number };
}

export interface NativeExecutableInfo {
  name: string;
  numOutputs: number;
  numReplicas: number;
  numPartitions: number;
  portable: boolean;
  outputTypes: number[];
  outputDims: number[][];
  /** device indices of a multi-device executable (empty when portable) */
  devices: number[];
}

export interface NativeExecutable {
  info(): NativeExecutableInfo;
  run(args: NativeBuffer[], numDevices: number, deviceIndex: number, donate?: readonly number[]): NativeBuffer[];
  /** The plugin's serialization (PJRT_Executable_Serialize), for loadExecutable. */
  serialize(): Uint8Array;
  dispose(): void;
}

export interface NativeClient {
  platform(): string;
  platformVersion(): string;
  devices(): NativeDevice[];
  bufferFromHost(data: TypedArray, dims: readonly number[], type: number, deviceIndex: number): NativeBuffer;
  compile(code: string, options: NativeCompileOptions): Promise<NativeExecutable>;
  compileSync(code: string, options: NativeCompileOptions): NativeExecutable;
  /** Loads a serialized executable (PJRT_Executable_DeserializeAndLoad) compiled with `options`. */
  loadExecutable(bytes: Uint8Array, options: NativeCompileOptions): Promise<NativeExecutable>;
  loadExecutableSync(bytes: Uint8Array, options: NativeCompileOptions): NativeExecutable;
  dispose(): void;
  isDisposed(): boolean;
}

export interface PluginInfo {
  path: string;
  apiVersion: { major: number; minor: number };
  headerVersion: { major: number; minor: number };
  padded: boolean;
  apiStructSize: number;
  attributes: Record<string, string | number | boolean | number[]>;
}

export interface NativeAddon {
  PjrtClient: new (pluginPath: string, createOptions: Record<string, number | bigint | string | boolean | number[]>) => NativeClient;
  PjrtBuffer: abstract new (...args: never[]) => NativeBuffer;
  PjrtExecutable: abstract new (...args: never[]) => NativeExecutable;
  pluginInfo(pluginPath: string): PluginInfo;
  pendingEvents(): number;
  /** Waits for in-flight computations and arranges the ordered shutdown at process exit. */
  prepareExit?(): void;
  headerVersion: { major: number; minor: number };
}

let addon: NativeAddon | undefined;

/** Loads the addon (once). Throws a clear Error when it is not built. */
export function loadAddon(): NativeAddon {
  if (addon) return addon;
  const file = addonPath();
  if (!fs.existsSync(file)) {
    throw new Error(
      `the xla-ts native addon is not built (${file} is missing): run \`npm install\` or \`npm run build:addon\` ` +
        "(it needs the PJRT header from the install step, a C++17 compiler, make and python3)",
    );
  }
  // The CPU plugin logs INFO lines to stderr (e.g. the device count); keep them out unless asked.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= "1";
  const require = createRequire(import.meta.url);
  const loaded = require(file) as NativeAddon;
  // Plugin threads still computing when exit() destroys the plugin's static objects crash the
  // process (process.exit, an uncaught exception): drain them first (see native/cores.cc).
  if (typeof loaded.prepareExit === "function") process.once("exit", () => loaded.prepareExit!());
  addon = loaded;
  return addon;
}

/** True when the addon file exists (it is not loaded). */
export function addonBuilt(): boolean {
  return fs.existsSync(addonPath());
}

// PJRT_Buffer_Type codes (pjrt_c_api.h) for the dtypes xla-ts knows.
export const PJRT_TYPE: Record<DType, number> = {
  bool: 1, // PRED
  int8: 2, // S8
  int32: 4, // S32
  int64: 5, // S64
  uint8: 6, // U8
  uint32: 8, // U32
  float16: 10, // F16
  float32: 11, // F32
  float64: 12, // F64
  bfloat16: 13, // BF16
};

const PJRT_TYPE_NAMES = [
  "INVALID", "PRED", "S8", "S16", "S32", "S64", "U8", "U16", "U32", "U64", "F16", "F32", "F64", "BF16", "C64", "C128",
  "F8E5M2", "F8E4M3FN", "F8E4M3B11FNUZ", "F8E5M2FNUZ", "F8E4M3FNUZ", "S4", "U4", "TOKEN", "S2", "U2", "F8E4M3",
  "F8E3M4", "F8E8M0FNU", "F4E2M1FN",
];

const DTYPE_OF_PJRT = new Map<number, DType>(Object.entries(PJRT_TYPE).map(([d, c]) => [c, d as DType]));

export function dtypeOfPjrt(code: number): DType | undefined {
  return DTYPE_OF_PJRT.get(code);
}

export function pjrtTypeName(code: number): string {
  return PJRT_TYPE_NAMES[code] ?? `type ${code}`;
}
