// Checkpoints: any pytree of arrays to a .safetensors file and back.
//
// Tensors are named by their flattened paths (`params.actor.0.kernel`); the header's
// __metadata__ holds the tree structure (structure.ts), the treedef's printed form, each
// tensor's xla-ts dtype, and the user's metadata as JSON. Python's `safetensors` reads these
// files, and files it writes load here (as nested records, or into a `like` tree).
//
// Writes are atomic: the file is written under a temporary name in the same directory,
// fsynced, renamed over the target, and the directory fsynced, so a crash or an error midway
// leaves either the old checkpoint or the new one, never a half-written file.
import { promises as fs } from "node:fs";
import * as E from "fp-ts/lib/Either.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { pipe } from "fp-ts/lib/function.js";
import { ShapedArray } from "../core/aval.js";
import { Array as ConcreteArray, Tracer, Value } from "../core/values.js";
import { flattenWithPath, keyPathString } from "../pytree/index.js";
import type { DType } from "../xla/dtype.js";
import { DTYPES } from "../xla/dtype.js";
import { bytesOf, checkLittleEndian, decodeHeader, encodeHeader, headerLength, tensorData, type Header, type TensorInfo } from "./safetensors.js";
import { writeAtomic } from "./atomic.js";
import { CHECKSUM_KEY, checksumEntry, verifyChecksums } from "./checksum.js";
export { _testHooks } from "./atomic.js";
import { decNum, describe, diff, rebuild, tensorName, type Node } from "./structure.js";

const FORMAT = "xla-ts";
// 2: with checksums (checksum.ts); files of version 1 (no checksums) still load.
const VERSION = "2";
const K = { structure: "xla_ts.structure", treedef: "xla_ts.treedef", dtypes: "xla_ts.dtypes", metadata: "xla_ts.metadata", version: "xla_ts.version" } as const;

export interface SaveOptions {
  /** User metadata (a JSON-serializable record: config, step, scores), returned by `readCheckpointInfo`. */
  metadata?: Record<string, unknown>;
}

/** What a checkpoint holds, read from its header only. */
export interface CheckpointInfo {
  tensors: { name: string; dtype: DType; shape: number[] }[];
  /** The user metadata given to `saveCheckpoint` ({} when none, or for files from elsewhere). */
  metadata: Record<string, unknown>;
  /** The saved tree's structure in printed form (undefined for files not written by xla-ts). */
  treedef: string | undefined;
  /** The raw __metadata__ string map. */
  raw: Record<string, string>;
}

const describeLeaf = (x: unknown): string =>
  x === null ? "null" : typeof x !== "object" ? typeof x : ((x as object).constructor?.name ?? "object");

/** Saves `tree` (arrays, JS numbers, records, lists, registered classes) to `path`, atomically. */
export async function saveCheckpoint(path: string, tree: unknown, opts: SaveOptions = {}): Promise<void> {
  const where = `saveCheckpoint(${path})`;
  checkLittleEndian();
  const [withPaths, td] = flattenWithPath(tree);
  const leaves = withPaths.map(([, l]) => l);
  const tensors: { name: string; dtype: DType; shape: readonly number[]; leaf: ConcreteArray }[] = [];
  const seen = new Map<string, string>();
  for (const [p, leaf] of withPaths) {
    const pathStr = keyPathString(p);
    if (typeof leaf === "number") continue;
    if (leaf instanceof Tracer)
      throw new TypeError(`${where}: leaf "${pathStr}" is a traced value (${leaf.aval}); save concrete arrays, outside jit / grad / vmap`);
    if (!(leaf instanceof ConcreteArray))
      throw new TypeError(`${where}: leaf "${pathStr}" is ${describeLeaf(leaf)}; checkpoints hold arrays and JS numbers (convert with np.array)`);
    const name = tensorName(p);
    if (name === "__metadata__") throw new TypeError(`${where}: the leaf path "__metadata__" is reserved by the safetensors format`);
    const prev = seen.get(name);
    if (prev !== undefined)
      throw new TypeError(`${where}: two leaves have the tensor name "${name}" (paths ${JSON.stringify(prev)} and ${JSON.stringify(p)}); rename a key that contains "."`);
    seen.set(name, JSON.stringify(p));
    tensors.push({ name, dtype: leaf.dtype, shape: leaf.shape, leaf });
  }
  let userJson: string | undefined;
  if (opts.metadata !== undefined) {
    if (typeof opts.metadata !== "object" || opts.metadata === null || Array.isArray(opts.metadata))
      throw new TypeError(`${where}: metadata must be a record of JSON-serializable values`);
    try {
      userJson = JSON.stringify(opts.metadata);
    } catch (e) {
      throw new TypeError(`${where}: metadata is not JSON-serializable (${(e as Error).message})`);
    }
  }
  const meta: Record<string, string> = {
    format: FORMAT,
    [K.version]: VERSION,
    [K.structure]: JSON.stringify(describe(td, leaves)),
    [K.treedef]: td.toString(),
    [K.dtypes]: JSON.stringify(Object.fromEntries(tensors.map((t) => [t.name, t.dtype]))),
  };
  if (userJson !== undefined) meta[K.metadata] = userJson;
  await writeAtomic(where, path, async (write) => {
    // The checksums go into the header, so every tensor's bytes are read first.
    const datas: Uint8Array[] = [];
    for (const t of tensors) {
      const data = await t.leaf.data();
      const want = t.leaf.size * DTYPES[t.dtype].bytes;
      if (data.byteLength !== want) throw new Error(`leaf "${t.name}": its data holds ${data.byteLength} bytes, expected ${want}`);
      datas.push(bytesOf(data));
    }
    const { layout } = encodeHeader(tensors, meta);
    meta[CHECKSUM_KEY] = checksumEntry(layout, datas, meta);
    await write(encodeHeader(tensors, meta).bytes);
    for (const d of datas) await write(d);
  });
}

/** Test hook: called after each chunk written to the temporary file (to simulate a crash). */

// ---- loading ------------------------------------------------------------------------------

function readAll(path: string): TE.TaskEither<string, Uint8Array> {
  return TE.tryCatch(
    () => fs.readFile(path),
    (e) => `cannot read the file (${(e as Error).message})`,
  );
}

/** Parses the header and verifies every checksum the file carries. */
function parse(buf: Uint8Array): E.Either<string, Header> {
  return pipe(
    headerLength(buf.subarray(0, 8), buf.length),
    E.chain((n) => decodeHeader(buf.subarray(8, 8 + n), buf.length)),
    E.chain((h) => {
      const bad = verifyChecksums(h, buf.subarray(h.dataStart));
      return bad === undefined ? E.right(h) : E.left(bad);
    }),
  );
}

function readHeaderOnly(path: string): TE.TaskEither<string, Header> {
  return TE.tryCatch(
    async () => {
      const fh = await fs.open(path, "r");
      try {
        const size = (await fh.stat()).size;
        const prefix = new Uint8Array(8);
        await fh.read(prefix, 0, 8, 0);
        const n = headerLength(prefix, size);
        if (E.isLeft(n)) throw new HeaderError(n.left);
        const json = new Uint8Array(n.right);
        await fh.read(json, 0, n.right, 8);
        const h = decodeHeader(json, size);
        if (E.isLeft(h)) throw new HeaderError(h.left);
        return h.right;
      } finally {
        await fh.close();
      }
    },
    (e) => (e instanceof HeaderError ? e.message : `cannot read the file (${(e as Error).message})`),
  );
}
class HeaderError extends Error {}

async function run<A>(where: string, te: TE.TaskEither<string, A>): Promise<A> {
  const r = await te();
  if (E.isLeft(r)) throw new Error(`${where}: ${r.left}`);
  return r.right;
}

function parseJson<A>(what: string, s: string | undefined): E.Either<string, A | undefined> {
  if (s === undefined) return E.right(undefined);
  return E.tryCatch(
    () => JSON.parse(s) as A,
    (e) => `the metadata entry ${what} is not valid JSON (${(e as Error).message})`,
  );
}

/** The header of a checkpoint: tensors, user metadata, structure (no tensor data is read). */
export async function readCheckpointInfo(path: string): Promise<CheckpointInfo> {
  return run(
    `readCheckpointInfo(${path})`,
    pipe(
      readHeaderOnly(path),
      TE.chainEitherK((h) =>
        pipe(
          parseJson<Record<string, unknown>>(K.metadata, h.metadata[K.metadata]),
          E.map((user) => ({
            tensors: h.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: [...t.shape] })),
            metadata: user ?? {},
            treedef: h.metadata[K.treedef],
            raw: { ...h.metadata },
          })),
        ),
      ),
    ),
  );
}

/**
 * Loads a checkpoint. With `like` (a tree of the expected structure: arrays or ShapedArrays
 * as leaves, e.g. freshly initialized parameters), the result has like's structure (its
 * registered classes included), and every leaf's path, shape and dtype must match: an error
 * names the first leaf that differs. Without `like`, the saved structure is rebuilt (records,
 * lists, null, static values, numbers); files from elsewhere load as nested records split
 * at "." in the tensor names (records keyed 0..n-1 become lists).
 */
export async function loadCheckpoint<T = unknown>(path: string, like?: T): Promise<T> {
  return run(
    `loadCheckpoint(${path})`,
    pipe(
      readAll(path),
      TE.chainEitherK((buf) =>
        pipe(
          parse(buf),
          E.chain((h) => build(h, buf.subarray(h.dataStart), like)),
        ),
      ),
    ),
  ) as Promise<T>;
}

/**
 * Why the checkpoint at `path` cannot be loaded (unreadable, malformed, trailing bytes, a
 * failed checksum: the message names the tensor), or undefined when it is intact. Reads the
 * whole file.
 */
export async function checkCheckpoint(path: string): Promise<string | undefined> {
  const r = await pipe(readAll(path), TE.chainEitherK(parse))();
  return E.isLeft(r) ? r.left : undefined;
}

/**
 * The newest intact checkpoint among `candidates` (ordered oldest first), with the newer ones
 * that were skipped and why. A candidate that vanished meanwhile (pruned by a running
 * training) is passed over without a reason: a newer one exists.
 */
export async function newestIntactCheckpoint<T extends { path: string }>(
  candidates: readonly T[],
): Promise<{ found: T | undefined; skipped: { path: string; reason: string }[] }> {
  const skipped: { path: string; reason: string }[] = [];
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i]!;
    const exists = await fs.stat(c.path).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    const bad = await checkCheckpoint(c.path);
    if (bad === undefined) return { found: c, skipped };
    skipped.push({ path: c.path, reason: bad });
  }
  return { found: undefined, skipped };
}

function build(h: Header, data: Uint8Array, like: unknown): E.Either<string, unknown> {
  const byName = new Map<string, TensorInfo>(h.tensors.map((t) => [t.name, t]));
  const array = (t: TensorInfo) => new ConcreteArray(new ShapedArray(t.shape, t.dtype), { host: tensorData(t, data) });
  return pipe(
    parseJson<Node>(K.structure, h.metadata[K.structure]),
    E.chain((structure) => {
      if (like !== undefined) return intoLike(byName, array, structure, like);
      if (structure === undefined) return E.tryCatch(() => nestByName(h.tensors, array), (e) => (e as Error).message);
      return rebuild(structure, (name) => {
        const t = byName.get(name);
        if (t === undefined) throw new Error(`the structure refers to tensor "${name}", which the file lacks`);
        return array(t);
      });
    }),
  );
}

const avalOf = (x: unknown): ShapedArray | undefined => (x instanceof Value ? x.aval : x instanceof ShapedArray ? x : undefined);
const fmt = (dtype: DType, shape: readonly number[]) => `${dtype}[${shape.join(", ")}]`;

function intoLike(byName: Map<string, TensorInfo>, array: (t: TensorInfo) => ConcreteArray, structure: Node | undefined, like: unknown): E.Either<string, unknown> {
  const [withPaths, td] = flattenWithPath(like);
  const likeLeaves = withPaths.map(([, l]) => l);
  // Number leaves take the file's values; they sit at the same positions once the structures agree.
  let fileNumbers: (number | undefined)[] = [];
  if (structure !== undefined) {
    const d = diff(structure, describe(td, likeLeaves));
    if (d !== undefined) return E.left(`the file's tree structure differs from \`like\` ${d}`);
    fileNumbers = numberLeaves(structure);
  }
  const used = new Set<string>();
  const out: unknown[] = [];
  for (const [i, [p, leaf]] of withPaths.entries()) {
    const name = tensorName(p);
    if (typeof leaf === "number") {
      out.push(fileNumbers[i] ?? leaf);
      continue;
    }
    const aval = avalOf(leaf);
    if (aval === undefined) return E.left(`leaf "${name}" of \`like\` is ${describeLeaf(leaf)}; \`like\` leaves must be arrays, ShapedArrays or numbers`);
    const t = byName.get(name);
    if (t === undefined) return E.left(`leaf "${name}" (${fmt(aval.dtype, aval.shape)} in \`like\`) is not in the file (it has ${[...byName.keys()].slice(0, 8).map((n) => `"${n}"`).join(", ")}${byName.size > 8 ? ", …" : ""})`);
    if (t.dtype !== aval.dtype || t.shape.length !== aval.shape.length || t.shape.some((d, k) => d !== aval.shape[k]))
      return E.left(`leaf "${name}" differs: the file has ${fmt(t.dtype, t.shape)}, \`like\` has ${fmt(aval.dtype, aval.shape)}`);
    used.add(name);
    out.push(array(t));
  }
  const extra = [...byName.keys()].filter((n) => !used.has(n));
  if (extra.length > 0) return E.left(`the file has tensor${extra.length > 1 ? "s" : ""} ${extra.slice(0, 8).map((n) => `"${n}"`).join(", ")} that \`like\` lacks`);
  return E.right(td.unflatten(out));
}

/** The leaves of a description in order: the number for number leaves, undefined for tensors. */
function numberLeaves(n: Node, out: (number | undefined)[] = []): (number | undefined)[] {
  if (n.t === "tensor") out.push(undefined);
  else if (n.t === "num") out.push(decNum(n.v));
  else if ("c" in n) for (const c of n.c) numberLeaves(c, out);
  return out;
}

/** Nested records from dotted names (files written elsewhere); records keyed 0..n-1 become lists. */
function nestByName(tensors: readonly TensorInfo[], array: (t: TensorInfo) => ConcreteArray): unknown {
  const root: Record<string, unknown> = Object.create(null);
  for (const t of tensors) {
    const parts = t.name.split(".");
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        if (part in node) throw new Error(`tensor "${t.name}" is both a leaf and a prefix of other names`);
        node[part] = array(t);
      } else {
        const next = node[part];
        if (next instanceof Value) throw new Error(`tensor "${t.name}" is both a leaf and a prefix of other names`);
        node = (next as Record<string, unknown>) ?? (node[part] = Object.create(null));
      }
    });
  }
  // Integer-like keys enumerate first and in ascending order, so 0..n-1 is checked in place.
  const finish = (x: unknown): unknown => {
    if (x instanceof Value) return x;
    const rec = x as Record<string, unknown>;
    const keys = Object.keys(rec);
    if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => finish(rec[k]));
    return Object.fromEntries(keys.map((k) => [k, finish(rec[k])]));
  };
  return finish(root);
}
