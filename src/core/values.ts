// The two kinds of array value: `Array` (concrete, data on the host and/or a device) and
// `Tracer` (symbolic, a variable of the trace being built). Methods such as `add` and
// `reshape` are installed on `Value.prototype` by the numpy layer (src/numpy/methods.ts),
// as JAX does, so that core never imports numpy.
import { ShapedArray, type Shape } from "./aval.js";
import { toNumbers } from "./host.js";
import type { DType, TypedArray } from "../xla/dtype.js";
import type { DeviceBuffer } from "../xla/runtime.js";
import type { Trace } from "./trace.js";

export abstract class Value {
  abstract readonly aval: ShapedArray;
  get shape(): Shape {
    return this.aval.shape;
  }
  get dtype(): DType {
    return this.aval.dtype;
  }
  get ndim(): number {
    return this.aval.shape.length;
  }
  get size(): number {
    return this.aval.size;
  }
  get weakType(): boolean {
    return this.aval.weakType;
  }
}

/** Where an Array's data lives. Device data is fetched/uploaded lazily and cached. */
export interface ArrayStorage {
  host?: TypedArray;
  device?: DeviceBuffer;
  /** Shared by the outputs of one execution, which complete together: one wait serves all. */
  ready?: () => Promise<void>;
}

export class Array extends Value {
  #storage: ArrayStorage;
  #disposed: string | null = null;

  constructor(
    readonly aval: ShapedArray,
    storage: ArrayStorage,
  ) {
    super();
    // Device memory not disposed explicitly is freed by the addon's own finalizer of the
    // buffer handle (which also reports it to V8 as external memory).
    this.#storage = storage;
  }

  /** Host data, reading it back from the device (blocking) if needed. */
  hostSync(): TypedArray {
    this.checkAlive("dataSync");
    const s = this.#storage;
    if (!s.host) s.host = s.device!.toHostSync();
    return s.host;
  }

  /** Host data, read asynchronously. The typed array is shared: do not mutate it. */
  async data(): Promise<TypedArray> {
    this.checkAlive("data");
    const s = this.#storage;
    if (!s.host) s.host = await s.device!.toHost();
    return s.host;
  }

  /** Resolves (with this array) once the computation producing it has finished. */
  async blockUntilReady(): Promise<this> {
    this.checkAlive("blockUntilReady");
    const s = this.#storage;
    await (s.ready ? s.ready() : s.device?.ready());
    return this;
  }

  dataSync(): TypedArray {
    return this.hostSync();
  }

  async tolist(): Promise<unknown> {
    return toNested(await this.data(), this.shape, this.dtype);
  }

  tolistSync(): unknown {
    return toNested(this.hostSync(), this.shape, this.dtype);
  }

  /** The device buffer, uploading host data with `upload` on first use. */
  deviceBuffer(upload: (host: TypedArray, aval: ShapedArray) => DeviceBuffer): DeviceBuffer {
    this.checkAlive("device access");
    const s = this.#storage;
    if (!s.device || s.device.disposed || s.device.donated) {
      if (s.device?.donated && !s.host) throw donatedError();
      s.device = upload(s.host!, this.aval);
    }
    return s.device;
  }

  get hasDevice(): boolean {
    return !!this.#storage.device && !this.#storage.device.disposed;
  }
  get hasHost(): boolean {
    return !!this.#storage.host;
  }
  get isDisposed(): boolean {
    return this.#disposed !== null;
  }

  /** Marks this array consumed by a donating call: its buffer now belongs to the output. */
  markDonated(): void {
    this.#storage = {};
    this.#disposed = "donated";
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#storage.device?.dispose();
    this.#storage = {};
    this.#disposed = "disposed";
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  checkAlive(op: string): void {
    if (this.#disposed === "donated") throw donatedError(op);
    if (this.#disposed) throw new Error(`${op}: this Array (${this.aval}) was disposed and cannot be used again`);
  }

  override toString(): string {
    if (this.#disposed) return `Array(${this.aval}, ${this.#disposed})`;
    if (this.aval.size === 0) return `Array([], shape=${JSON.stringify(this.shape)}, dtype=${this.dtype})`;
    return `Array(${JSON.stringify(this.tolistSync())}, dtype=${this.dtype})`;
  }
}

function donatedError(op = "use"): Error {
  return new Error(
    `${op}: this Array was donated to a jitted call (jit donate option) and its buffer now belongs to that call's output; use the output instead`,
  );
}

const MAX_NESTED_LISTS = 2 ** 26;

export function toNested(data: TypedArray, shape: Shape, dtype: DType): unknown {
  if (dtype === "float16" || dtype === "bfloat16") data = toNumbers({ aval: new ShapedArray(shape, dtype), data });
  const conv = (v: number | bigint): unknown => (dtype === "bool" ? v !== 0 : typeof v === "bigint" ? v : v);
  if (shape.length === 0) return conv(data[0]!);
  // A zero-size array of shape [2**52, 0] is 2**52 empty lists: refuse before the JS heap runs
  // out (which aborts the process).
  let lists = 0;
  for (let d = 0, n = 1; d < shape.length - 1; d++) lists += n *= shape[d]!;
  if (lists > MAX_NESTED_LISTS)
    throw new RangeError(`tolist: shape ${JSON.stringify(shape)} makes ${lists} nested JS arrays, more than ${MAX_NESTED_LISTS}; read the flat data with dataSync() / data() instead`);
  const rec = (off: number, dim: number): unknown[] => {
    const n = shape[dim]!;
    const out: unknown[] = [];
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out.push(conv(data[off + i]!));
      return out;
    }
    let stride = 1;
    for (let d = dim + 1; d < shape.length; d++) stride *= shape[d]!;
    for (let i = 0; i < n; i++) out.push(rec(off + i * stride, dim + 1));
    return out;
  };
  return rec(0, 0);
}

let tracerIds = 0;

export class Tracer extends Value {
  readonly id = tracerIds++;
  constructor(
    readonly aval: ShapedArray,
    readonly trace: Trace,
  ) {
    super();
  }
  // Using a traced value where JS needs a concrete one cannot work: say what to use instead.
  [Symbol.toPrimitive](hint: string): string {
    if (hint === "string") return this.toString();
    throw new Error(
      `A traced value (${this.aval}) was used as a JS number, string or boolean. Its value is not known while tracing: ` +
        `use lax.cond / lax.switch or np.where for data-dependent choices, lax.whileLoop / lax.scan for loops, ` +
        `or mark the argument static (jit(f, { static: [...] })).`,
    );
  }
  override toString(): string {
    return `Tracer(${this.aval})`;
  }
  // Host reads of a traced value cannot work either; Array has these methods, so code written
  // for concrete arrays reaches them inside jit/grad/vmap.
  dataSync(): never {
    throw this.#readError("dataSync");
  }
  data(): Promise<never> {
    throw this.#readError("data");
  }
  tolistSync(): never {
    throw this.#readError("tolistSync");
  }
  tolist(): Promise<never> {
    throw this.#readError("tolist");
  }
  #readError(method: string): Error {
    return new Error(
      `${method}: cannot read the value of a traced array (${this.aval}) inside ${this.trace.label}: it is not known until the ` +
        `compiled function runs. Return the array from the function and read it outside, or use jax-style ` +
        `lax.cond / np.where for data-dependent logic.`,
    );
  }
}

export function isValue(x: unknown): x is Value {
  return x instanceof Value;
}
