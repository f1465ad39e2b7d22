// Plots (vega-lite → SVG → PNG) and videos (GIF) of a run.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { writeLearningCurves, learningCurveSpec } from "../../src/workflows/outputs/plots.js";
import { EpisodeRecorder, encodeGif, recordEpisode, type Frame } from "../../src/workflows/outputs/video.js";
import { numpy as np } from "../../src/numpy/index.js";
import { random } from "../../src/random/index.js";
import { make } from "../../src/envs/registry.js";
import "../../src/envs/index.js";
import type { Agent } from "../../src/agents/types.js";
import { gifInfo, pngInfo, tensorboardPython } from "../cli/helpers.js";

const tmp = () => mkdtempSync(path.join(tmpdir(), "xla-ts-media-"));

const rows = (n: number, seed = 0) =>
  Array.from({ length: n }, (_, i) => ({
    step: (i + 1) * 512,
    iteration: i + 1,
    envSteps: (i + 1) * 512,
    episodeReturn: i % 5 === 0 ? null : 20 + 3 * i + 10 * Math.sin(i + seed),
    "loss/total": 5 / (i + 1),
    "loss/valueLoss": 10 / (i + 1),
    "loss/entropy": 0.69 - i * 1e-3,
    ...(i % 10 === 9 ? { "eval/returnMean": 30 + 3 * i, "eval/returnStd": 5 } : {}),
  }));

describe("learning curves", () => {
  it("writes an SVG with the return and loss panels and a PNG of it", async () => {
    const dir = tmp();
    const p = await writeLearningCurves(dir, [{ name: "", rows: rows(60) }], { title: "PPO on CartPole-v1" });
    const svg = readFileSync(p.svg, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    for (const t of ["PPO on CartPole-v1", "episode return", "environment steps", "valueLoss", "entropy", "eval", "train"]) expect(svg).toContain(t);
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(20);
    const png = pngInfo(p.png);
    const w = Number(/width="(\d+(\.\d+)?)"/.exec(svg)![1]);
    expect(png.width).toBe(Math.round(w * 2));
    expect(png.height).toBeGreaterThan(400);
    expect(png.bytes).toBeGreaterThan(30_000); // lines and text, not a blank page
  });

  it("draws one series per run, and copes with runs that have no episodes or losses yet", async () => {
    const spec = JSON.stringify(learningCurveSpec([{ name: "seed 0", rows: rows(20) }, { name: "seed 1", rows: rows(20, 1) }]));
    expect(spec).toContain("seed 0 train");
    expect(spec).toContain("seed 1 eval");
    const dir = tmp();
    const p = await writeLearningCurves(dir, [{ name: "", rows: [{ step: 512, episodeReturn: null }] }]);
    expect(pngInfo(p.png).width).toBeGreaterThan(100);
  });
});

/** Frames of a red square moving on a white background (plus a gradient, for `colors` > 255). */
function frames(n: number, w: number, h: number, gradient = false): Frame[] {
  return Array.from({ length: n }, (_, t) => {
    const d = new Uint8Array(w * h * 3).fill(255);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = 3 * (y * w + x);
        if (gradient) d.set([x * 7 % 256, y * 11 % 256, (x * y + t) % 256], i);
        if (x >= t && x < t + 3 && y >= 2 && y < 5) d.set([255, 0, 0], i);
      }
    return { data: d, width: w, height: h };
  });
}


// A policy that always pushes left (CartPole's episode then always ends by falling).
const pushLeft: Agent = {
  name: "left",
  init: () => ({ params: null, obsNorm: null, extra: null }),
  computeActions: () => [np.zeros([1], "int32"), {}],
  evaluateActions: (_s, b) => [np.zeros([b.obs.shape[0]], "int32"), {}],
};
describe("GIF", () => {
  it("encodes frames with an exact palette and delta frames", () => {
    const fr = frames(5, 16, 8);
    const gif = encodeGif(fr, { fps: 25 });
    const info = gifInfo(gif);
    expect(info).toMatchObject({ width: 16, height: 8, frames: 5 });
    const py = tensorboardPython() ?? "python3";
    const check = spawnSync(py, ["-c", "import PIL"], { encoding: "utf8" });
    if (check.status !== 0) return; // no Pillow to decode with
    const dir = tmp();
    writeFileSync(path.join(dir, "a.gif"), gif);
    const script = `
import sys, json
from PIL import Image, ImageSequence
im = Image.open(sys.argv[1])
print(json.dumps({"duration": im.info.get("duration"), "frames": [list(f.convert("RGB").tobytes()) for f in ImageSequence.Iterator(im)]}))
`;
    const r = spawnSync(py, ["-c", script, path.join(dir, "a.gif")], { encoding: "utf8", maxBuffer: 1 << 26 });
    const decoded = JSON.parse(r.stdout) as { duration: number; frames: number[][] };
    expect(decoded.duration).toBe(40);
    expect(decoded.frames.length).toBe(5);
    decoded.frames.forEach((f, i) => expect(f).toEqual([...fr[i]!.data])); // lossless, deltas composited
  });

  it("quantizes images with many colours", () => {
    const info = gifInfo(encodeGif(frames(3, 64, 32, true)));
    expect(info.frames).toBe(3);
  });

  it("rejects mismatched frames", () => {
    expect(() => encodeGif([])).toThrow(/no frames/);
    const [a] = frames(1, 4, 4);
    expect(() => encodeGif([a!, { ...a!, width: 5 }])).toThrow(/frame 1 is 5x4/);
    expect(() => encodeGif([{ ...a!, data: a!.data.subarray(1) }])).toThrow(/RGB/);
  });

  it("records an episode from env.render", async () => {
    const env = make("CartPole-v1");
    const ep = await recordEpisode(env, pushLeft, pushLeft.init(random.key(0), env.observationSpace(), env.actionSpace()), random.key(1), { maxSteps: 200 });
    expect(ep.length).toBeGreaterThan(3);
    expect(ep.length).toBeLessThan(200); // pushing left always falls
    expect(ep.return).toBe(ep.length);
    expect(ep.frames.length).toBe(ep.length + 1);
    expect(ep.frames[0]).toMatchObject({ width: 600, height: 400 });
    expect(ep.frames[0]!.data.some((v) => v !== 255)).toBe(true);
    const info = gifInfo(encodeGif(ep.frames));
    expect(info.frames).toBe(ep.frames.length);
  });

  it("records in chunks the frames a step-by-step loop renders, compiled ahead or not, with maxSteps and every", async () => {
    const env = make("CartPole-v1");
    const a = pushLeft.init(random.key(0), env.observationSpace(), env.actionSpace());
    // The step-by-step loop (the recorder's key use: split(key) → reset, then split(k, 3) per step).
    const ks = random.split(random.key(3));
    let state: unknown = env.reset(ks.get(0)).state;
    let k = ks.get(1);
    const byStep: Uint8Array[] = [await (env.render(state) as any).data()];
    for (let t = 0; t < 200; t++) {
      const s3 = random.split(k, 3);
      const r = env.step(s3.get(2), state, np.zeros([], "int32"));
      [state, k] = [r.state, s3.get(0)];
      byStep.push(await (env.render(state) as any).data());
      if (Boolean((await (np.logicalOr(r.terminated, r.truncated) as any).data())[0])) break;
    }
    const rec = new EpisodeRecorder(env, pushLeft, { maxSteps: 200 });
    await rec.compileAsync(a, random.key(3));
    const ep = await rec.record(a, random.key(3));
    expect(ep.frames.length).toBe(byStep.length);
    for (const [i, f] of ep.frames.entries()) expect(Buffer.from(f.data).equals(Buffer.from(byStep[i]!))).toBe(true);
    // Stopped by maxSteps (not a multiple of the chunk), every 2nd frame kept.
    const short = await recordEpisode(env, pushLeft, a, random.key(3), { maxSteps: 5, every: 2 });
    expect(short.length).toBe(5);
    expect(short.frames.length).toBe(3);
    expect(Buffer.from(short.frames[2]!.data).equals(Buffer.from(byStep[4]!))).toBe(true);
  });

  it("encodes many-colour frames through the quantizer", () => {
    const fr: Frame[] = [0, 1].map((j) => ({ width: 32, height: 32, data: Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * 7 + j * 13) % 256) }));
    const info = gifInfo(encodeGif(fr));
    expect(info.frames).toBe(2);
  });
});
