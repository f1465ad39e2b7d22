// metrics.jsonl and TensorBoard event files: the TFRecord framing (CRC32C), the Event protos,
// truncation on resume, and tensorboard's own reader (EventAccumulator, in Python) reading
// what we write.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readWithTensorboard, tensorboardPython } from "../cli/helpers.js";
import fc from "fast-check";
import {
  JsonlLogger,
  TensorBoardWriter,
  crc32c,
  maskedCrc32c,
  readEventFile,
  readJsonl,
  readTfrecords,
  tfrecord,
  truncateEvents,
  truncateJsonl,
  eventFiles,
  scalarEvent,
  decodeEvent,
} from "../../src/workflows/logging/index.js";

const tmp = () => mkdtempSync(path.join(tmpdir(), "xla-ts-logging-"));
const bytes = (s: string) => new TextEncoder().encode(s);

describe("CRC32C and TFRecord framing", () => {
  it("matches the standard check values", () => {
    expect(crc32c(bytes("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it("masks as TensorFlow does", () => {
    const c = crc32c(bytes("abc"));
    expect(maskedCrc32c(bytes("abc"))).toBe((((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0);
  });

  it("round-trips records and stops at a truncated or corrupt tail", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), fc.nat(20), (recs, cut) => {
        const framed = recs.map(tfrecord);
        const all = new Uint8Array(framed.reduce((a, b) => a + b.length, 0));
        let o = 0;
        for (const f of framed) {
          all.set(f, o);
          o += f.length;
        }
        const back = readTfrecords(all);
        expect(back.records.map((r) => [...r])).toEqual(recs.map((r) => [...r]));
        expect(back.trailing).toBe(0);
        if (recs.length && cut > 0) {
          const t = readTfrecords(all.subarray(0, all.length - Math.min(cut, framed.at(-1)!.length)));
          expect(t.records.length).toBe(recs.length - 1);
        }
      }),
    );
    const one = tfrecord(bytes("hello"));
    one[13] ^= 1; // corrupt the data
    expect(readTfrecords(one).records).toEqual([]);
  });
});

describe("TensorBoard event files", () => {
  it("encodes and decodes scalar events (NaN skipped)", () => {
    const e = decodeEvent(scalarEvent(1234, { "train/a": 1.5, "loss/b": -2, skipped: NaN }, 99.5));
    expect(e).toMatchObject({ step: 1234, wallTime: 99.5, scalars: { "train/a": 1.5, "loss/b": -2 } });
    expect("skipped" in e.scalars).toBe(false);
  });

  it("writes a file version event first, then scalars and text, prefixing bare tags", async () => {
    const dir = tmp();
    const w = new TensorBoardWriter(dir, { prefix: "train/" });
    w.text(0, "config", "| a | b |");
    w.log(10, { episodeReturn: 5, "loss/total": 0.25 });
    w.log(20, { episodeReturn: 7 });
    w.close();
    const [file] = await eventFiles(dir);
    expect(path.basename(file!)).toMatch(/^events\.out\.tfevents\.\d+\./);
    const ev = await readEventFile(file!);
    expect(ev[0]!.fileVersion).toBe("brain.Event:2");
    expect(ev[1]!.texts.config).toBe("| a | b |");
    expect(ev.slice(2).map((e) => [e.step, e.scalars])).toEqual([
      [10, { "train/episodeReturn": 5, "loss/total": 0.25 }],
      [20, { "train/episodeReturn": 7 }],
    ]);
  });

  it("truncates events after a step (resume) and ignores a torn last record", async () => {
    const dir = tmp();
    const w = new TensorBoardWriter(dir);
    for (const s of [100, 200, 300]) w.log(s, { x: s });
    w.close();
    const [file] = await eventFiles(dir);
    appendFileSync(file!, tfrecord(scalarEvent(400, { x: 4 })).subarray(0, 10)); // a crash mid-write
    expect((await readEventFile(file!)).map((e) => e.step)).toEqual([0, 100, 200, 300]);
    await truncateEvents(dir, 200);
    expect((await readEventFile(file!)).map((e) => e.step)).toEqual([0, 100, 200]);
    expect(readTfrecords(new Uint8Array(readFileSync(file!))).trailing).toBe(0);
  });

  const py = tensorboardPython();
  it.skipIf(!py)("is read by tensorboard's EventAccumulator", async () => {
    const dir = tmp();
    const w = new TensorBoardWriter(dir, { prefix: "train/" });
    w.text(0, "config", "lr: 0.1");
    for (let i = 1; i <= 5; i++) w.log(i * 512, { episodeReturn: i * 10, "eval/returnMean": i + 0.5 });
    w.close();
    const got = readWithTensorboard(py!, dir);
    expect(got["train/episodeReturn"]).toEqual([1, 2, 3, 4, 5].map((i) => [i * 512, i * 10]));
    expect(got["eval/returnMean"]).toEqual([1, 2, 3, 4, 5].map((i) => [i * 512, i + 0.5]));
    expect(got._tensors).toContain("config");
  });
});

describe("metrics.jsonl", () => {
  it("appends one parsable line per log, NaN as null, and truncates on resume", async () => {
    const dir = tmp();
    const p = path.join(dir, "metrics.jsonl");
    const l = new JsonlLogger(p);
    l.log(512, { iteration: 1, episodeReturn: NaN, "loss/total": 1.5 });
    l.log(1024, { iteration: 2, episodeReturn: 20 });
    l.close();
    const lines = readFileSync(p, "utf8").trim().split("\n");
    expect(lines.map((x) => JSON.parse(x).step)).toEqual([512, 1024]);
    expect(JSON.parse(lines[0]!).episodeReturn).toBeNull();
    writeFileSync(p, readFileSync(p, "utf8") + '{"step": 15'); // torn last line
    expect((await readJsonl(p)).map((r) => r.step)).toEqual([512, 1024]);
    await truncateJsonl(p, 512);
    expect((await readJsonl(p)).map((r) => r.iteration)).toEqual([1]);
    expect(await readJsonl(path.join(dir, "missing.jsonl"))).toEqual([]);
  });
});
