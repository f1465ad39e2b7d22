// The runtime: a PJRT client and its devices, compiled executables and device buffers.
//
//   const rt = Runtime.open();                      // the installed CPU plugin
//   const exe = await rt.compile(stablehloText);    // compiled off the main thread
//   const x = rt.fromHost(new Float32Array([1, 2, 3, 4]), [4]);
//   const [y] = exe.run([x, x]);                    // returns at once; runs asynchronously
//   console.log(await y.toHost());                  // resolved from the plugin's ready event
//
// Single-device programs are compiled as portable executables: one compilation runs on any
// device of the runtime (`run(args, { device })`; the default is the device given at compile
// time, else the first). Programs with numReplicas × numPartitions > 1 are compiled for a
// device assignment (the plugin's default, or `deviceAssignment`) and run with one argument
// list per device through `runOnDevices`.
import { DTYPES, dtypeOfTypedArray, isDType, type DType, type TypedArray } from "./dtype.js";
import { formatShape, parseMainSignature, type MainSignature, type TensorSpec } from "./mlir.js";
import {
  dtypeOfPjrt,
  loadAddon,
  PJRT_TYPE,
  pjrtTypeName,
  type NativeBuffer,
  type NativeClient,
  type NativeExecutable,
  type NativeExecutableInfo,
  type PluginInfo,
} from "./native.js";
import { findPlugin } from "./plugin.js";
import * as cache from "./compile_cache.js";

export interface Device {
  /** The plugin's global device id. */
  readonly id: number;
  /** e.g. "cpu", or a GPU model name. */
  readonly kind: string;
  /** The client's platform, e.g. "cpu", "cuda". */
  readonly platform: string;
  /** Position in `runtime.devices`. */
  readonly index: number;
  /** e.g. "CpuDevice(id=0)". */
  readonly description: string;
  /** The plugin's local hardware id (e.g. the CUDA ordinal), -1 when undefined. */
  readonly localHardwareId: number;
}

export interface RuntimeOptions {
  /**
   * A PJRT plugin: a path to its shared library, "cpu" (the installed CPU plugin) or "gpu"
   * (a CUDA plugin from a Python site-packages). Default: XLA_TS_PJRT_PLUGIN, else the
   * installed one.
   */
  plugin?: string;
  /**
   * Named options for PJRT_Client_Create, e.g. { cpu_device_count: 2 }. Options the XLA CPU
   * and GPU plugins read are checked against their types (e.g. memory_fraction is a float);
   * others: integral numbers and bigints are int64, other numbers float, integer arrays int64
   * lists, plus strings and booleans.
   */
  createOptions?: Record<string, number | bigint | string | boolean | readonly number[]>;
}

export interface CompileOptions {
  /** Replicas (data-parallel copies), default 1. */
  numReplicas?: number;
  /** SPMD partitions, default 1 (uses the sharding attributes of the program). */
  numPartitions?: number;
  /** Single-device programs: the device `run` uses by default. */
  device?: Device;
  /**
   * Multi-device programs: the device for each replica and partition,
   * `deviceAssignment[replica][partition]`. Default: the plugin's default assignment.
   */
  deviceAssignment?: readonly (readonly Device[])[];
}

export interface RunOptions {
  /** Where a single-device program runs (default: the executable's device). */
  device?: Device;
  /**
   * Argument positions whose buffers the program may take over (donation). A donated
   * argument's DeviceBuffer becomes unusable after the call, whether or not the program
   * reused its memory.
   */
  donate?: readonly number[];
}

const TYPED_ARRAY_NAMES: Record<DType, string> = {
  float32: "Float32Array",
  float64: "Float64Array",
  float16: "Uint16Array (raw float16 bits)",
  bfloat16: "Uint16Array (raw bfloat16 bits)",
  int8: "Int8Array",
  int32: "Int32Array",
  int64: "BigInt64Array",
  uint8: "Uint8Array",
  uint32: "Uint32Array",
  bool: "Uint8Array (0 or 1)",
};

function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x !== "object") return typeof x;
  return (x as object).constructor?.name ?? "object";
}

function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)
      throw new TypeError(`${op}: shape must be an array of non-negative integers, got [${shape.join(", ")}]`);
  }
  return shape as number[];
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** The PJRT runtime: one client of one plugin. */
export class Runtime {
  readonly devices: Device[];
  readonly platform: string;
  readonly platformVersion: string;
  readonly pluginPath: string;
  readonly apiVersion: { major: number; minor: number };
  readonly pluginInfo: PluginInfo;
  #client: NativeClient | undefined;

  private constructor(client: NativeClient, pluginPath: string, info: PluginInfo) {
    this.#client = client;
    this.pluginPath = pluginPath;
    this.pluginInfo = info;
    this.apiVersion = { ...info.apiVersion };
    this.platform = client.platform();
    this.platformVersion = client.platformVersion();
    this.devices = Object.freeze(
      client.devices().map((d) =>
        Object.freeze({
          id: d.id,
          kind: d.kind,
          platform: d.platform,
          index: d.index,
          description: d.description ?? `${d.platform}:${d.id}`,
          localHardwareId: d.localHardwareId ?? -1,
        }),
      ),
    ) as Device[];
  }

  /** Opens a client of a PJRT plugin (see RuntimeOptions.plugin for where it is found). */
  static open(options: RuntimeOptions = {}): Runtime {
    options ??= {};
    const found = findPlugin(options.plugin);
    if (!found.ok) throw new Error(`Runtime.open: ${found.reason}`);
    const addon = loadAddon();
    const info = addon.pluginInfo(found.path);
    const client = new addon.PjrtClient(found.path, { ...(options.createOptions ?? {}) } as Record<string, number | bigint | string | boolean | number[]>);
    if (client.devices().length === 0) {
      client.dispose();
      throw new Error(`Runtime.open: the plugin ${found.path} reported no devices (check createOptions, e.g. cpu_device_count ≥ 1)`);
    }
    return new Runtime(client, found.path, info);
  }

  /** @internal */
  client(op: string): NativeClient {
    if (!this.#client) throw new Error(`${op}: the runtime has been disposed`);
    return this.#client;
  }

  get disposed(): boolean {
    return this.#client === undefined;
  }

  /** @internal the index of `device` in this runtime, checked. */
  deviceIndex(op: string, device: Device | undefined): number {
    if (device === undefined) return 0;
    const i = this.devices.indexOf(device);
    if (i < 0) {
      const what = device !== null && typeof device === "object" ? `device ${String(device.platform)}:${String(device.id)}` : String(device);
      throw new Error(`${op}: ${what} is not one of this runtime's devices (use runtime.devices[i])`);
    }
    return i;
  }

  /**
   * Compiles StableHLO MLIR text on a worker thread (or loads it from the persistent
   * compilation cache when one is configured: setCompilationCacheDir).
   */
  compile(mlir: string, options: CompileOptions = {}): Promise<Executable> {
    try {
      const [spec, defaultDevice] = this.#compileSpec("Runtime.compile", mlir, options);
      const client = this.client("Runtime.compile");
      const entry = cache.lookup(this.#fingerprint(), mlir, spec);
      const compiled = (): Promise<NativeExecutable> => {
        const t0 = performance.now();
        return client.compile(mlir, spec).then((native) => {
          if (entry) cache.store(entry, native, (performance.now() - t0) / 1000);
          return native;
        });
      };
      const native: Promise<NativeExecutable> =
        entry?.bytes !== undefined
          ? client.loadExecutable(entry.bytes, spec).then(
              (n) => (cache.recordHit(), n),
              (e: unknown) => (cache.recordLoadFailure(entry, e), compiled()),
            )
          : compiled();
      return native.then((n) => new Executable(this, n, mlir, defaultDevice));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** Compiles StableHLO MLIR text on the calling thread (blocks until done); see compile. */
  compileSync(mlir: string, options: CompileOptions = {}): Executable {
    const [spec, defaultDevice] = this.#compileSpec("Runtime.compileSync", mlir, options);
    const client = this.client("Runtime.compileSync");
    const entry = cache.lookup(this.#fingerprint(), mlir, spec);
    let native: NativeExecutable | undefined;
    if (entry?.bytes !== undefined) {
      try {
        native = client.loadExecutableSync(entry.bytes, spec);
        cache.recordHit();
      } catch (e) {
        cache.recordLoadFailure(entry, e);
      }
    }
    if (native === undefined) {
      const t0 = performance.now();
      native = client.compileSync(mlir, spec);
      if (entry) cache.store(entry, native, (performance.now() - t0) / 1000);
    }
    return new Executable(this, native, mlir, defaultDevice);
  }

  /**
   * Loads an executable serialized by `Executable.serialize` with the same plugin build;
   * `options` must be those it was compiled with. Throws (never crashes) on bytes the plugin
   * cannot read. `mlir`, when given, supplies the parameter types `run` checks.
   */
  loadExecutable(bytes: Uint8Array, options: CompileOptions = {}, mlir = ""): Executable {
    const op = "Runtime.loadExecutable";
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`${op}: the serialized executable must be a Uint8Array, got ${describe(bytes)}`);
    const [spec, defaultDevice] = this.#compileSpec(op, mlir, options);
    return new Executable(this, this.client(op).loadExecutableSync(bytes, spec), mlir, defaultDevice);
  }

  #fp: cache.RuntimeFingerprint | undefined;
  #fingerprint(): cache.RuntimeFingerprint {
    return (this.#fp ??= {
      pluginPath: this.pluginPath,
      platformVersion: this.platformVersion,
      apiVersion: this.apiVersion,
      deviceKinds: this.devices.map((d) => d.kind),
    });
  }

  #compileSpec(op: string, mlir: string, options: CompileOptions | undefined) {
    options ??= {};
    if (typeof mlir !== "string") throw new TypeError(`${op}: the program must be StableHLO MLIR text (a string), got ${describe(mlir)}`);
    this.client(op);
    const numReplicas = options.numReplicas ?? 1;
    const numPartitions = options.numPartitions ?? 1;
    for (const [k, v] of [["numReplicas", numReplicas], ["numPartitions", numPartitions]] as const)
      if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${op}: ${k} must be a positive integer, got ${v}`);
    const multi = numReplicas * numPartitions > 1;
    if (multi && numReplicas * numPartitions > this.devices.length)
      throw new RangeError(
        `${op}: ${numReplicas} replicas × ${numPartitions} partitions need ${numReplicas * numPartitions} devices, ` +
          `but the runtime has ${this.devices.length} (for the CPU plugin, open it with createOptions: { cpu_device_count: n })`,
      );
    let deviceAssignment: number[] | undefined;
    if (options.deviceAssignment !== undefined) {
      const da = options.deviceAssignment;
      if (!multi) throw new Error(`${op}: deviceAssignment is for multi-device programs; use options.device for a single device`);
      if (da.length !== numReplicas || da.some((r) => r.length !== numPartitions))
        throw new Error(`${op}: deviceAssignment must be ${numReplicas} replicas × ${numPartitions} partitions of devices`);
      deviceAssignment = da.flatMap((r) => r.map((d) => this.devices[this.deviceIndex(op, d)]!.id));
    }
    const defaultDevice = multi ? undefined : this.devices[this.deviceIndex(op, options.device)]!;
    if (multi && options.device !== undefined) throw new Error(`${op}: options.device is for single-device programs; use deviceAssignment`);
    return [{ numReplicas, numPartitions, portable: !multi, deviceAssignment }, defaultDevice] as const;
  }

  /**
   * Copies a host typed array to a device. `dtype` defaults to the typed array's own
   * (Uint16Array means float16; say "bfloat16" for bf16 bits); bool data is a Uint8Array.
   */
  fromHost(data: TypedArray, shape: readonly number[], dtype?: DType, device?: Device): DeviceBuffer {
    const op = "Runtime.fromHost";
    const client = this.client(op);
    if (!ArrayBuffer.isView(data) || data instanceof DataView)
      throw new TypeError(`${op}: data must be a typed array, got ${describe(data)}`);
    const dims = checkShape(op, shape);
    let dt: DType;
    if (dtype === undefined) {
      try {
        dt = dtypeOfTypedArray(data);
      } catch {
        throw new TypeError(`${op}: ${describe(data)} is not a supported typed array; pass a dtype and a matching typed array`);
      }
    } else {
      if (!isDType(dtype)) throw new TypeError(`${op}: unknown dtype ${String(dtype)}; expected one of ${Object.keys(DTYPES).join(", ")}`);
      dt = dtype;
    }
    const info = DTYPES[dt];
    if (!(data instanceof info.array))
      throw new TypeError(`${op}: dtype ${dt} needs a ${TYPED_ARRAY_NAMES[dt]}, got ${describe(data)}`);
    const n = dims.reduce((a, b) => a * b, 1);
    if (data.length !== n)
      throw new RangeError(`${op}: shape ${formatShape(dims)} has ${n} elements but the ${describe(data)} has ${data.length}`);
    if (dt === "bool") {
      const u8 = data as Uint8Array;
      if (u8.some((v) => v > 1)) data = Uint8Array.from(u8, (v) => (v ? 1 : 0));
    }
    // N-API cannot read a SharedArrayBuffer: copy it (the data is copied to the device anyway).
    if (isShared(data)) data = data.slice();
    const di = this.deviceIndex(op, device);
    const native = client.bufferFromHost(data, dims, PJRT_TYPE[dt], di);
    return new DeviceBuffer(this, native, dims.slice(), dt, this.devices[di]!);
  }

  /**
   * Lets go of the client. Buffers and executables made from it stay usable until they are
   * disposed (the PJRT client itself is destroyed after the last of them).
   */
  dispose(): void {
    this.#client?.dispose();
    this.#client = undefined;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** An array in device memory. */
export class DeviceBuffer {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly device: Device;
  readonly runtime: Runtime;
  /** @internal */
  readonly native: NativeBuffer;

  /** @internal (made by Runtime.fromHost and Executable.run) */
  constructor(runtime: Runtime, native: NativeBuffer, shape: number[], dtype: DType, device: Device) {
    this.runtime = runtime;
    this.native = native;
    this.shape = Object.freeze(shape);
    this.dtype = dtype;
    this.device = device;
  }

  /** Number of elements. */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** Bytes of device memory. */
  get nbytes(): number {
    return this.size * DTYPES[this.dtype].bytes;
  }

  /**
   * 0 live, 1 disposed, 2 donated: the native buffer's state, kept here so that the checks on
   * every call (jit's arguments, Executable.run's) need no call into the addon. It changes only
   * through dispose() and donation by Executable.run / runOnDevices, which refresh it; the
   * addon still checks every handle it is given.
   */
  #state = 0;

  get disposed(): boolean {
    return this.#state !== 0;
  }

  get donated(): boolean {
    return this.#state === 2;
  }

  /** @internal Re-reads the native state (after an execution that may have consumed this buffer). */
  syncState(): void {
    this.#state = this.native.state();
  }

  #wrap(ab: ArrayBuffer): TypedArray {
    return new DTYPES[this.dtype].array(ab) as TypedArray;
  }

  #checkInto(op: string, into: TypedArray | undefined): void {
    if (into === undefined) return;
    const want = DTYPES[this.dtype].array;
    if (!(into instanceof want) || into.length !== this.size)
      throw new TypeError(
        `${op}: the destination must be a ${TYPED_ARRAY_NAMES[this.dtype]} of ${this.size} elements, got ${describe(into)}` +
          (ArrayBuffer.isView(into) ? ` of ${(into as TypedArray).length}` : ""),
      );
  }

  /**
   * Copies the data to the host; resolves once the computation producing it is done. With
   * `into` (a typed array of the buffer's dtype and size) the data is written there and `into`
   * is returned; leave it alone until the promise settles.
   */
  toHost(into?: TypedArray): Promise<TypedArray> {
    try {
      this.#checkInto("DeviceBuffer.toHost", into);
      // Shared memory cannot be handed to the addon (N-API refuses it): read, then copy.
      if (into && isShared(into)) return this.toHost().then((t) => (into.set(t as never), into));
      if (into) return this.native.toHost(into).then(() => into);
      return this.native.toHost().then((ab) => this.#wrap(ab));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** Copies the data to the host, blocking the thread until it is ready (optionally `into`). */
  toHostSync(into?: TypedArray): TypedArray {
    this.#checkInto("DeviceBuffer.toHostSync", into);
    if (into && isShared(into)) {
      into.set(this.toHostSync() as never);
      return into;
    }
    if (into) {
      this.native.toHostSync(into);
      return into;
    }
    return this.#wrap(this.native.toHostSync());
  }

  /** Resolves when the data is computed (rejects if its computation failed). */
  ready(): Promise<void> {
    try {
      return this.native.ready();
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** A copy of this buffer on another device of the same runtime (itself if already there). */
  copyTo(device: Device): DeviceBuffer {
    const op = "DeviceBuffer.copyTo";
    const di = this.runtime.deviceIndex(op, device);
    if (device === this.device) return this;
    return new DeviceBuffer(this.runtime, this.native.copyToDevice(di), this.shape.slice(), this.dtype, this.runtime.devices[di]!);
  }

  /** Frees the device memory (after pending reads finish). Idempotent. */
  dispose(): void {
    this.native.dispose();
    if (this.#state === 0) this.#state = 1;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  toString(): string {
    return `DeviceBuffer(${this.dtype}${formatShape(this.shape as number[])} on ${this.device.description})`;
  }
}

/** A compiled program. */
export class Executable {
  readonly runtime: Runtime;
  readonly name: string;
  readonly numOutputs: number;
  readonly numReplicas: number;
  readonly numPartitions: number;
  /** The device a single-device program runs on by default (undefined for multi-device). */
  readonly device: Device | undefined;
  /** The devices a multi-device program runs on, in argument-list order. */
  readonly devices: readonly Device[];
  /** Parameter types read from `@main` (undefined if the text could not be read). */
  readonly params: readonly TensorSpec[] | undefined;
  /** Output shapes and dtypes as compiled (per device). */
  readonly outputs: readonly { shape: readonly number[] | null; dtype: DType | null; type: string }[];
  #native: NativeExecutable | undefined;

  /** @internal (made by Runtime.compile) */
  constructor(runtime: Runtime, native: NativeExecutable, mlir: string, device: Device | undefined) {
    this.runtime = runtime;
    this.#native = native;
    const info: NativeExecutableInfo = native.info();
    this.name = info.name;
    this.numOutputs = info.numOutputs;
    this.numReplicas = info.numReplicas;
    this.numPartitions = info.numPartitions;
    this.device = device;
    this.devices = Object.freeze(info.devices.map((i) => runtime.devices[i]!));
    let sig: MainSignature | undefined;
    try {
      sig = parseMainSignature(mlir);
    } catch {
      sig = undefined;
    }
    this.params = sig ? Object.freeze(sig.params) : undefined;
    this.outputs = Object.freeze(
      Array.from({ length: info.numOutputs }, (_, i) => {
        const t = info.outputTypes[i];
        return Object.freeze({
          shape: info.outputDims[i] !== undefined ? Object.freeze(info.outputDims[i]!.slice()) : null,
          dtype: t === undefined ? null : (dtypeOfPjrt(t) ?? null),
          type: t === undefined ? "unknown" : pjrtTypeName(t),
        });
      }),
    );
  }

  get disposed(): boolean {
    return this.#native === undefined;
  }

  /**
   * The plugin's serialization of the compiled program (PJRT_Executable_Serialize), loadable
   * with `Runtime.loadExecutable` by the same plugin build (not portable across versions).
   */
  serialize(): Uint8Array {
    const native = this.#native;
    if (!native) throw new Error("Executable.serialize: the executable has been disposed");
    return native.serialize();
  }

  #checkArgs(op: string, args: unknown, device: Device | undefined): NativeBuffer[] {
    if (!Array.isArray(args)) throw new TypeError(`${op}: arguments must be an array of DeviceBuffers, got ${describe(args)}`);
    const params = this.params;
    if (params && args.length !== params.length)
      throw new Error(`${op}: the program takes ${params.length} argument${params.length === 1 ? "" : "s"}, got ${args.length}`);
    const natives: NativeBuffer[] = new Array(args.length);
    for (let i = 0; i < args.length; i++) {
      const a: unknown = args[i];
      if (!(a instanceof DeviceBuffer)) throw new TypeError(`${op}: argument ${i} is not a DeviceBuffer (got ${describe(a)})`);
      if (a.donated) throw new Error(`${op}: argument ${i} was donated to an earlier execution and can no longer be used`);
      if (a.disposed) throw new Error(`${op}: argument ${i} has been disposed`);
      if (a.runtime !== this.runtime) throw new Error(`${op}: argument ${i} belongs to another Runtime`);
      const p = params?.[i];
      // With SPMD partitions each device gets a shard, whose shape @main does not show.
      const shapeKnown = p?.shape && this.numPartitions === 1;
      if (p && ((shapeKnown && !sameShape(p.shape!, a.shape)) || (p.dtype && p.dtype !== a.dtype))) {
        throw new Error(
          `${op}: argument ${i} has shape ${formatShape(a.shape)} and dtype ${a.dtype}, ` +
            `but the program expects shape ${formatShape(p.shape)} and dtype ${p.dtype ?? p.type} (${p.type})`,
        );
      }
      if (p && p.dtype === null) throw new Error(`${op}: parameter ${i} has type ${p.type}, which xla-ts cannot pass`);
      if (device && a.device !== device)
        throw new Error(`${op}: argument ${i} is on device ${a.device.description} but the program runs on ${device.description}; copy it there first`);
      natives[i] = a.native;
    }
    return natives;
  }

  #checkDonate(op: string, donate: readonly number[] | undefined, args: readonly DeviceBuffer[][]): number[] | undefined {
    if (donate === undefined) return undefined;
    if (!Array.isArray(donate)) throw new TypeError(`${op}: options.donate must be an array of argument positions`);
    const n = args[0]?.length ?? 0;
    const seen = new Set<number>();
    for (const d of donate) {
      if (!Number.isInteger(d) || d < 0 || d >= n) throw new RangeError(`${op}: options.donate lists ${String(d)}, but the program takes ${n} arguments`);
      seen.add(d);
    }
    for (const list of args)
      for (const d of seen)
        for (let j = 0; j < list.length; j++)
          if (j !== d && list[j] === list[d])
            throw new Error(`${op}: argument ${d} is donated but the same DeviceBuffer is also passed as argument ${j}`);
    return [...seen];
  }

  #wrapOutputs(op: string, outs: NativeBuffer[], device: Device | undefined): DeviceBuffer[] {
    const result: DeviceBuffer[] = new Array(outs.length);
    const nOut = Math.max(1, this.numOutputs);
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i]!;
      // Single-device runs: shapes and dtypes as compiled, the device we ran on. Otherwise ask.
      const known = device ? this.outputs[i % nOut] : undefined;
      let shape: number[];
      let dtype: DType | undefined;
      let dev: Device;
      if (known?.shape && known.dtype) {
        shape = known.shape as number[]; // frozen: shared by every output of this position
        dtype = known.dtype;
        dev = device!;
      } else {
        const info = o.info();
        shape = info.dims;
        dtype = dtypeOfPjrt(info.type);
        dev = this.runtime.devices[info.device] ?? device ?? this.runtime.devices[0]!;
        if (dtype === undefined) {
          for (const x of outs) x.dispose();
          throw new Error(`${op}: output ${i % nOut} has element type ${pjrtTypeName(info.type)}, which xla-ts does not support`);
        }
      }
      result[i] = new DeviceBuffer(this.runtime, o, shape, dtype, dev);
    }
    return result;
  }

  /**
   * Runs the program on one device and returns its outputs at once (they fill in
   * asynchronously; `await out.toHost()` or `await out.ready()` to wait).
   */
  run(args: readonly DeviceBuffer[], options: RunOptions = {}): DeviceBuffer[] {
    const op = "Executable.run";
    const native = this.#native;
    if (!native) throw new Error(`${op}: the executable has been disposed`);
    let device: Device;
    if (options.device !== undefined) device = this.runtime.devices[this.runtime.deviceIndex(op, options.device)]!;
    else if (this.device) device = this.device;
    else
      throw new Error(
        `${op}: this program runs on ${this.devices.length} devices (${this.numReplicas} replicas × ${this.numPartitions} partitions); ` +
          "use runOnDevices(argLists) with one argument list per device, or name one device to launch only its part",
      );
    const natives = this.#checkArgs(op, args, device);
    const donate = this.#checkDonate(op, options.donate, [args as DeviceBuffer[]]);
    let outs: NativeBuffer[];
    try {
      outs = native.run(natives, 1, device.index, donate);
    } finally {
      if (donate) for (const d of donate) (args[d] as DeviceBuffer).syncState();
    }
    return this.#wrapOutputs(op, outs, device);
  }

  /**
   * Runs a multi-device program: one argument list per device of `this.devices` (replica-major,
   * then partition), returning one output list per device.
   */
  runOnDevices(argLists: readonly (readonly DeviceBuffer[])[], options: { donate?: readonly number[] } = {}): DeviceBuffer[][] {
    const op = "Executable.runOnDevices";
    const native = this.#native;
    if (!native) throw new Error(`${op}: the executable has been disposed`);
    if (this.device) {
      if (!Array.isArray(argLists) || argLists.length !== 1)
        throw new Error(`${op}: this is a single-device program; pass exactly one argument list (or use run)`);
      return [this.run(argLists[0]!, options)];
    }
    if (!Array.isArray(argLists) || argLists.length !== this.devices.length)
      throw new Error(`${op}: this program runs on ${this.devices.length} devices and needs as many argument lists, got ${Array.isArray(argLists) ? argLists.length : describe(argLists)}`);
    const flat: NativeBuffer[] = [];
    argLists.forEach((list, d) => flat.push(...this.#checkArgs(`${op} (device ${d})`, list, this.devices[d])));
    const donate = this.#checkDonate(op, options.donate, argLists as DeviceBuffer[][]);
    let raw: NativeBuffer[];
    try {
      raw = native.run(flat, argLists.length, -1, donate);
    } finally {
      if (donate) for (const list of argLists) for (const d of donate) (list[d] as DeviceBuffer).syncState();
    }
    const outs = this.#wrapOutputs(op, raw, undefined);
    const per = outs.length / argLists.length;
    return argLists.map((_, d) => outs.slice(d * per, (d + 1) * per));
  }

  /** Frees the compiled program (executions already launched finish). Idempotent. */
  dispose(): void {
    this.#native?.dispose();
    this.#native = undefined;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Whether a typed array lives in a SharedArrayBuffer (which the addon cannot take). */
function isShared(a: TypedArray): boolean {
  return typeof SharedArrayBuffer !== "undefined" && a.buffer instanceof SharedArrayBuffer;
}
