// Shared by the CLI and output tests.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** A Python with tensorboard importable (XLA_TS_TB_PYTHON, /tmp/fixvenv, python3), or undefined. */
export function tensorboardPython(): string | undefined {
  for (const py of [process.env.XLA_TS_TB_PYTHON, "/tmp/fixvenv/bin/python", "python3"]) {
    if (!py) continue;
    const r = spawnSync(py, ["-c", "import tensorboard.backend.event_processing.event_accumulator"], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return undefined;
}

/** Reads the scalars (tag -> [step, value][]) and tensor tags of a TensorBoard run directory with tensorboard itself. */
export function readWithTensorboard(py: string, dir: string): Record<string, [number, number][]> & { _tensors: string[] } {
  const script = `
import json, sys
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
ea = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "tensors": 0})
ea.Reload()
out = {t: [[e.step, e.value] for e in ea.Scalars(t)] for t in ea.Tags()["scalars"]}
out["_tensors"] = ea.Tags()["tensors"]
print(json.dumps(out))
`;
  const r = spawnSync(py, ["-c", script, dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tensorboard could not read ${dir}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** PNG: signature, then IHDR width and height. */
export function pngInfo(path: string): { width: number; height: number; bytes: number } {
  const b = readFileSync(path);
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((x, i) => b[i] === x)) throw new Error(`${path}: not a PNG`);
  if (b.toString("latin1", 12, 16) !== "IHDR") throw new Error(`${path}: no IHDR`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bytes: b.length };
}

/** GIF: header, logical screen size, and the number of image descriptors (frames). */
export function gifInfo(path: string | Uint8Array): { width: number; height: number; frames: number; bytes: number } {
  const b = typeof path === "string" ? readFileSync(path) : Buffer.from(path);
  const head = b.toString("latin1", 0, 6);
  if (head !== "GIF89a" && head !== "GIF87a") throw new Error("not a GIF");
  const width = b.readUInt16LE(6);
  const height = b.readUInt16LE(8);
  // Walk the blocks to count frames.
  let o = 13;
  if (b[10]! & 0x80) o += 3 * 2 ** ((b[10]! & 7) + 1);
  let frames = 0;
  const skipSubBlocks = () => {
    while (b[o]! !== 0) o += b[o]! + 1;
    o++;
  };
  while (o < b.length) {
    const t = b[o]!;
    if (t === 0x3b) break;
    if (t === 0x21) {
      o += 2;
      skipSubBlocks();
    } else if (t === 0x2c) {
      frames++;
      const packed = b[o + 9]!;
      o += 10;
      if (packed & 0x80) o += 3 * 2 ** ((packed & 7) + 1);
      o++; // LZW minimum code size
      skipSubBlocks();
    } else throw new Error(`bad GIF block 0x${t.toString(16)} at ${o}`);
  }
  if (b[o] !== 0x3b) throw new Error("GIF has no trailer");
  return { width, height, frames, bytes: b.length };
}
