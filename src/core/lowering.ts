// Lowering the IR to StableHLO text in the generic op form, which every plugin's parser
// reads whatever its version: `%3 = "stablehlo.add"(%1, %2) : (tensor<f32>, tensor<f32>) -> tensor<f32>`.
import { ShapedArray } from "./aval.js";
import { DTYPES, type DType } from "../xla/dtype.js";
import { Jaxpr, Literal, Var, type Atom } from "./ir.js";
import { f32ToBf16Bits, f32ToF16Bits } from "./host.js";

export function tensorType(a: { shape: readonly number[]; dtype: DType }): string {
  const dims = a.shape.map((d) => `${d}x`).join("");
  return `tensor<${dims}${DTYPES[a.dtype].mlir}>`;
}

export function elemType(d: DType): string {
  return DTYPES[d].mlir;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** A scalar as an MLIR attribute literal of the dtype; floats as exact bit patterns. */
export function scalarLiteral(v: number | bigint | boolean, dtype: DType): string {
  switch (dtype) {
    case "bool":
      return Boolean(v) ? "true" : "false";
    case "float32":
      f32[0] = Number(v);
      return `0x${u32[0]!.toString(16).padStart(8, "0").toUpperCase()}`;
    case "float64":
      f64[0] = Number(v);
      return `0x${u64[0]!.toString(16).padStart(16, "0").toUpperCase()}`;
    case "float16":
      return `0x${f32ToF16Bits(Number(v)).toString(16).padStart(4, "0").toUpperCase()}`;
    case "bfloat16":
      return `0x${f32ToBf16Bits(Number(v)).toString(16).padStart(4, "0").toUpperCase()}`;
    default:
      return typeof v === "bigint" ? v.toString() : String(Math.trunc(Number(v)));
  }
}

export class LowerCtx {
  private counter = 0;
  private lines: string[] = [];
  private indent = "    ";

  fresh(): string {
    return `%${this.counter++}`;
  }

  /** Emits one generic-form op; returns its result names. */
  op(
    name: string,
    operands: readonly string[],
    operandTypes: readonly string[],
    resultTypes: readonly string[],
    opts: { attrs?: string; regions?: readonly string[] } = {},
  ): string[] {
    const res = this.fresh();
    const n = resultTypes.length;
    const lhs = n === 0 ? "" : n === 1 ? `${res} = ` : `${res}:${n} = `;
    const regions = opts.regions && opts.regions.length ? ` (${opts.regions.join(", ")})` : "";
    const attrs = opts.attrs ? ` {${opts.attrs}}` : "";
    const results = n === 1 ? resultTypes[0]! : `(${resultTypes.join(", ")})`;
    this.lines.push(
      `${this.indent}${lhs}"${name}"(${operands.join(", ")})${regions}${attrs} : (${operandTypes.join(", ")}) -> ${results}`,
    );
    if (n === 1) return [res];
    return Array.from({ length: n }, (_, i) => `${res}#${i}`);
  }

  /** Shorthand for a one-result op whose operands are typed by their avals. */
  op1(
    name: string,
    operands: readonly string[],
    inAvals: readonly ShapedArray[],
    out: ShapedArray,
    opts: { attrs?: string; regions?: readonly string[] } = {},
  ): string {
    return this.op(name, operands, inAvals.map(tensorType), [tensorType(out)], opts)[0]!;
  }

  constant(v: number | bigint | boolean, aval: { shape: readonly number[]; dtype: DType }): string {
    const t = tensorType(aval);
    return this.op("stablehlo.constant", [], [], [t], { attrs: `value = dense<${scalarLiteral(v, aval.dtype)}> : ${t}` })[0]!;
  }

  /**
   * A region with one block: `argAvals` become block arguments, `body` emits the block's ops
   * and returns the values (of types `resultAvals`) for the terminator.
   */
  block(
    argAvals: readonly ShapedArray[],
    resultAvals: readonly ShapedArray[],
    body: (args: string[]) => string[],
    terminator = "stablehlo.return",
  ): string {
    const saved = this.lines;
    const savedIndent = this.indent;
    this.lines = [];
    this.indent = savedIndent + "    ";
    const args = argAvals.map(() => this.fresh());
    const outs = body(args);
    const rt = resultAvals.map(tensorType);
    this.lines.push(`${this.indent}"${terminator}"(${outs.join(", ")}) : (${rt.join(", ")}) -> ()`);
    const header = `{\n${savedIndent}  ^bb0(${args.map((a, i) => `${a}: ${tensorType(argAvals[i]!)}`).join(", ")}):`;
    const text = `${header}\n${this.lines.join("\n")}\n${savedIndent}}`;
    this.lines = saved;
    this.indent = savedIndent;
    return text;
  }

  /** Emits a sub-program inline, with its invars bound to `args`; returns its outputs. */
  inline(j: Jaxpr, args: readonly string[]): string[] {
    if (j.constvars.length) throw new Error("internal: sub-programs must be closure-converted before lowering");
    const env = new Map<Var, string>();
    j.invars.forEach((v, i) => env.set(v, args[i]!));
    return lowerEqns(this, j, env);
  }

  text(): string {
    return this.lines.join("\n");
  }
}

function readAtom(ctx: LowerCtx, env: Map<Var, string>, a: Atom): string {
  if (a instanceof Literal) return ctx.constant(a.value, a.aval);
  const n = env.get(a);
  if (n === undefined) throw new Error("internal: lowering read an unbound variable");
  return n;
}

function lowerEqns(ctx: LowerCtx, j: Jaxpr, env: Map<Var, string>): string[] {
  for (const e of j.eqns) {
    const ins = e.inputs.map((a) => readAtom(ctx, env, a));
    const outs = e.prim.lower(
      ctx,
      ins,
      e.inputs.map((a) => a.aval),
      e.outputs.map((v) => v.aval),
      e.params,
    );
    e.outputs.forEach((v, i) => env.set(v, outs[i]!));
  }
  return j.outvars.map((a) => readAtom(ctx, env, a));
}

export interface LowerOptions {
  /** Indices of @main arguments whose buffers may be reused for outputs. */
  donate?: readonly number[];
}

/**
 * A whole program as a StableHLO module: `@main` takes the constvars, then the invars.
 * Donated arguments are matched to an output of the same type (`tf.aliasing_output`).
 */
export function lowerModule(j: Jaxpr, opts: LowerOptions = {}): string {
  const ctx = new LowerCtx();
  const params = [...j.constvars, ...j.invars];
  const env = new Map<Var, string>();
  const argNames = params.map((_, i) => `%arg${i}`);
  params.forEach((v, i) => env.set(v, argNames[i]!));
  const outs = lowerEqns(ctx, j, env);
  const outTypes = j.outvars.map((a) => tensorType(a.aval));
  const aliases = donationAliases(params.map((v) => v.aval), j.outvars.map((a) => a.aval), opts.donate ?? []);
  const sig = params
    .map((v, i) => {
      const alias = aliases.get(i);
      const attr = alias !== undefined ? ` {tf.aliasing_output = ${alias} : i32}` : "";
      return `${argNames[i]}: ${tensorType(v.aval)}${attr}`;
    })
    .join(", ");
  return [
    `module @xla_ts attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {`,
    `  func.func public @main(${sig}) -> (${outTypes.join(", ")}) {`,
    ctx.text(),
    `    "func.return"(${outs.join(", ")}) : (${outTypes.join(", ")}) -> ()`,
    `  }`,
    `}`,
    ``,
  ].join("\n");
}

/** Pairs each donated argument with a distinct output of the same shape and dtype. */
export function donationAliases(
  ins: readonly ShapedArray[],
  outs: readonly ShapedArray[],
  donate: readonly number[],
): Map<number, number> {
  const used = new Set<number>();
  const m = new Map<number, number>();
  for (const i of donate) {
    const a = ins[i]!;
    const o = outs.findIndex((b, k) => !used.has(k) && b.strongEquals(a));
    if (o >= 0) {
      used.add(o);
      m.set(i, o);
    }
  }
  return m;
}
