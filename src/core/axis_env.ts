// The named device axes bound while pmap traces its function, and the hook through which
// collective primitives (defined in lax) run under the `ref` backend's device emulation.
import type { ShapedArray } from "./aval.js";
import type { HostArray } from "./host.js";
import type { AnyPrimitive } from "./primitive.js";

const axes: { name: string; size: number }[] = [];

/** Runs `f` with `name` bound to a device axis of `size`. */
export function withAxis<T>(name: string, size: number, f: () => T): T {
  axes.push({ name, size });
  try {
    return f();
  } finally {
    axes.pop();
  }
}

/** The size of the named axis; a clear error naming `op` when no enclosing pmap binds it. */
export function axisSizeOf(op: string, name: string): number {
  if (typeof name !== "string") throw new TypeError(`${op}: axisName must be a string, got ${typeof name}`);
  for (let i = axes.length - 1; i >= 0; i--) if (axes[i]!.name === name) return axes[i]!.size;
  const bound = axes.map((a) => `"${a.name}"`).join(", ");
  throw new Error(`${op}: unbound axis name "${name}": collectives run inside pmap(f, { axisName: "${name}" })${bound ? ` (bound here: ${bound})` : ""}`);
}

/** Runs one collective equation for every emulated device at once (`inputs[d]`: device d's). */
export type CollectiveEmulator = (prim: AnyPrimitive, inputs: readonly (readonly HostArray[])[], params: object, outAvals: readonly ShapedArray[]) => HostArray[][];

const emulators = new Map<AnyPrimitive, CollectiveEmulator>();

export function registerCollective(prim: AnyPrimitive, emulate: CollectiveEmulator): void {
  emulators.set(prim, emulate);
}

export function collectiveEmulator(prim: AnyPrimitive): CollectiveEmulator | undefined {
  return emulators.get(prim);
}
