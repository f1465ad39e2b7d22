// The primitive registry. A primitive is one definition: abstract evaluation (shapes, dtypes
// and the errors for bad input), StableHLO lowering and the `ref` kernel, in its family file
// (src/lax/<family>.ts), plus its VJP rule (or a `notDifferentiable` reason) and its batching
// rule. Completeness is a compile error, not a test: the rules are given either with the
// definition (`definePrimitive(def, rules)`, whose `rules: Rules<P>` requires both) or, for a
// family, by one `defineRules(familyModule, { ... })` call in the family's rules file
// (src/lax/<family>_rules.ts), whose record type `RulesOf<typeof familyModule>` has one required
// entry per primitive the family module exports, each typed by that primitive's params: a
// missing entry, a misspelt key, a missing `batch` or `vjp` / `notDifferentiable`, or a rule
// written for other params does not type-check (test/core/primitive_rules.test.ts proves it).
// `bind(prim, inputs, params)` checks `params` against the primitive's own params type. What the
// types cannot see — a primitive defined without rules and exported by no family module — the
// registry-wide "rule coverage" test (test/lax/transforms.test.ts) still catches.
import type { ShapedArray } from "./aval.js";
import type { LowerCtx } from "./lowering.js";
import type { HostArray } from "./host.js";
import type { Value } from "./values.js";

/**
 * Reverse-mode rule, written with ordinary lax calls (so it is itself differentiable and
 * batchable): given the output cotangents (zeros filled in), the primal inputs and outputs,
 * returns one cotangent per input, `null` where the input gets none (integer operands, indices).
 */
export type VjpRule<P> = (cts: readonly Value[], primalsIn: readonly Value[], primalsOut: readonly Value[], params: P) => readonly (Value | null)[];

/**
 * Batching rule for vmap: `dims[i]` is the batch axis of `args[i]` (null: not batched; at least
 * one is batched). Returns the outputs and their batch axes.
 */
export type BatchRule<P> = (args: readonly Value[], dims: readonly (number | null)[], params: P) => [Value[], (number | null)[]];

/** A primitive without parameters. */
export type NoParams = Record<string, never>;

/** What a primitive's family file defines: everything but the transformation rules. */
export interface PrimitiveDef<P extends object> {
  readonly name: string;
  /** Output avals for these inputs; throws a clear error (naming the primitive) for bad input. */
  abstractEval(inAvals: ShapedArray[], params: P): ShapedArray[];
  /** Emits StableHLO for one equation; returns the SSA names of its results. */
  lower(ctx: LowerCtx, inputs: string[], inAvals: ShapedArray[], outAvals: ShapedArray[], params: P): string[];
  /** The reference kernel over host typed arrays (the `ref` backend and the conformance oracle). */
  ref(inputs: HostArray[], params: P, outAvals: ShapedArray[]): HostArray[];
}

/**
 * The transformation rules every primitive must have: a batching rule, and a VJP rule or the
 * reason it has none on purpose (grad / jvp through it is then an error that quotes it).
 */
export type Rules<P> = { readonly batch: BatchRule<P> } & (
  | { readonly vjp: VjpRule<P>; readonly notDifferentiable?: never }
  | { readonly notDifferentiable: string; readonly vjp?: never }
);

/**
 * A registered primitive. Its rules are declared optional because a family's rules are attached
 * when its rules module loads (after the definitions it uses); `RulesOf` makes them required.
 * The rules are methods so that `Primitive<object>` (`AnyPrimitive`) holds every primitive: an
 * equation pairs a primitive with the params `bind` checked for it.
 */
export interface Primitive<P extends object> extends PrimitiveDef<P> {
  vjp?(cts: readonly Value[], primalsIn: readonly Value[], primalsOut: readonly Value[], params: P): readonly (Value | null)[];
  readonly notDifferentiable?: string;
  batch?(args: readonly Value[], dims: readonly (number | null)[], params: P): [Value[], (number | null)[]];
}

/** Any primitive, its params type erased (the registry, equations, interpreters). */
export type AnyPrimitive = Primitive<object>;

/** The params type of a primitive. */
export type ParamsOf<T> = T extends Primitive<infer P> ? P : never;

/**
 * The rules record of a family module (`typeof import("./family.js")`): one required entry per
 * exported primitive, keyed by its export name, typed by its params.
 */
export type RulesOf<M> = { readonly [K in keyof M as M[K] extends Primitive<never> ? K : never]: Rules<ParamsOf<M[K]>> };

const registry = new Map<string, AnyPrimitive>();

function isPrimitive(v: unknown): v is AnyPrimitive {
  return typeof v === "object" && v !== null && registry.get((v as { name?: unknown }).name as string) === v;
}

function attach<P extends object>(p: Primitive<P>, rules: Rules<P>): void {
  const m = p as { -readonly [K in keyof Primitive<P>]: Primitive<P>[K] };
  if (m.batch !== undefined || m.vjp !== undefined || m.notDifferentiable !== undefined) throw new Error(`primitive "${p.name}" has rules already`);
  m.batch = rules.batch;
  if (rules.vjp !== undefined) m.vjp = rules.vjp;
  else m.notDifferentiable = rules.notDifferentiable;
}

/**
 * Attaches the VJP and batching rules of every primitive a family module exports:
 * `defineRules(E, { neg: { vjp, batch }, … })` with `import * as E from "./elementwise.js"`.
 * The record's type requires an entry for each exported primitive (see `RulesOf`).
 */
export function defineRules<M extends object>(family: M, rules: NoInfer<RulesOf<M>>): void {
  const fam = family as Record<string, unknown>;
  const table = rules as Record<string, Rules<object>>;
  for (const [key, v] of Object.entries(fam))
    if (isPrimitive(v) && !(key in table)) throw new Error(`defineRules: primitive "${v.name}" (${key}) has no rules`);
  for (const [key, r] of Object.entries(table)) {
    const p = fam[key];
    if (!isPrimitive(p)) throw new Error(`defineRules: "${key}" is not a primitive of this family`);
    attach(p, r);
  }
}

/**
 * Registers a primitive. With `rules`, it is complete at once (primitives outside the lax
 * families); without, its family's rules file gives them with `defineRules`.
 */
export function definePrimitive<P extends object>(def: PrimitiveDef<P>, rules?: Rules<P>): Primitive<P> {
  if (registry.has(def.name)) throw new Error(`primitive "${def.name}" is defined twice`);
  const p: Primitive<P> = { ...def };
  registry.set(p.name, p);
  if (rules) attach(p, rules);
  return p;
}

export function primitives(): AnyPrimitive[] {
  return [...registry.values()];
}

export function getPrimitive(name: string): AnyPrimitive {
  const p = registry.get(name);
  if (!p) throw new Error(`unknown primitive "${name}"`);
  return p;
}

/** An error about a primitive's inputs: names the primitive and what was wrong. */
export function primError(prim: string, msg: string): Error {
  return new TypeError(`${prim}: ${msg}`);
}
