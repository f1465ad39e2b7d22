// Per-tensor checksums of checkpoints, kept in the safetensors __metadata__ (a string map, so
// Python's `safetensors` still reads the file and ignores them):
//   "xla_ts.checksums": {"algorithm":"crc32","tensors":{name: hex},"header":hex}
// `tensors` covers each tensor's bytes; `header` covers every tensor's name, dtype, shape and
// offsets and every other metadata entry, so a flipped bit anywhere in the file is caught
// (CRC-32 detects every 1-, 2- and 3-bit error and every burst up to 32 bits).
import zlib from "node:zlib";
import type { Header, TensorInfo } from "./safetensors.js";
import { TO_SAFETENSORS } from "./safetensors.js";

export const CHECKSUM_KEY = "xla_ts.checksums";
const ALGORITHM = "crc32";

// zlib.crc32 (Node >= 20.15) runs natively; the table version covers older Nodes.
const nativeCrc = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
let table: Uint32Array | undefined;
function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 (IEEE, as zlib) of `data`, continuing from `crc`. */
export function crc32(data: Uint8Array, crc = 0): number {
  if (nativeCrc) return nativeCrc(data, crc) >>> 0;
  const t = crcTable();
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const hex = (n: number) => n.toString(16).padStart(8, "0");

interface Layout {
  name: string;
  dtype: TensorInfo["dtype"];
  shape: readonly number[];
  begin: number;
  end: number;
}

/** CRC of the tensor table and of every metadata entry but the checksums themselves. */
function headerCrc(tensors: readonly Layout[], metadata: Readonly<Record<string, string>>): string {
  const rows = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((t) => [t.name, TO_SAFETENSORS[t.dtype], t.shape, t.begin, t.end]);
  const meta = Object.keys(metadata)
    .filter((k) => k !== CHECKSUM_KEY)
    .sort()
    .map((k) => [k, metadata[k]]);
  return hex(crc32(new TextEncoder().encode(JSON.stringify([rows, meta]))));
}

/** The checksums entry for tensors laid out as `layout` with the given bytes and metadata. */
export function checksumEntry(layout: readonly Layout[], bytes: readonly Uint8Array[], metadata: Readonly<Record<string, string>>): string {
  const tensors: Record<string, string> = {};
  layout.forEach((t, i) => (tensors[t.name] = hex(crc32(bytes[i]!))));
  return JSON.stringify({ algorithm: ALGORITHM, tensors, header: headerCrc(layout, metadata) });
}

/**
 * Checks a parsed file against its checksums. Returns undefined when they match or the file
 * has none (files written by Python or older xla-ts), else what is wrong, naming the tensor.
 */
export function verifyChecksums(h: Header, data: Uint8Array): string | undefined {
  const raw = h.metadata[CHECKSUM_KEY];
  if (raw === undefined) {
    // xla-ts writes checksums since format version 2: a version-2 file without them had the
    // entry's key damaged.
    const v = Number(h.metadata["xla_ts.version"]);
    return v >= 2 ? `the checksum entry ${CHECKSUM_KEY} is missing from a version-${v} xla-ts file: the header is corrupt` : undefined;
  }
  let entry: { algorithm?: unknown; tensors?: unknown; header?: unknown };
  try {
    entry = JSON.parse(raw) as typeof entry;
  } catch {
    return `the checksum entry ${CHECKSUM_KEY} is not valid JSON: the header is corrupt`;
  }
  if (entry.algorithm !== ALGORITHM || typeof entry.tensors !== "object" || entry.tensors === null)
    return `the checksum entry ${CHECKSUM_KEY} is malformed (algorithm ${JSON.stringify(entry.algorithm)}): the header is corrupt`;
  const sums = entry.tensors as Record<string, unknown>;
  if (entry.header !== headerCrc(h.tensors, h.metadata))
    return `the header (tensor names, dtypes, shapes, offsets or metadata) fails its checksum: the file is corrupt`;
  for (const t of h.tensors) {
    const want = sums[t.name];
    if (typeof want !== "string") return `tensor "${t.name}" has no checksum: the header is corrupt`;
    const got = hex(crc32(data.subarray(t.begin, t.end)));
    if (got !== want)
      return `tensor "${t.name}" (${TO_SAFETENSORS[t.dtype]}[${t.shape.join(", ")}]) fails its checksum (stored ${ALGORITHM} ${want}, computed ${got}): the file is corrupt`;
  }
  return undefined;
}
