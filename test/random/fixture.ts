// Runs the cases of test/fixtures/random.json (JAX's outputs, made by tools/fixtures_random.py)
// through xla-ts's random and compares: integers and bits exactly, floats exactly or within a
// tolerance where the computation goes through a transcendental function.
import { readFileSync } from "node:fs";
import { Array, ShapedArray, type Value } from "../../src/core/index.js";
import { toNumbers } from "../../src/core/host.js";
import type { DType } from "../../src/xla/dtype.js";
import { lax } from "../../src/lax/index.js";
import { random } from "../../src/random/index.js";

export interface FxArray {
  shape: number[];
  dtype: string;
  data: (number | string | boolean)[];
}
export interface FxCase {
  id: string;
  fn: string;
  seed: number;
  key: FxArray;
  args: Record<string, unknown>;
  out: FxArray | Record<string, FxArray>;
}
export interface Fixtures {
  meta: Record<string, unknown>;
  threefry2x32_kat: { key: number[]; x: number[]; out: number[] }[];
  cases: FxCase[];
  cases_partitionable_false: FxCase[];
  cases_x64: FxCase[];
}

const text = readFileSync(new URL("../fixtures/random.json", import.meta.url), "utf8");
export const fixtures: Fixtures = JSON.parse(text);

/** A case's output data as exact decimal strings (JSON numbers above 2^53 lose digits in JS). */
export function exactOutData(id: string, section: string): string[] {
  const start = text.indexOf(`"${section}":`);
  const at = text.indexOf(`"id":"${id}"`, start);
  const m = /"out":\{[^}]*?"data":\[([^\]]*)\]/.exec(text.slice(at));
  if (at < 0 || !m) throw new Error(`fixture case ${id} not found in ${section}`);
  return m[1]!.split(",").map((v) => v.trim());
}

const decode = (v: number | string | boolean) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v));

export function fxArray(a: FxArray): Array {
  const aval = new ShapedArray(a.shape, a.dtype as DType);
  const C = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint32: Uint32Array, uint8: Uint8Array, bool: Uint8Array } as const;
  const ctor = C[a.dtype as keyof typeof C];
  if (ctor === undefined) throw new Error(`fixture dtype ${a.dtype} not supported`);
  return new Array(aval, { host: ctor.from(a.data.map(decode)) });
}

const isFx = (x: unknown): x is FxArray => typeof x === "object" && x !== null && "data" in x && "shape" in x;
const arg = (a: Record<string, unknown>, k: string) => (isFx(a[k]) ? fxArray(a[k] as FxArray) : (a[k] as number | undefined));

/** Why a case cannot run here (dtypes xla-ts lacks), or undefined. */
export function unsupported(c: FxCase): string | undefined {
  const dts = [c.args.dtype, (c.out as FxArray).dtype].filter(Boolean);
  if (dts.some((d) => d === "uint16" || d === "uint64")) return "xla-ts has no uint16 / uint64 dtype";
  if (dts.includes("int64")) return "randint int64 needs uint64 arithmetic";
  return undefined;
}

/** The fixture key for a case: from its seed (checking seed handling), as a bigint seed in x64. */
export function caseKey(c: FxCase, x64: boolean): Value {
  return random.key(x64 ? BigInt(c.seed) : c.seed);
}

const row = (keys: Value, i: number) => lax.reshape(lax.slice(keys, [i, 0], [i + 1, 2]), [2]);

/** Runs one case with key `k`; returns one array or named arrays (chains). */
export function runCase(c: FxCase, k: Value): Value | Record<string, Value> {
  const a = c.args;
  const shape = (a.shape as number[] | undefined) ?? [];
  const dtype = a.dtype as DType | undefined;
  switch (c.fn) {
    case "key":
    case "PRNGKey":
      return random.keyData(k);
    case "split":
      return random.split(k, a.num as number | number[]);
    case "fold_in":
      return random.foldIn(k, a.data as number);
    case "bits":
      return random.bits(k, shape, dtype);
    case "uniform":
      return random.uniform(k, shape, dtype, arg(a, "minval") ?? 0, arg(a, "maxval") ?? 1);
    case "normal":
      return random.normal(k, shape, dtype);
    case "randint":
      return random.randint(k, shape, arg(a, "minval")!, arg(a, "maxval")!, dtype);
    case "bernoulli":
      return random.bernoulli(k, arg(a, "p"), a.shape as number[] | undefined);
    case "gumbel":
      return random.gumbel(k, shape);
    case "exponential":
      return random.exponential(k, shape);
    case "truncated_normal":
      return random.truncatedNormal(k, arg(a, "lower")!, arg(a, "upper")!, a.shape as number[] | undefined);
    case "categorical":
      return random.categorical(k, arg(a, "logits") as Value, (a.axis as number | undefined) ?? -1, a.shape as number[] | undefined);
    case "choice":
      return random.choice(k, arg(a, "a")!, shape, (a.replace as boolean | undefined) ?? true, arg(a, "p") as Value | undefined);
    case "permutation":
      return random.permutation(k, arg(a, "x")!, (a.axis as number | undefined) ?? 0, (a.independent as boolean | undefined) ?? false);
    case "chain_split_uniform": {
      const ks = random.split(k);
      return { children: ks, u1: random.uniform(row(ks, 0), shape), u2: random.uniform(row(ks, 1), shape) };
    }
    case "chain_deep": {
      const ks = random.split(k);
      const k1c = random.split(row(ks, 0));
      const kf = random.foldIn(row(ks, 1), 7);
      const kfa = row(random.split(kf), 0);
      return { k1_children: k1c, normal_ka: random.normal(row(k1c, 0), [4]), fold_k2_7: kf, uniform_kfa: random.uniform(kfa, [2, 2]) };
    }
  }
  throw new Error(`unknown fixture fn ${c.fn}`);
}

/** Functions whose float outputs go through log / log1p / erf_inv: equal to JAX within float rounding. */
const APPROX = new Set(["normal", "gumbel", "exponential", "truncated_normal", "chain_deep"]);

/** Relative-and-absolute tolerance for a case's floats (0: bit-exact). */
export function tolerance(c: FxCase, dtype: string): number {
  if (!dtype.startsWith("float")) return 0;
  if (APPROX.has(c.fn)) return dtype === "float64" ? 1e-12 : 1e-6;
  return 0;
}

export interface Mismatch {
  name: string;
  detail: string;
}

/** Compares an output against the fixture; returns the mismatches (empty when equal). */
export function compare(c: FxCase, got: Value | Record<string, Value>, tol: (c: FxCase, dtype: string) => number = tolerance): Mismatch[] {
  const want = c.out;
  const pairs: [string, Value, FxArray][] = isFx(want)
    ? [["out", got as Value, want]]
    : Object.entries(want).map(([n, w]) => [n, (got as Record<string, Value>)[n]!, w]);
  const bad: Mismatch[] = [];
  for (const [name, g, w] of pairs) {
    if (!(g instanceof Array)) {
      bad.push({ name, detail: `not a concrete array` });
      continue;
    }
    if (g.dtype !== w.dtype || g.shape.join() !== w.shape.join()) {
      bad.push({ name, detail: `got ${g.aval}, want ${w.dtype}[${w.shape}]` });
      continue;
    }
    const gv = toNumbers({ aval: g.aval, data: g.dataSync() });
    const t = tol(c, w.dtype);
    for (let i = 0; i < gv.length; i++) {
      const wv = decode(w.data[i]!);
      const gi = gv[i]!;
      const ok = Object.is(gi, wv) || gi === wv || (t > 0 && Math.abs(gi - wv) <= t * Math.max(1, Math.abs(wv)));
      if (!ok) {
        bad.push({ name, detail: `[${i}] got ${gi}, want ${wv} (diff ${gi - wv})` });
        break;
      }
    }
  }
  return bad;
}
