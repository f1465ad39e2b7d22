// The `ref` backend: interprets the IR in TypeScript with each primitive's reference kernel.
import { Jaxpr, Literal, Var, type Atom } from "./ir.js";
import { fromNumbers, type HostArray } from "./host.js";

export function literalHost(l: Literal): HostArray {
  const v = typeof l.value === "boolean" ? (l.value ? 1 : 0) : Number(l.value);
  return fromNumbers([v], [], l.aval.dtype, l.aval.weakType);
}

/** Runs a program on host arrays (constvars first, then invars). */
export function evalJaxprRef(j: Jaxpr, consts: readonly HostArray[], args: readonly HostArray[]): HostArray[] {
  const env = new Map<Var, HostArray>();
  j.constvars.forEach((v, i) => env.set(v, consts[i]!));
  j.invars.forEach((v, i) => env.set(v, args[i]!));
  const read = (a: Atom): HostArray => (a instanceof Literal ? literalHost(a) : env.get(a)!);
  for (const e of j.eqns) {
    const outs = e.prim.ref(
      e.inputs.map(read),
      e.params,
      e.outputs.map((v) => v.aval),
    );
    e.outputs.forEach((v, i) => {
      const o = outs[i]!;
      // Kernels may compute with a differently flagged aval; the IR's aval is authoritative.
      env.set(v, o.aval === v.aval ? o : { aval: v.aval, data: o.data });
    });
  }
  return j.outvars.map(read);
}
