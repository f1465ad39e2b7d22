// The two kinds of array value: `Array` (concrete, data on the host and/or a device) and
// `Tracer` (symbolic, a variable of the trace being built). `Value` is the one type that
// operations return and users hold: it has the shape, the dtype, the data accessors (which a
// Tracer answers with an error saying why) and the methods. Methods such as `add` and
// `reshape`, and iteration along axis 0, are installed on `Value.prototype` by the numpy
// layer (src/numpy/methods.ts), as JAX does, so that core never imports numpy.
import { ShapedArray, type Shape } from "./aval.js";
import { toNumbers } from "./host.js";
import { formatArray } from "./format.js";
import type { DType, TypedArray } from "../xla/dtype.js";
import type { DeviceBuffer } from "../xla/runtime.js";
import type { Trace } from "./trace.js";

/** What `tolist()` gives: numbers (bools for bool arrays, bigints for int64), nested by axis. */
export type NestedList = number | boolean | bigint | NestedList[];

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

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

  /** The data as a typed array, read asynchronously (a Tracer throws: it has no data yet). */
  abstract data(): Promise<TypedArray>;
  /** The data as a typed array, read synchronously (blocks until the device is done). */
  abstract dataSync(): TypedArray;
  /** The data as nested JS lists (numbers; bools for bool; bigints for int64). */
  abstract tolist(): Promise<NestedList>;
  abstract tolistSync(): NestedList;
  /** Resolves (with this array) once the computation producing it has finished. */
  abstract blockUntilReady(): Promise<this>;
  /** Frees the device memory now (a no-op on a Tracer). */
  abstract dispose(): void;
  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * JS operators cannot be overloaded: `x + 1` would concatenate strings and `x < y` compare
   * garbage, silently. Numeric and default coercion therefore throw, saying what to use;
   * string coercion (`${x}`, String(x)) prints the array.
   */
  [Symbol.toPrimitive](hint: string): string {
    if (hint === "string") return this.toString();
    throw new TypeError(coercionMessage(this.toString(), hint));
  }

  /** What console.log and util.inspect show. */
  [INSPECT](): string {
    return this.inspectString();
  }
  protected abstract inspectString(): string;
}

function coercionMessage(what: string, hint: string): string {
  return (
    `${what} was used as a JS ${hint === "number" ? "number" : "primitive value"} (as in x + 1, x * y, x < y or +x): ` +
    `JS operators do not apply to arrays. Use the numpy functions or methods (np.add(x, 1) / x.add(1), np.multiply, np.less / x.lt(y)); ` +
    `for a data-dependent choice use lax.cond or np.where; for the JS number in a one-element concrete array use x.item()`
  );
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

  async tolist(): Promise<NestedList> {
    return toNested(await this.data(), this.shape, this.dtype);
  }

  tolistSync(): NestedList {
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
  checkAlive(op: string): void {
    if (this.#disposed === "donated") throw donatedError(op);
    if (this.#disposed) throw new Error(`${op}: this Array (${this.aval}) was disposed and cannot be used again`);
  }

  override toString(): string {
    if (this.#disposed) return `Array(${this.aval}, ${this.#disposed})`;
    if (this.aval.size === 0) return `Array([], shape=${JSON.stringify(this.shape)}, dtype=${this.dtype})`;
    return `Array(${JSON.stringify(this.tolistSync(), bigintAsNumber)}, dtype=${this.dtype})`;
  }

  // Like JAX's repr: the values (read back from the device if needed), then the dtype.
  protected inspectString(): string {
    if (this.#disposed) return `Array(${this.aval}, ${this.#disposed})`;
    if (this.aval.size === 0) return `Array([], shape=${JSON.stringify(this.shape)}, dtype=${this.dtype})`;
    const host = this.hostSync();
    const data = this.dtype === "float16" || this.dtype === "bfloat16" ? toNumbers({ aval: this.aval, data: host }) : host;
    return formatArray(data, this.shape, this.dtype, this.weakType);
  }
}

const bigintAsNumber = (_k: string, v: unknown): unknown => (typeof v === "bigint" ? v.toString() : v);

function donatedError(op = "use"): Error {
  return new Error(
    `${op}: this Array was donated to a jitted call (jit donate option) and its buffer now belongs to that call's output; use the output instead`,
  );
}

const MAX_NESTED_LISTS = 2 ** 26;

export function toNested(data: TypedArray, shape: Shape, dtype: DType): NestedList {
  if (dtype === "float16" || dtype === "bfloat16") data = toNumbers({ aval: new ShapedArray(shape, dtype), data });
  const conv = (v: number | bigint): NestedList => (dtype === "bool" ? v !== 0 : v);
  if (shape.length === 0) return conv(data[0]!);
  // A zero-size array of shape [2**52, 0] is 2**52 empty lists: refuse before the JS heap runs
  // out (which aborts the process).
  let lists = 0;
  for (let d = 0, n = 1; d < shape.length - 1; d++) lists += n *= shape[d]!;
  if (lists > MAX_NESTED_LISTS)
    throw new RangeError(`tolist: shape ${JSON.stringify(shape)} makes ${lists} nested JS arrays, more than ${MAX_NESTED_LISTS}; read the flat data with dataSync() / data() instead`);
  const rec = (off: number, dim: number): NestedList[] => {
    const n = shape[dim]!;
    const out: NestedList[] = [];
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
  override [Symbol.toPrimitive](hint: string): string {
    if (hint === "string") return this.toString();
    throw new TypeError(
      `A traced value (${this.aval}) was used as a JS ${hint === "number" ? "number" : "primitive value"} (x + 1, x < y, +x...). Its value is not known while tracing, ` +
        `and JS operators do not apply to arrays: use np.add / np.multiply / np.less (or x.add(1), x.lt(y)), ` +
        `lax.cond / lax.switch or np.where for data-dependent choices, lax.whileLoop / lax.scan for loops, ` +
        `or mark the argument static (jit(f, { static: [...] })).`,
    );
  }
  data(): Promise<TypedArray> {
    return Promise.reject(this.#readError("data"));
  }
  dataSync(): TypedArray {
    throw this.#readError("dataSync");
  }
  tolist(): Promise<NestedList> {
    return Promise.reject(this.#readError("tolist"));
  }
  tolistSync(): NestedList {
    throw this.#readError("tolistSync");
  }
  blockUntilReady(): Promise<this> {
    return Promise.reject(this.#readError("blockUntilReady"));
  }
  dispose(): void {}
  override toString(): string {
    return `Tracer(${this.aval})`;
  }
  protected inspectString(): string {
    return `Tracer<${this.aval}>`;
  }
  // Host reads of a traced value cannot work: Value has these methods, so code written for
  // concrete arrays reaches them inside jit / grad / vmap.
  #readError(method: string): Error {
    return new Error(
      `${method}: cannot read the value of a traced array (${this.aval}) inside ${this.trace.label}: it has no data while jit / grad / vmap ` +
        `trace the function; return it from the function and read the result outside, or use ` +
        `lax.cond / np.where for data-dependent logic.`,
    );
  }
}

export function isValue(x: unknown): x is Value {
  return x instanceof Value;
}
