// Dtype promotion as jax.numpy does it: a lattice with weak types for JS numbers.
//
// JAX's lattice (jax._src.dtypes): b1 < i* < {u8, i8}; u8 < {u16, i16}; u16 < {u32, i32};
// u32 < {u64, i64}; i8 < i16 < i32 < i64; {u64, i64} < f* < {bf16, f16} < f32 < f64.
// `i*` / `f*` are the weak int / float types of JS numbers: they adopt the other side's
// dtype (f32 array + 2 -> f32, u8 array + 1 -> u8, i32 array + 0.5 -> weak f32).
// JAX's default here is x64 off: a 64-bit join that no 64-bit input asked for (u32 + i32
// -> i64) becomes 32-bit, as jnp does. float64 / int64 inputs given on request keep 64 bits.
// This library has no i16 / u16 / u64: a join landing on i16 (u8 + i8) widens to int32.
import { isFloatDtype, isIntDtype, isUnsignedDtype } from "../core/aval.js";
import { Value } from "../core/values.js";
import { DTYPES, isDType, type DType } from "../xla/dtype.js";

export { isFloatDtype, isIntDtype, isUnsignedDtype, isDType, type DType };

type Node = "b1" | "i*" | "f*" | "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "bf16" | "f16" | "f32" | "f64";

const EDGES: Record<Node, Node[]> = {
  b1: ["i*"],
  "i*": ["u8", "i8"],
  u8: ["u16", "i16"],
  u16: ["u32", "i32"],
  u32: ["u64", "i64"],
  u64: ["f*"],
  i8: ["i16"],
  i16: ["i32"],
  i32: ["i64"],
  i64: ["f*"],
  "f*": ["bf16", "f16"],
  bf16: ["f32"],
  f16: ["f32"],
  f32: ["f64"],
  f64: [],
};

// Upper sets (each node with everything above it), computed once.
const UPPER = new Map<Node, Set<Node>>();
for (const n of Object.keys(EDGES) as Node[]) {
  const seen = new Set<Node>();
  const stack: Node[] = [n];
  while (stack.length) {
    const m = stack.pop()!;
    if (seen.has(m)) continue;
    seen.add(m);
    stack.push(...EDGES[m]);
  }
  UPPER.set(n, seen);
}

const NODE_OF: Record<DType, Node> = {
  bool: "b1",
  uint8: "u8",
  uint32: "u32",
  int8: "i8",
  int32: "i32",
  int64: "i64",
  bfloat16: "bf16",
  float16: "f16",
  float32: "f32",
  float64: "f64",
};

const DTYPE_OF: Record<Node, DType> = {
  b1: "bool",
  "i*": "int32",
  "f*": "float32",
  u8: "uint8",
  u16: "int32", // not present here; only reachable as a join with absent types
  u32: "uint32",
  u64: "uint32",
  i8: "int8",
  i16: "int32", // no int16: widen
  i32: "int32",
  i64: "int64",
  bf16: "bfloat16",
  f16: "float16",
  f32: "float32",
  f64: "float64",
};

function nodeOf(dtype: DType, weak: boolean): Node {
  if (weak && dtype !== "bool") return isFloatDtype(dtype) ? "f*" : "i*";
  return NODE_OF[dtype];
}

function join(nodes: Node[]): Node {
  let common: Set<Node> | undefined;
  for (const n of nodes) {
    const up = UPPER.get(n)!;
    common = common ? new Set([...common].filter((m) => up.has(m))) : new Set(up);
  }
  // The least upper bound is the element of the common upper set whose own upper set is it.
  for (const m of common!) if (UPPER.get(m)!.size === common!.size) return m;
  throw new Error(`no least upper bound for ${nodes.join(", ")}`); // the lattice guarantees one
}

/** A dtype with its weak flag: what promotion reasons about. */
export interface DTypeW {
  dtype: DType;
  weak: boolean;
}

export function dtypeOfInput(x: unknown): DTypeW {
  if (x instanceof Value) return { dtype: x.dtype, weak: x.weakType };
  if (typeof x === "number") {
    // Integral numbers are weak ints (beyond int32: weak int64, so uint32 masks like 0xffffffff
    // stay exact against a uint32 array); the rest weak floats.
    if (!Number.isInteger(x) || Math.abs(x) >= 2 ** 63) return { dtype: "float32", weak: true };
    return { dtype: Math.abs(x) < 2 ** 31 ? "int32" : "int64", weak: true };
  }
  if (typeof x === "boolean") return { dtype: "bool", weak: false };
  if (typeof x === "bigint") return { dtype: "int64", weak: true };
  if (isDType(x)) return { dtype: x, weak: false };
  if (x && typeof x === "object" && "dtype" in x) {
    const o = x as { dtype: DType; weak?: boolean; weakType?: boolean };
    return { dtype: o.dtype, weak: o.weak ?? o.weakType ?? false };
  }
  throw new TypeError(`resultType: cannot take a dtype from ${String(x)}`);
}

/** JAX's result dtype and weak flag for combining these inputs (jnp.result_type). */
export function resultTypeW(...xs: readonly unknown[]): DTypeW {
  if (xs.length === 0) throw new TypeError("resultType: needs at least one input");
  const ins = xs.map(dtypeOfInput);
  if (ins.length === 1) return ins[0]!;
  const first = ins[0]!.dtype;
  if (ins.every((d) => d.dtype === first) && !ins.every((d) => d.weak)) return { dtype: first, weak: false };
  let node: Node;
  let weak: boolean;
  if (ins.every((d) => d.weak)) {
    // All weak: join the strong counterparts and stay weak (JAX does the same).
    node = join(ins.map((d) => NODE_OF[d.dtype]));
    weak = true;
  } else {
    node = join(ins.map((d) => nodeOf(d.dtype, d.weak)));
    weak = node === "i*" || node === "f*";
  }
  let dtype = DTYPE_OF[node];
  // x64 off: 64 bits only where an input already has them.
  if (dtype === "int64" && !ins.some((d) => d.dtype === "int64")) dtype = "int32";
  if (dtype === "float64" && !ins.some((d) => d.dtype === "float64")) dtype = "float32";
  return { dtype, weak: weak && dtype !== "bool" };
}

/** jnp.result_type: the dtype these inputs combine to. */
export function resultType(...xs: readonly unknown[]): DType {
  return resultTypeW(...xs).dtype;
}

/** jnp.promote_types for two dtypes (strong; no weak types involved). */
export function promoteTypes(a: DType, b: DType): DType {
  return resultType(a, b);
}

/** The floating dtype an integer / bool computation moves to (true divide, sqrt, mean...). */
export function toInexact(d: DTypeW): DTypeW {
  if (isFloatDtype(d.dtype)) return d;
  return { dtype: d.dtype === "int64" ? "float64" : "float32", weak: d.weak };
}

export function isInexact(d: DType): boolean {
  return isFloatDtype(d);
}

export function isSignedInt(d: DType): boolean {
  return isIntDtype(d) && !isUnsignedDtype(d);
}

/** Checks and returns a dtype name given by a user (clear error for a typo). */
export function checkDType(fn: string, d: unknown): DType {
  if (!isDType(d)) throw new TypeError(`${fn}: unknown dtype ${JSON.stringify(d)}; expected one of ${Object.keys(DTYPES).join(", ")}`);
  return d;
}

/** Finite extremes of a dtype (for reductions' identities and clamping). */
export function dtypeInfo(d: DType): { min: number; max: number } {
  switch (d) {
    case "bool":
      return { min: 0, max: 1 };
    case "int8":
      return { min: -128, max: 127 };
    case "uint8":
      return { min: 0, max: 255 };
    case "int32":
      return { min: -(2 ** 31), max: 2 ** 31 - 1 };
    case "uint32":
      return { min: 0, max: 2 ** 32 - 1 };
    case "int64":
      return { min: -(2 ** 63), max: 2 ** 63 - 1 };
    case "float16":
      return { min: -65504, max: 65504 };
    case "bfloat16":
      return { min: -3.3895313892515355e38, max: 3.3895313892515355e38 };
    case "float32":
      return { min: -3.4028234663852886e38, max: 3.4028234663852886e38 };
    case "float64":
      return { min: -Number.MAX_VALUE, max: Number.MAX_VALUE };
  }
}
