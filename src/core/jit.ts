// jit: trace once per (tree structure, abstract values, static arguments), compile the whole
// program once, run it. Inside another trace the program's equations are inlined instead.
import { asDyn, type Args, type Fn } from "./fn.js";
import { ShapedArray } from "./aval.js";
import { Jaxpr } from "./ir.js";
import { Array, Value } from "./values.js";
import { currentTrace, describe, evalJaxpr, literalValue, numberLiteral, traceFlat, type Traced } from "./trace.js";
import { runJaxpr, backendName, precompileJaxpr } from "./backend.js";
import { lowerModule } from "./lowering.js";
import { flatten, unflatten, type TreeDef } from "../pytree/index.js";

export interface JitOptions {
  /** Positional arguments (numbers) or properties of object arguments (strings) held static. */
  static?: readonly number[] | readonly string[];
  /** Positional arguments whose buffers the call may reuse for its outputs. */
  donate?: readonly number[];
  /** A name for messages (defaults to the function's name). */
  name?: string;
}

interface Entry {
  traced: Traced;
  outTree: TreeDef;
  /** Flat leaf positions that are donated. */
  donated: number[];
}

export interface Lowered {
  asText(): string;
  jaxpr: Jaxpr;
}

export type Jitted<F extends Fn> = ((...args: Args<Parameters<F>>) => ReturnType<F>) & {
  lower(...args: Args<Parameters<F>>): Lowered;
  /** Traces for these arguments (their shapes and dtypes only: donated arrays will do) and compiles on a worker thread, so the first call with such arguments does not compile. */
  compileAsync(...args: Args<Parameters<F>>): Promise<void>;
  /** Number of distinct programs traced so far. */
  readonly cacheSize: number;
};

const RECOMPILE_WARN = 8;
/**
 * Traces of one jitted function (distinct shapes, dtypes, structures or static values) after
 * which it warns once: each trace compiles an executable, so a function called with ever new
 * shapes compiles for ever (the executable cache keeps the most recent ones: exec_cache.ts).
 * The same number bounds the traces it remembers (oldest forgotten first).
 */
const RETRACE_WARN = 32;
const MAX_TRACES = 256;

export function jit<F extends Fn>(f: F, opts: JitOptions = {}): Jitted<F> {
  const name = opts.name ?? (f.name || "anonymous");
  const staticNums = (opts.static ?? []).filter((s): s is number => typeof s === "number");
  const staticNames = (opts.static ?? []).filter((s): s is string => typeof s === "string");
  const donateArgs = new Set(opts.donate ?? []);
  const cache = new Map<string, Entry>();
  const shapeCounts = new Map<string, number>();
  let warned = false;
  let traces = 0;

  const prepare = (args: unknown[]) => {
    const staticVals: unknown[] = [];
    const dyn = args.map((a, i) => {
      if (staticNums.includes(i)) {
        staticVals.push(a);
        return undefined;
      }
      if (staticNames.length && isPlainObject(a)) {
        const copy: Record<string, unknown> = { ...a };
        for (const k of staticNames)
          if (k in copy) {
            staticVals.push([k, copy[k]]);
            delete copy[k];
          }
        return copy;
      }
      return a;
    });
    const [leaves, tree] = flatten(dyn);
    const avals = leaves.map((l, k) => leafAval(l, name, k));
    const donated: number[] = [];
    if (donateArgs.size) {
      // Leaf positions belonging to donated arguments, in flattening order.
      let pos = 0;
      dyn.forEach((a, i) => {
        const n = flatten(a)[0].length;
        if (donateArgs.has(i)) for (let k = 0; k < n; k++) donated.push(pos + k);
        pos += n;
      });
    }
    const avalKey = `${tree.id}|${avals.join(",")}`;
    const key = `${avalKey}|${staticKey(staticVals, name)}`;
    let entry = cache.get(key);
    if (!entry) {
      entry = build(dyn, args, tree, avals, donated);
      cache.set(key, entry);
      if (++traces === RETRACE_WARN)
        process.emitWarning(
          `jit(${name}) has been traced ${traces} times (now for ${avals.join(", ") || "no array arguments"}): every new ` +
            `combination of argument shapes, dtypes, structure and static values traces and compiles it again. ` +
            `Pad or bucket shapes to a few sizes; the process keeps the most recent compiled executables ` +
            `(setExecutableCacheSize, default 256).`,
          { code: "XLA_TS_RETRACE" },
        );
      if (cache.size > MAX_TRACES) cache.delete(cache.keys().next().value as string);
      const shapesOnly = `${tree.id}|${avals.map((a) => a.withWeak(false)).join(",")}`;
      const n = (shapeCounts.get(shapesOnly) ?? 0) + 1;
      shapeCounts.set(shapesOnly, n);
      if (n >= RECOMPILE_WARN && !warned) {
        warned = true;
        process.emitWarning(
          `jit(${name}) was traced ${n} times for the same argument shapes: static arguments or JS-number ` +
            `arguments (integral vs fractional) differ between calls. Pass arrays instead, or fewer distinct static values.`,
        );
      }
    }
    return { leaves, entry };
  };

  const build = (dyn: unknown[], args: unknown[], tree: TreeDef, avals: ShapedArray[], donated: number[]): Entry => {
    let outTree: TreeDef | undefined;
    let traced: Traced;
    try {
      traced = traceFlat(
        (...tracers) => {
          const rebuilt = unflatten(tree, tracers) as unknown[];
          const full = rebuilt.map((a, i) => {
            if (staticNums.includes(i)) return args[i];
            if (staticNames.length && isPlainObject(dyn[i])) {
              const orig = args[i] as Record<string, unknown>;
              const o: Record<string, unknown> = { ...(a as object) };
              for (const k of staticNames) if (k in orig) o[k] = orig[k];
              return o;
            }
            return a;
          });
          const out = asDyn(f)(...full);
          const [outLeaves, ot] = flatten(out);
          outTree = ot;
          return outLeaves.map((l) => {
            if (l instanceof Value || typeof l === "number") return l;
            throw new TypeError(`jit(${name}): the function returned ${describe(l)} as a leaf; return arrays or numbers`);
          }) as (Value | number)[];
        },
        avals,
        `jit(${name})`,
      );
    } catch (e) {
      throw missingArgs(name, f.length, args.length, e);
    }
    return { traced, outTree: outTree!, donated };
  };

  const call = (...args: unknown[]) => {
    const { leaves, entry } = prepare(args);
    const values = leaves.map(toValue);
    const { jaxpr, consts } = entry.traced;
    let outs: Value[];
    if (currentTrace()) {
      outs = evalJaxpr(jaxpr, consts, values);
    } else {
      for (const c of consts)
        if (!(c instanceof Array))
          throw new Error(`jit(${name}): the function captured a traced value from a finished trace`);
      outs = runJaxpr(jaxpr, consts as Array[], values as Array[], entry.donated);
    }
    return unflatten(entry.outTree, outs);
  };

  const lower = (...args: unknown[]): Lowered => {
    const { entry } = prepare(args);
    const jaxpr = entry.traced.jaxpr;
    return { jaxpr, asText: () => lowerModule(jaxpr, { donate: entry.donated.map((i) => i + jaxpr.constvars.length) }) };
  };
  const compileAsync = async (...args: unknown[]): Promise<void> => {
    const { entry } = prepare(args);
    const jaxpr = entry.traced.jaxpr;
    await precompileJaxpr(
      jaxpr,
      entry.donated.map((i) => i + jaxpr.constvars.length),
    );
  };
  const jitted = Object.assign(call, { lower, compileAsync });
  Object.defineProperty(jitted, "cacheSize", { get: () => cache.size });
  void backendName;
  // `call` takes f's arguments and returns f's result (checked at run time as pytrees).
  return jitted as unknown as Jitted<F>;
}

/** The IR of `f` for these arguments, e.g. `makeJaxpr(f)(x).toString()`. */
export function makeJaxpr<F extends Fn>(f: F): (...args: Args<Parameters<F>>) => Jaxpr {
  return (...args) => jit(f).lower(...args).jaxpr;
}

/** A call with fewer arguments than `f` declares whose trace failed: say so first. */
function missingArgs(name: string, declared: number, given: number, e: unknown): unknown {
  if (given >= declared) return e;
  const why = e instanceof Error ? e.message : String(e);
  return new TypeError(
    `jit(${name}): called with ${given} argument${given === 1 ? "" : "s"} but the function declares ${declared}; ` +
      `argument ${given} is missing (undefined) and tracing failed: ${why}`,
    { cause: e },
  );
}

function leafAval(l: unknown, name: string, k: number): ShapedArray {
  if (l instanceof Value) return l.aval;
  if (typeof l === "number") return numberLiteral(l).aval;
  throw new TypeError(`jit(${name}): argument leaf ${k} is ${describe(l)}; leaves must be arrays or numbers`);
}

function toValue(l: unknown): Value {
  return l instanceof Value ? l : literalValue(numberLiteral(l as number));
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const p = Object.getPrototypeOf(x);
  return p === Object.prototype || p === null;
}

const objIds = new WeakMap<object, number>();
let nextObjId = 0;
function staticKey(vals: unknown[], name = "anonymous"): string {
  const path: object[] = [];
  return vals.map((v) => keyOf(v, path, name)).join(";");
}
/** `path`: the arrays and plain objects being keyed, outermost first (to refuse cycles). */
function keyOf(v: unknown, path: object[], name: string): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return `${typeof v}:${String(v)}`;
  if (typeof v === "string") return JSON.stringify(v);
  if (globalThis.Array.isArray(v) || isPlainObject(v)) {
    if (path.includes(v))
      throw new TypeError(
        `jit(${name}): a static argument contains itself (a cycle); static arguments are keyed by value, so they must be ` +
          `acyclic plain data (numbers, strings, arrays, plain objects). Pass a class instance to key it by identity instead.`,
      );
    path.push(v);
    const key = globalThis.Array.isArray(v)
      ? `[${v.map((x) => keyOf(x, path, name)).join(",")}]`
      : `{${Object.keys(v)
          .sort()
          .map((k) => `${k}=${keyOf(v[k], path, name)}`)
          .join(",")}}`;
    path.pop();
    return key;
  }
  if (typeof v === "object" || typeof v === "function") {
    let id = objIds.get(v as object);
    if (id === undefined) objIds.set(v as object, (id = nextObjId++));
    return `#${id}`;
  }
  return String(v);
}
