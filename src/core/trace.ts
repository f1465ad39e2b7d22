// Tracing: while a trace is active every primitive applied appends an equation to it
// (omnistaging, as in JAX); with no trace active, primitives run at once on a backend.
import { ShapedArray, withOp } from "./aval.js";
import { Jaxpr, Literal, Var, dce, type Atom, type Eqn } from "./ir.js";
import type { Primitive } from "./primitive.js";
import { Array, Tracer, Value } from "./values.js";
import { executePrimitive } from "./backend.js";
import { fromNumbers, toNumbers } from "./host.js";

export class Trace {
  readonly eqns: Eqn[] = [];
  readonly invars: Var[] = [];
  readonly constvars: Var[] = [];
  readonly consts: Value[] = [];
  active = true;
  private readonly vars = new Map<Tracer, Var>();
  private readonly constMap = new Map<Value, Var>();

  constructor(
    readonly level: number,
    readonly label: string,
  ) {}

  newArg(aval: ShapedArray): Tracer {
    const v = new Var(aval);
    this.invars.push(v);
    return this.tracerFor(v);
  }

  tracerFor(v: Var): Tracer {
    const t = new Tracer(v.aval, this);
    this.vars.set(t, v);
    return t;
  }

  /** The IR atom standing for `x` in this trace, capturing outer values as constants. */
  atom(x: Value): Atom {
    if (x instanceof Tracer) {
      if (x.trace === this) return this.vars.get(x)!;
      if (!x.trace.active)
        throw new Error(
          `A traced value (${x.aval}) from a finished ${x.trace.label} escaped its trace and was used later. ` +
            `Values computed inside jit/grad/vmap must be returned from the function, not stored outside it.`,
        );
      return this.capture(x);
    }
    if (x instanceof Array) {
      x.checkAlive("tracing");
      if (x.aval.shape.length === 0 && x.hasHost) return new Literal(scalarOf(x), x.aval);
      return this.capture(x);
    }
    throw new TypeError(`expected an array value while tracing, got ${describe(x)}`);
  }

  private capture(x: Value): Var {
    let v = this.constMap.get(x);
    if (!v) {
      v = new Var(x.aval);
      this.constMap.set(x, v);
      this.constvars.push(v);
      this.consts.push(x);
    }
    return v;
  }
}

function scalarOf(a: Array): number | bigint | boolean {
  const d = a.hostSync();
  if (a.dtype === "bool") return d[0] !== 0;
  if (a.dtype === "float16" || a.dtype === "bfloat16") return toNumbers({ aval: a.aval, data: d })[0]!; // raw bits on the host
  return d[0]!;
}

export function describe(x: unknown): string {
  if (x === null) return "null";
  if (x instanceof Value) return `${x.constructor.name}(${x.aval})`;
  if (typeof x === "object") return x.constructor?.name ?? "object";
  return `${typeof x} ${String(x)}`;
}

const stack: Trace[] = [];

export function currentTrace(): Trace | undefined {
  return stack[stack.length - 1];
}

/** Applies a primitive: staged into the innermost trace, or evaluated eagerly. */
export function bind<P extends object>(prim: Primitive<P>, inputs: readonly Value[], params: NoInfer<P> = {} as P): Value[] {
  const top = stack[stack.length - 1];
  if (top === undefined) {
    const arrays = inputs.map((x) => {
      if (x instanceof Array) return x;
      if (x instanceof Tracer)
        throw new Error(
          `${prim.name}: a traced value (${x.aval}) from a finished ${x.trace.label} was used outside it. ` +
            `Values computed inside jit/grad/vmap must be returned from the function, not stored outside it.`,
        );
      throw new TypeError(`${prim.name}: expected array inputs, got ${describe(x)}`);
    });
    let outAvals: ShapedArray[];
    try {
      outAvals = prim.abstractEval(
        arrays.map((a) => a.aval),
        params,
      );
    } catch (e) {
      throw withOp(prim.name, e);
    }
    return executePrimitive(prim, params, arrays, outAvals);
  }
  const atoms = inputs.map((x) => top.atom(x));
  let outAvals: ShapedArray[];
  try {
    outAvals = prim.abstractEval(
      atoms.map((a) => a.aval),
      params,
    );
  } catch (e) {
    throw withOp(prim.name, e);
  }
  const outs = outAvals.map((a) => new Var(a));
  top.eqns.push({ prim, params: params as Record<string, unknown>, inputs: atoms, outputs: outs });
  return outs.map((v) => top.tracerFor(v));
}

export function bind1<P extends object>(prim: Primitive<P>, inputs: readonly Value[], params: NoInfer<P> = {} as P): Value {
  return bind(prim, inputs, params)[0]!;
}

export interface Traced {
  jaxpr: Jaxpr;
  /** Values bound to the jaxpr's constvars: captured concrete arrays or outer tracers. */
  consts: Value[];
}

/**
 * Traces `f` on abstract arguments into a closed program. `f` takes and returns flat lists;
 * outputs that are JS numbers become weakly typed literals.
 */
export function traceFlat(
  f: (...args: Value[]) => readonly (Value | number | boolean)[],
  inAvals: readonly ShapedArray[],
  label = "trace",
): Traced {
  const trace = new Trace(stack.length, label);
  stack.push(trace);
  let outs: readonly (Value | number | boolean)[];
  try {
    const args = inAvals.map((a) => trace.newArg(a));
    outs = f(...args);
  } finally {
    stack.pop();
    trace.active = false;
  }
  const outAtoms = outs.map((o) => {
    if (typeof o === "number") return numberLiteral(o);
    if (typeof o === "boolean") return new Literal(o, new ShapedArray([], "bool"));
    if (o instanceof Value) {
      // The trace is closed now, but reading atoms is still valid for its own tracers.
      trace.active = true;
      try {
        return trace.atom(o);
      } finally {
        trace.active = false;
      }
    }
    throw new TypeError(`${label}: the traced function returned ${describe(o)}, which is not an array`);
  });
  const jaxpr = dce(new Jaxpr(trace.constvars, trace.invars, trace.eqns, outAtoms));
  return { jaxpr, consts: trace.consts };
}

/** A JS number as a weakly typed scalar: int32 when integral, float32 otherwise (JAX's rule). */
export function numberLiteral(n: number): Literal {
  const isInt = Number.isInteger(n) && Math.abs(n) < 2 ** 31;
  return new Literal(n, new ShapedArray([], isInt ? "int32" : "float32", true));
}

export function weakAvalOfNumber(n: number): ShapedArray {
  return numberLiteral(n).aval;
}

/**
 * Closure-converts a traced sub-program for a control-flow primitive: its constvars become
 * leading invars, and the captured values are returned to be passed as explicit operands.
 */
export function closeOver(t: Traced): { jaxpr: Jaxpr; consts: Value[] } {
  const j = t.jaxpr;
  return { jaxpr: new Jaxpr([], [...j.constvars, ...j.invars], j.eqns, j.outvars), consts: t.consts };
}

/** Evaluates a program by applying its equations: inlined into an active trace, or eagerly. */
export function evalJaxpr(j: Jaxpr, consts: readonly Value[], args: readonly Value[]): Value[] {
  const env = new Map<Var, Value>();
  j.constvars.forEach((v, i) => env.set(v, consts[i]!));
  j.invars.forEach((v, i) => env.set(v, args[i]!));
  const read = (a: Atom): Value => (a instanceof Literal ? literalValue(a) : env.get(a)!);
  for (const e of j.eqns) {
    const outs = bind(e.prim, e.inputs.map(read), e.params);
    e.outputs.forEach((v, i) => env.set(v, outs[i]!));
  }
  return j.outvars.map(read);
}

export function literalValue(l: Literal): Array {
  const v = typeof l.value === "boolean" ? (l.value ? 1 : 0) : Number(l.value);
  return new Array(l.aval, { host: fromNumbers([v], [], l.aval.dtype, l.aval.weakType).data });
}
