// The IR: a jaxpr-like list of equations over typed variables.
import { ShapedArray } from "./aval.js";
import type { AnyPrimitive } from "./primitive.js";

let varIds = 0;

export class Var {
  readonly id = varIds++;
  constructor(readonly aval: ShapedArray) {}
}

/** A scalar constant inlined in the IR (from a JS number or a concrete scalar Array). */
export class Literal {
  constructor(
    readonly value: number | bigint | boolean,
    readonly aval: ShapedArray,
  ) {}
}

export type Atom = Var | Literal;

export interface Eqn {
  readonly prim: AnyPrimitive;
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: readonly Atom[];
  readonly outputs: readonly Var[];
}

/**
 * A closed program: `constvars` are bound to `consts` (captured arrays or outer tracers),
 * `invars` are the arguments. Sub-programs of control-flow primitives have no constvars:
 * their captures are turned into leading invars when they are built.
 */
export class Jaxpr {
  constructor(
    readonly constvars: readonly Var[],
    readonly invars: readonly Var[],
    readonly eqns: readonly Eqn[],
    readonly outvars: readonly Atom[],
  ) {}

  get inAvals(): ShapedArray[] {
    return this.invars.map((v) => v.aval);
  }
  get outAvals(): ShapedArray[] {
    return this.outvars.map((v) => v.aval);
  }

  toString(): string {
    return printJaxpr(this);
  }
}

// --- printing -------------------------------------------------------------------------

function printJaxpr(j: Jaxpr, indent = ""): string {
  const names = new Map<Var, string>();
  const nameOf = (v: Var): string => {
    let n = names.get(v);
    if (!n) {
      n = varName(names.size);
      names.set(v, n);
    }
    return n;
  };
  const atom = (a: Atom): string => (a instanceof Literal ? litStr(a) : nameOf(a));
  const decl = (v: Var): string => `${nameOf(v)}:${v.aval}`;
  const lines: string[] = [];
  const cv = j.constvars.map(decl).join(" ");
  const iv = j.invars.map(decl).join(" ");
  lines.push(`${indent}{ lambda ${cv}${cv ? " " : ""}; ${iv}. let`);
  for (const e of j.eqns) {
    const outs = e.outputs.map(decl).join(" ");
    const ps = printParams(e.params, indent + "    ");
    lines.push(`${indent}    ${outs} = ${e.prim.name}${ps} ${e.inputs.map(atom).join(" ")}`);
  }
  lines.push(`${indent}  in (${j.outvars.map(atom).join(", ")}) }`);
  return lines.join("\n");
}

function varName(i: number): string {
  let s = "";
  do {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26) - 1;
  } while (i >= 0);
  return s;
}

function litStr(l: Literal): string {
  return `${String(l.value)}:${l.aval}`;
}

function printParams(params: Readonly<Record<string, unknown>>, indent: string): string {
  const keys = Object.keys(params);
  if (keys.length === 0) return "";
  const parts = keys.map((k) => {
    const v = params[k];
    if (v instanceof Jaxpr) return `${k}=\n${printJaxpr(v, indent + "  ")}\n${indent}`;
    if (Array.isArray(v) && v.length > 0 && v[0] instanceof Jaxpr)
      return `${k}=(\n${v.map((j) => printJaxpr(j as Jaxpr, indent + "  ")).join("\n")}\n${indent})`;
    return `${k}=${paramStr(v)}`;
  });
  return `[${parts.join(" ")}]`;
}

export function paramStr(v: unknown): string {
  if (v instanceof Jaxpr) return `jaxpr#${jaxprKey(v)}`;
  if (Array.isArray(v)) return `(${v.map(paramStr).join(",")})`;
  if (typeof v === "function") return `fn#${objKey(v)}`;
  if (v && typeof v === "object") {
    if (v instanceof ShapedArray) return v.toString();
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}:${paramStr(x)}`)
      .join(",")}}`;
  }
  return String(v);
}

const fnKeys = new WeakMap<object, number>();
let fnKeyCounter = 0;
function objKey(o: object): number {
  let k = fnKeys.get(o);
  if (k === undefined) fnKeys.set(o, (k = fnKeyCounter++));
  return k;
}

const jaxprKeys = new WeakMap<Jaxpr, number>();
let jaxprKeyCounter = 0;
function jaxprKey(j: Jaxpr): number {
  let k = jaxprKeys.get(j);
  if (k === undefined) jaxprKeys.set(j, (k = jaxprKeyCounter++));
  return k;
}

// --- dead-code removal --------------------------------------------------------------------

/** Drops equations whose outputs are never used (all primitives are pure). */
export function dce(j: Jaxpr): Jaxpr {
  const live = new Set<Var>();
  for (const o of j.outvars) if (o instanceof Var) live.add(o);
  const kept: Eqn[] = [];
  for (let i = j.eqns.length - 1; i >= 0; i--) {
    const e = j.eqns[i]!;
    if (!e.outputs.some((o) => live.has(o))) continue;
    kept.push(e);
    for (const a of e.inputs) if (a instanceof Var) live.add(a);
  }
  kept.reverse();
  if (kept.length === j.eqns.length) return j;
  return new Jaxpr(j.constvars, j.invars, kept, j.outvars);
}
