// TFRecord framing (what TensorBoard event files are made of) and the small part of protobuf
// wire encoding that the Event / Summary messages need, written by hand so that writing
// scalars for `tensorboard --logdir` needs no TensorFlow.
//
// A record is: uint64 length (little-endian), uint32 masked CRC32C of those 8 bytes, the data,
// uint32 masked CRC32C of the data. Readers stop at a truncated trailing record, so appending
// whole records is crash-safe.

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli), as TFRecord uses. crc32c("123456789") = 0xe3069283. */
export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotate right by 15 bits and add a constant (so CRCs of CRCs differ). */
export function maskedCrc32c(data: Uint8Array): number {
  const c = crc32c(data);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

/** One framed record. */
export function tfrecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** The records of a TFRecord buffer; a truncated or corrupt trailing record ends the list (and is reported). */
export function readTfrecords(buf: Uint8Array): { records: Uint8Array[]; trailing: number } {
  const records: Uint8Array[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off + 12 <= buf.length) {
    const n = Number(dv.getBigUint64(off, true));
    if (dv.getUint32(off + 8, true) !== maskedCrc32c(buf.subarray(off, off + 8))) break;
    if (off + 16 + n > buf.length) break;
    const data = buf.subarray(off + 12, off + 12 + n);
    if (dv.getUint32(off + 12 + n, true) !== maskedCrc32c(data)) break;
    records.push(data);
    off += 16 + n;
  }
  return { records, trailing: buf.length - off };
}

// ---- protobuf wire format ---------------------------------------------------------------

const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

/** A growable protobuf message writer. */
export class ProtoWriter {
  #parts: number[] = [];

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }
  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      this.#parts.push(x > 0n ? b | 0x80 : b);
    } while (x > 0n);
  }
  int64(field: number, v: number | bigint): this {
    this.tag(field, WIRE.varint);
    this.varint(v);
    return this;
  }
  double(field: number, v: number): this {
    this.tag(field, WIRE.fixed64);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.#parts.push(...b);
    return this;
  }
  float(field: number, v: number): this {
    this.tag(field, WIRE.fixed32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.#parts.push(...b);
    return this;
  }
  bytes(field: number, v: Uint8Array): this {
    this.tag(field, WIRE.bytes);
    this.varint(v.length);
    for (const x of v) this.#parts.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.#parts);
  }
}

export type ProtoField = { field: number; wire: number; value: bigint | Uint8Array | DataView };

/** Decodes one message level into its fields (varints as bigint, fixed as DataView, bytes as Uint8Array). */
export function decodeProto(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let off = 0;
  const varint = (): bigint => {
    let x = 0n;
    let shift = 0n;
    for (;;) {
      if (off >= buf.length) throw new Error("protobuf: truncated varint");
      const b = buf[off++]!;
      x |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return x;
      shift += 7n;
    }
  };
  while (off < buf.length) {
    const key = Number(varint());
    const [field, wire] = [key >>> 3, key & 7];
    if (wire === WIRE.varint) out.push({ field, wire, value: varint() });
    else if (wire === WIRE.fixed64 || wire === WIRE.fixed32) {
      const n = wire === WIRE.fixed64 ? 8 : 4;
      if (off + n > buf.length) throw new Error("protobuf: truncated fixed field");
      out.push({ field, wire, value: new DataView(buf.buffer, buf.byteOffset + off, n) });
      off += n;
    } else if (wire === WIRE.bytes) {
      const n = Number(varint());
      if (off + n > buf.length) throw new Error("protobuf: truncated length-delimited field");
      out.push({ field, wire, value: buf.subarray(off, off + n) });
      off += n;
    } else throw new Error(`protobuf: unsupported wire type ${wire}`);
  }
  return out;
}
