// The primitive registry. A primitive is one self-contained definition: abstract evaluation
// (shapes, dtypes and the errors for bad input), StableHLO lowering and the `ref` kernel.
// The autodiff and batching rules arrive with the transformations (issue 4).
import type { ShapedArray } from "./aval.js";
import type { LowerCtx } from "./lowering.js";
import type { HostArray } from "./host.js";

export interface Primitive<P extends object = any> {
  readonly name: string;
  /** Output avals for these inputs; throws a clear error (naming the primitive) for bad input. */
  abstractEval(inAvals: ShapedArray[], params: P): ShapedArray[];
  /** Emits StableHLO for one equation; returns the SSA names of its results. */
  lower(ctx: LowerCtx, inputs: string[], inAvals: ShapedArray[], outAvals: ShapedArray[], params: P): string[];
  /** The reference kernel over host typed arrays (the `ref` backend and the conformance oracle). */
  ref(inputs: HostArray[], params: P, outAvals: ShapedArray[]): HostArray[];
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
