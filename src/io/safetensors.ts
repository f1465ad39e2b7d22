// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N,
// N bytes of JSON header {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?:
// {string: string}}, then the tensors' raw little-endian bytes; offsets are relative to the
// end of the header. Pure encoding / decoding here; files are handled in checkpoint.ts.
import * as E from "fp-ts/lib/Either.js";
import type { DType, TypedArray } from "../xla/dtype.js";
import { DTYPES } from "../xla/dtype.js";

export type SafetensorsDType = "F32" | "F64" | "F16" | "BF16" | "I8" | "I32" | "I64" | "U8" | "U32" | "BOOL";

export const TO_SAFETENSORS: Record<DType, SafetensorsDType> = {
  float32: "F32",
  float64: "F64",
  float16: "F16",
  bfloat16: "BF16",
  int8: "I8",
  int32: "I32",
  int64: "I64",
  uint8: "U8",
  uint32: "U32",
  bool: "BOOL",
};
const FROM_SAFETENSORS = Object.fromEntries(Object.entries(TO_SAFETENSORS).map(([k, v]) => [v, k as DType])) as Record<string, DType>;

export interface TensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Byte range in the data section. */
  readonly begin: number;
  readonly end: number;
}

export interface Header {
  readonly tensors: readonly TensorInfo[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Where the data section starts in the file (8 + header length). */
  readonly dataStart: number;
}

/** Refuses big-endian hosts: typed arrays are written as they sit in memory. */
export function checkLittleEndian(): void {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error("safetensors: this host is big-endian; only little-endian hosts are supported");
}

/**
 * The header bytes (length prefix included) for tensors laid out contiguously in the given
 * order. The JSON is padded with spaces to a multiple of 8 bytes, as the reference writer does,
 * so the data section starts aligned.
 */
export function encodeHeader(tensors: readonly { name: string; dtype: DType; shape: readonly number[] }[], metadata: Record<string, string>): { bytes: Uint8Array; layout: TensorInfo[] } {
  const obj: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) obj.__metadata__ = metadata;
  const layout: TensorInfo[] = [];
  let off = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1) * DTYPES[t.dtype].bytes;
    layout.push({ name: t.name, dtype: t.dtype, shape: [...t.shape], begin: off, end: off + n });
    obj[t.name] = { dtype: TO_SAFETENSORS[t.dtype], shape: [...t.shape], data_offsets: [off, off + n] };
    off += n;
  }
  const json = JSON.stringify(obj);
  let body = new TextEncoder().encode(json);
  const pad = (8 - (body.length % 8)) % 8;
  if (pad) body = new TextEncoder().encode(json + " ".repeat(pad));
  const bytes = new Uint8Array(8 + body.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(body.length), true);
  bytes.set(body, 8);
  return { bytes, layout };
}

/** The header length from the first 8 bytes, checked against the file size. */
export function headerLength(prefix: Uint8Array, fileSize: number): E.Either<string, number> {
  if (prefix.length < 8 || fileSize < 8) return E.left(`the file is ${fileSize} bytes long, too short for a safetensors header`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileSize - 8)) return E.left(`the header length ${n} runs past the end of the file (${fileSize} bytes): truncated or not a safetensors file`);
  if (n > 100_000_000n) return E.left(`the header length ${n} is over 100 MB: not a safetensors file`);
  return E.right(Number(n));
}

/** Parses and validates the JSON header (dtypes, shapes, offsets covering the data exactly). */
export function decodeHeader(json: Uint8Array, fileSize: number): E.Either<string, Header> {
  let obj: unknown;
  try {
    obj = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch (e) {
    return E.left(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return E.left("the header is not a JSON object");
  const dataStart = 8 + json.length;
  const dataSize = fileSize - dataStart;
  let metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  for (const [name, v] of Object.entries(obj as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof v !== "object" || v === null || Object.values(v).some((s) => typeof s !== "string"))
        return E.left("__metadata__ must map strings to strings");
      metadata = v as Record<string, string>;
      continue;
    }
    const t = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof t !== "object" || t === null) return E.left(`tensor "${name}": entry is not an object`);
    const dtype = typeof t.dtype === "string" ? FROM_SAFETENSORS[t.dtype] : undefined;
    if (dtype === undefined) return E.left(`tensor "${name}": dtype ${JSON.stringify(t.dtype)} is not supported (supported: ${Object.keys(FROM_SAFETENSORS).join(", ")})`);
    const shape = t.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) return E.left(`tensor "${name}": bad shape ${JSON.stringify(shape)}`);
    const offs = t.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || offs.some((d) => !Number.isInteger(d) || d < 0) || offs[0] > offs[1])
      return E.left(`tensor "${name}": bad data_offsets ${JSON.stringify(offs)}`);
    const want = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPES[dtype].bytes;
    if (offs[1] - offs[0] !== want) return E.left(`tensor "${name}": data_offsets ${JSON.stringify(offs)} hold ${offs[1] - offs[0]} bytes, but ${t.dtype}[${shape.join(", ")}] needs ${want}`);
    if (offs[1] > dataSize) return E.left(`tensor "${name}": data_offsets ${JSON.stringify(offs)} run past the end of the data (${dataSize} bytes): truncated file`);
    tensors.push({ name, dtype, shape: shape as number[], begin: offs[0], end: offs[1] });
  }
  // As the reference reader: the tensors tile the data section exactly, with no gap, overlap
  // or trailing bytes (junk appended to a file is an error, not ignored).
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const t of sorted) {
    if (t.begin !== at)
      return E.left(`tensor "${t.name}": data_offsets [${t.begin}, ${t.end}] ${t.begin < at ? "overlap the previous tensor" : `leave a gap of ${t.begin - at} bytes`}: corrupt header`);
    at = t.end;
  }
  if (at !== dataSize)
    return E.left(`the tensors hold ${at} bytes but the data section has ${dataSize}: ${dataSize - at} trailing bytes after the last tensor (appended junk or a corrupt header)`);
  return E.right({ tensors, metadata, dataStart });
}

/** A copy of the tensor's bytes as a typed array of its dtype (f16 / bf16 as raw Uint16 bits). */
export function tensorData(t: TensorInfo, data: Uint8Array): TypedArray {
  const C = DTYPES[t.dtype].array;
  const n = (t.end - t.begin) / DTYPES[t.dtype].bytes;
  const out = new C(n) as TypedArray;
  new Uint8Array(out.buffer).set(data.subarray(t.begin, t.end));
  return out;
}

/** The bytes of a typed array (a view, no copy). */
export function bytesOf(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
