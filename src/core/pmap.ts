// pmap: one program replicated over devices along a named axis. f is traced once on one
// device's slice of the mapped arguments (the axis bound so collectives can name it), lowered
// to one StableHLO module compiled with numReplicas = the axis size, and launched on each device
// with its slice (Executable.runOnDevices). Collectives lower to all_reduce / all_gather /
// replica_id over one replica group. On the `ref` backend the devices are emulated: the
// program's equations run in lockstep for every device, collectives seeing all operands.
import { asDyn, type Args, type Fn } from "./fn.js";
import { ShapedArray } from "./aval.js";
import { Literal, Var, type Atom, type Jaxpr } from "./ir.js";
import { Array, Value } from "./values.js";
import { currentTrace, describe, literalValue, numberLiteral, traceFlat } from "./trace.js";
import { backendName, xlaRuntime } from "./backend.js";
import { lowerModule } from "./lowering.js";
import { literalHost } from "./ref.js";
import type { HostArray } from "./host.js";
import { allocTyped } from "./host.js";
import { broadcastPrefix, type AxisSpec, type BDim } from "./batching.js";
import { collectiveEmulator, withAxis } from "./axis_env.js";
import { flatten, unflatten, type TreeDef } from "../pytree/index.js";
import type { Device, Executable } from "../xla/index.js";
import { dtypeOfTypedArray, type TypedArray } from "../xla/dtype.js";

export interface PmapOptions {
  /** The name collectives use for this axis (lax.psum(x, axisName)). */
  axisName: string;
  /** Mapped axis of each argument (a tree prefix of the arguments; null: replicated). Default 0. */
  inAxes?: AxisSpec;
  /** Where the device axis goes in each output (null: take device 0's value). Default 0. */
  outAxes?: AxisSpec;
  /**
   * The devices (xla backend): a list of the runtime's devices, or a count (the first n).
   * Default: the first `axis size` devices. On the ref backend only the count matters.
   */
  devices?: number | readonly Device[];
}

interface Traced {
  jaxpr: Jaxpr;
  consts: Array[];
  outTree: TreeDef;
}

/** Splits `data` (of `shape`) along `axis` into its `shape[axis]` slices. */
function splitHost(data: TypedArray, shape: readonly number[], axis: number): TypedArray[] {
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((s, k) => s * k, 1);
  const outer = shape.slice(0, axis).reduce((s, k) => s * k, 1);
  return [...globalThis.Array(n).keys()].map((k) => {
    const part = allocTyped(dtypeOfTypedArray(data), outer * inner);
    for (let o = 0; o < outer; o++) part.set(data.subarray((o * n + k) * inner, (o * n + k + 1) * inner) as never, o * inner);
    return part;
  });
}

/** Stacks equal-shaped parts along a new axis `axis` of a part shape `shape`. */
function stackHost(parts: readonly TypedArray[], shape: readonly number[], axis: number): TypedArray {
  const n = parts.length;
  const inner = shape.slice(axis).reduce((s, k) => s * k, 1);
  const outer = shape.slice(0, axis).reduce((s, k) => s * k, 1);
  const out = allocTyped(dtypeOfTypedArray(parts[0]!), n * outer * inner);
  for (let o = 0; o < outer; o++) for (let k = 0; k < n; k++) out.set(parts[k]!.subarray(o * inner, (o + 1) * inner) as never, (o * n + k) * inner);
  return out;
}


/** Runs the program for every device in lockstep on host arrays (the ref backend's devices). */
function emulate(j: Jaxpr, consts: readonly HostArray[], args: readonly (readonly HostArray[])[]): HostArray[][] {
  const n = args.length;
  const envs = args.map((a) => {
    const env = new Map<Var, HostArray>();
    j.constvars.forEach((v, i) => env.set(v, consts[i]!));
    j.invars.forEach((v, i) => env.set(v, a[i]!));
    return env;
  });
  const read = (d: number) => (a: Atom): HostArray => (a instanceof Literal ? literalHost(a) : envs[d]!.get(a)!);
  for (const e of j.eqns) {
    const outAvals = e.outputs.map((v) => v.aval);
    const ins = envs.map((_, d) => e.inputs.map(read(d)));
    const em = collectiveEmulator(e.prim);
    const outs = em ? em(e.prim, ins, e.params, outAvals) : ins.map((x) => e.prim.ref(x, e.params, outAvals));
    for (let d = 0; d < n; d++) e.outputs.forEach((v, i) => envs[d]!.set(v, { aval: v.aval, data: outs[d]![i]!.data }));
  }
  return envs.map((_, d) => j.outvars.map(read(d)));
}

// Compiled programs by text (and devices); per program object the lowering is done once.
const exeCache = new Map<string, Executable>();
const byJaxpr = new WeakMap<Jaxpr, Map<string, Executable>>();

function compileReplicated(j: Jaxpr, devices: readonly Device[]): Executable {
  const devKey = devices.map((d) => d.index).join(",");
  let perJ = byJaxpr.get(j);
  const hit = perJ?.get(devKey);
  if (hit && !hit.disposed) return hit;
  const n = devices.length;
  const text = lowerModule(j).replace("mhlo.num_replicas = 1 : i32", `mhlo.num_replicas = ${n} : i32`);
  const key = `${devKey}|${text}`;
  let exe = exeCache.get(key);
  if (!exe || exe.disposed) {
    const rt = xlaRuntime();
    exe = n === 1 ? rt.compileSync(text, { device: devices[0]! }) : rt.compileSync(text, { numReplicas: n, deviceAssignment: devices.map((d) => [d]) });
    exeCache.set(key, exe);
  }
  if (!perJ) byJaxpr.set(j, (perJ = new Map()));
  perJ.set(devKey, exe);
  return exe;
}

function runReplicated(j: Jaxpr, devices: readonly Device[], args: readonly (readonly HostArray[])[]): TypedArray[][] {
  const rt = xlaRuntime();
  const exe = compileReplicated(j, devices);
  const bufs = devices.map((dev, d) => args[d]!.map((h) => rt.fromHost(h.data, h.aval.shape, h.aval.dtype, dev)));
  try {
    const outs = exe.runOnDevices(bufs);
    return outs.map((list) =>
      list.map((b) => {
        try {
          return b.toHostSync();
        } finally {
          b.dispose();
        }
      }),
    );
  } finally {
    for (const list of bufs) for (const b of list) b.dispose();
  }
}

/**
 * Maps f over devices: `pmap(f, { axisName: "i" })(xs)` runs f on slice d of xs's axis 0 on
 * device d; inside f, lax.psum(x, "i") etc. combine values across the devices. Call it at
 * the top level (not inside jit/grad/vmap). Inputs and outputs pass through the host.
 */
export function pmap<F extends Fn>(f: F, opts: PmapOptions): (...args: Args<Parameters<F>>) => ReturnType<F> {
  const name = f.name || "anonymous";
  const op = `pmap(${name})`;
  if (opts === undefined || opts === null || typeof opts.axisName !== "string" || !opts.axisName) throw new TypeError(`${op}: options.axisName must be a non-empty string`);
  const cache = new Map<string, Traced>();
  return ((...args: unknown[]) => {
    if (currentTrace()) throw new Error(`${op}: pmap must be called at the top level, not inside jit, grad or vmap (put those inside the pmapped function)`);
    const [leaves, inTree] = flatten(args);
    const dims = broadcastPrefix(opts.inAxes === undefined ? 0 : opts.inAxes, args, "inAxes");
    let size: number | undefined;
    const values: Array[] = leaves.map((l, i) => {
      let v: Value;
      if (l instanceof Value) v = l;
      else if (typeof l === "number") v = literalValue(numberLiteral(l));
      else throw new TypeError(`${op}: argument leaves must be arrays or numbers, got ${describe(l)}`);
      if (!(v instanceof Array)) throw new TypeError(`${op}: argument leaf ${i} is a traced value; call pmap at the top level`);
      let d = dims[i]!;
      if (d === null) return v;
      if (typeof l === "number") throw new TypeError(`${op}: a JS number argument cannot be mapped (inAxes ${d}); pass an array or null`);
      if (d < 0) d += v.ndim;
      if (d < 0 || d >= v.ndim) throw new RangeError(`${op}: inAxes ${dims[i]} is out of range for argument leaf ${i} of shape [${v.shape}]`);
      dims[i] = d;
      const k = v.shape[d]!;
      if (size === undefined) size = k;
      else if (size !== k) throw new RangeError(`${op}: mapped arguments have different sizes along their mapped axes (${size} and ${k}, leaf ${i} of shape [${v.shape}])`);
      return v;
    });
    const want = opts.devices === undefined ? undefined : typeof opts.devices === "number" ? opts.devices : opts.devices.length;
    size ??= want;
    if (size === undefined) throw new TypeError(`${op}: no argument is mapped; give devices`);
    if (want !== undefined && want !== size) throw new RangeError(`${op}: the mapped axis has size ${size} but ${want} devices were given`);
    if (size < 1) throw new RangeError(`${op}: the mapped axis has size 0`);
    const n = size;
    const perAvals = values.map((v, i) => (dims[i] === null ? v.aval : new ShapedArray(v.shape.filter((_, k) => k !== dims[i]), v.dtype, v.weakType)));
    const key = `${n}|${inTree.id}|${dims.join(",")}|${perAvals.join(",")}`;
    let tr = cache.get(key);
    if (!tr) {
      let outTree: TreeDef | undefined;
      const t = withAxis(opts.axisName, n, () =>
        traceFlat(
          (...xs) => {
            const [ol, ot] = flatten(asDyn(f)(...(unflatten(inTree, xs) as unknown[])));
            outTree = ot;
            return ol.map((o) => {
              if (o instanceof Value || typeof o === "number") return o;
              throw new TypeError(`${op}: the function returned ${describe(o)} as a leaf; return arrays or numbers`);
            });
          },
          perAvals,
          op,
        ),
      );
      const consts = t.consts.map((c) => {
        if (!(c instanceof Array)) throw new Error(`${op}: the function captured a traced value from a finished trace`);
        return c;
      });
      tr = { jaxpr: t.jaxpr, consts, outTree: outTree! };
      cache.set(key, tr);
    }
    const { jaxpr, consts, outTree } = tr;
    // One host argument list per device: consts and replicated leaves whole, mapped ones sliced.
    const constHost = consts.map((c) => ({ aval: c.aval, data: c.hostSync() }));
    const parts = values.map((v, i) => (dims[i] === null ? undefined : splitHost(v.hostSync(), v.shape, dims[i]!)));
    const perDevice = [...globalThis.Array(n).keys()].map((d) => [
      ...constHost,
      ...values.map((v, i) => ({ aval: perAvals[i]!, data: parts[i] ? parts[i]![d]! : v.hostSync() })),
    ]);
    let outData: TypedArray[][];
    if (backendName() === "ref") {
      const h = emulate(jaxpr, constHost, perDevice.map((l) => l.slice(constHost.length)));
      outData = h.map((l) => l.map((x) => x.data));
    } else {
      const all = xlaRuntime().devices;
      const devices = opts.devices === undefined || typeof opts.devices === "number" ? all.slice(0, n) : opts.devices;
      if (devices.length < n) throw new RangeError(`${op}: the mapped axis has size ${n} but the runtime has ${all.length} devices (the CPU plugin's cpu_device_count sets how many)`);
      outData = runReplicated(jaxpr, devices, perDevice);
    }
    const outAvals = jaxpr.outvars.map((a) => a.aval);
    const skeleton = unflatten(outTree, outAvals.map(() => 0));
    const outDims = broadcastPrefix(opts.outAxes === undefined ? 0 : opts.outAxes, skeleton, "outAxes");
    const outs = outAvals.map((a, k) => {
      let d: BDim = outDims[k]!;
      if (d === null || d === undefined) return new Array(a, { host: outData[0]![k]! });
      if (d < 0) d += a.ndim + 1;
      if (d < 0 || d > a.ndim) throw new RangeError(`${op}: outAxes ${outDims[k]} is out of range for output leaf ${k} of shape [${a.shape}]`);
      const shape = [...a.shape];
      shape.splice(d, 0, n);
      return new Array(new ShapedArray(shape, a.dtype, a.weakType), { host: stackHost(outData.map((l) => l[k]!), a.shape, d) });
    });
    return unflatten(outTree, outs);
  }) as (...args: Args<Parameters<F>>) => ReturnType<F>;
}
