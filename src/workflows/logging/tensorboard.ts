// TensorBoard event files: scalars (and a text summary of the config) that
// `tensorboard --logdir runs` reads. An event file is a TFRecord stream of `Event` protos
// (tensorflow/core/util/event.proto); the first carries file_version "brain.Event:2".
//
//   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
//   Summary { repeated Value value = 1; }
//   Value   { string tag = 1; float simple_value = 2; SummaryMetadata metadata = 9; TensorProto tensor = 8; }
//
// Records are appended whole (one write each), so a crash leaves at most a truncated last
// record, which readers skip. On resume, `truncateEvents` drops what came after the checkpoint.
import { promises as fs } from "node:fs";
import { AppendOnlyFile } from "./append.js";
import * as os from "node:os";
import * as nodePath from "node:path";
import { writeFileAtomic } from "../outputs/atomic.js";
import { ProtoWriter, decodeProto, readTfrecords, tfrecord } from "./tfrecord.js";
import type { HostMetrics, Logger } from "../workflow.js";

const DT_STRING = 7;
let fileCounter = 0;

function event(step: number, summary?: ProtoWriter, fileVersion?: string, wallTime = Date.now() / 1000): Uint8Array {
  const e = new ProtoWriter().double(1, wallTime).int64(2, Math.max(0, Math.round(step)));
  if (fileVersion !== undefined) e.string(3, fileVersion);
  if (summary) e.message(5, summary);
  return e.finish();
}

/** An Event with one simple_value per finite scalar (NaN / ±Inf are skipped: TensorBoard plots them badly). */
export function scalarEvent(step: number, scalars: Record<string, number>, wallTime?: number): Uint8Array {
  const s = new ProtoWriter();
  for (const [tag, v] of Object.entries(scalars)) if (typeof v === "number" && Number.isFinite(v)) s.message(1, new ProtoWriter().string(1, tag).float(2, v));
  return event(step, s, undefined, wallTime);
}

/** An Event with a text summary (shown in TensorBoard's Text tab, markdown rendered). */
export function textEvent(step: number, tag: string, text: string, wallTime?: number): Uint8Array {
  const metadata = new ProtoWriter().message(1, new ProtoWriter().string(1, "text"));
  const tensor = new ProtoWriter().int64(1, DT_STRING).message(2, new ProtoWriter()).string(8, text);
  const value = new ProtoWriter().string(1, tag).message(9, metadata).message(8, tensor);
  return event(step, new ProtoWriter().message(1, value), undefined, wallTime);
}

export interface TensorBoardOptions {
  /** Prefix of scalar tags, e.g. "train/". Tags that already contain "/" are kept as they are. */
  prefix?: string;
}

/** Writes scalars to a new event file in `dir` (a TensorBoard "run"). Use one writer per process and directory. */
export class TensorBoardWriter implements Logger {
  readonly path: string;
  #file!: AppendOnlyFile;
  readonly #prefix: string;

  constructor(dir: string, opts: TensorBoardOptions = {}) {
    this.#prefix = opts.prefix ?? "";
    const name = `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${os.hostname()}.${process.pid}.${fileCounter++}`;
    this.path = nodePath.join(dir, name);
    this.#file = new AppendOnlyFile(this.path, "TensorBoardWriter");
    this.#write(event(0, undefined, "brain.Event:2"));
  }

  #write(e: Uint8Array): void {
    this.#file.append(tfrecord(e));
  }

  /** One event with every finite scalar of `metrics`, at `step` (environment steps). */
  log(step: number, metrics: HostMetrics): void {
    const tagged: Record<string, number> = {};
    for (const [k, v] of Object.entries(metrics)) tagged[k.includes("/") ? k : this.#prefix + k] = v;
    this.#write(scalarEvent(step, tagged));
  }

  text(step: number, tag: string, markdown: string): void {
    this.#write(textEvent(step, tag, markdown));
  }

  flush(): void {
    this.#file.flush();
  }

  close(): void {
    this.#file.close();
  }
}

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: Record<string, number>;
  texts: Record<string, string>;
}

/** Decodes one Event (the fields this module writes). */
export function decodeEvent(buf: Uint8Array): DecodedEvent {
  const e: DecodedEvent = { wallTime: 0, step: 0, scalars: {}, texts: {} };
  const td = new TextDecoder();
  for (const f of decodeProto(buf)) {
    if (f.field === 1 && f.value instanceof DataView) e.wallTime = f.value.getFloat64(0, true);
    else if (f.field === 2 && typeof f.value === "bigint") e.step = Number(f.value);
    else if (f.field === 3 && f.value instanceof Uint8Array) e.fileVersion = td.decode(f.value);
    else if (f.field === 5 && f.value instanceof Uint8Array) {
      for (const v of decodeProto(f.value)) {
        if (v.field !== 1 || !(v.value instanceof Uint8Array)) continue;
        let tag = "";
        let simple: number | undefined;
        let text: string | undefined;
        for (const x of decodeProto(v.value)) {
          if (x.field === 1 && x.value instanceof Uint8Array) tag = td.decode(x.value);
          else if (x.field === 2 && x.value instanceof DataView) simple = x.value.getFloat32(0, true);
          else if (x.field === 8 && x.value instanceof Uint8Array)
            for (const t of decodeProto(x.value)) if (t.field === 8 && t.value instanceof Uint8Array) text = td.decode(t.value);
        }
        if (simple !== undefined) e.scalars[tag] = simple;
        if (text !== undefined) e.texts[tag] = text;
      }
    }
  }
  return e;
}

/** The events of a file written by TensorBoardWriter (a truncated last record is ignored). */
export async function readEventFile(path: string): Promise<DecodedEvent[]> {
  const { records } = readTfrecords(new Uint8Array(await fs.readFile(path)));
  return records.map(decodeEvent);
}

/** The event files in `dir` (not recursive), oldest first. */
export async function eventFiles(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.includes("tfevents")).sort().map((n) => nodePath.join(dir, n));
}

/**
 * Drops the events after `maxStep` from every event file in `dir` (rewriting each file
 * atomically), so that a run resumed from a checkpoint at `maxStep` does not show the
 * abandoned steps twice.
 */
export async function truncateEvents(dir: string, maxStep: number): Promise<void> {
  for (const path of await eventFiles(dir)) {
    const { records, trailing } = readTfrecords(new Uint8Array(await fs.readFile(path)));
    const keep = records.filter((r) => decodeEvent(r).step <= maxStep);
    if (keep.length === records.length && trailing === 0) continue;
    const bytes = keep.map(tfrecord);
    const out = new Uint8Array(bytes.reduce((a, b) => a + b.length, 0));
    let off = 0;
    for (const b of bytes) {
      out.set(b, off);
      off += b.length;
    }
    await writeFileAtomic(path, out);
  }
}
