// The primitive registry. A primitive is one definition: abstract evaluation (shapes, dtypes
// and the errors for bad input), StableHLO lowering and the `ref` kernel, in its family file
// (src/lax/<family>.ts); its VJP and batching rules are attached with `defineRules` in the
// family's rules file (src/lax/<family>_rules.ts), which the family's index imports. That every
// primitive has both rules (or a `notDifferentiable` reason) is asserted over the whole
// registry by test/lax/transforms.test.ts; `bind` checks params against the primitive's type.
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

export interface Primitive<P extends object = any> {
  readonly name: string;
  /** Output avals for these inputs; throws a clear error (naming the primitive) for bad input. */
  abstractEval(inAvals: ShapedArray[], params: P): ShapedArray[];
  /** Emits StableHLO for one equation; returns the SSA names of its results. */
  lower(ctx: LowerCtx, inputs: string[], inAvals: ShapedArray[], outAvals: ShapedArray[], params: P): string[];
  /** The reference kernel over host typed arrays (the `ref` backend and the conformance oracle). */
  ref(inputs: HostArray[], params: P, outAvals: ShapedArray[]): HostArray[];
  /** Reverse-mode rule; every primitive has one or says why not (`notDifferentiable`). */
  vjp?: VjpRule<P>;
  /** Why a primitive has no VJP rule on purpose (grad / jvp through it is an error that says so). */
  readonly notDifferentiable?: string;
  /** vmap rule (absent: a clear error under vmap). */
  batch?: BatchRule<P>;
}

/** Attaches transformation rules to a primitive defined elsewhere in its family file. */
export function defineRules<P extends object>(p: Primitive<P>, rules: { vjp?: VjpRule<P>; batch?: BatchRule<P> }): void {
  const m = p as { vjp?: VjpRule<P>; batch?: BatchRule<P> };
  if (rules.vjp) m.vjp = rules.vjp;
  if (rules.batch) m.batch = rules.batch;
}

const registry = new Map<string, Primitive>();

export function definePrimitive<P extends object>(p: Primitive<P>): Primitive<P> {
  if (registry.has(p.name)) throw new Error(`primitive "${p.name}" is defined twice`);
  registry.set(p.name, p as Primitive);
  return p;
}

export function primitives(): Primitive[] {
  return [...registry.values()];
}

export function getPrimitive(name: string): Primitive {
  const p = registry.get(name);
  if (!p) throw new Error(`unknown primitive "${name}"`);
  return p;
}

/** An error about a primitive's inputs: names the primitive and what was wrong. */
export function primError(prim: string, msg: string): Error {
  return new TypeError(`${prim}: ${msg}`);
}
