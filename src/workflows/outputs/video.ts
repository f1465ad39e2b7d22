// Videos of evaluation episodes: an episode is played with greedy actions by a jitted step
// (agent, env.step and env.render in one program), each frame is read back, and the frames are
// encoded as an animated GIF. Rendered environments use few flat colours, so the palette is
// exact when there are at most 255 of them (else gifenc's quantizer picks one), and each frame
// after the first stores only the pixels that changed (the rest transparent), which keeps
// long episodes small.
import * as gifencModule from "gifenc";
import type { Value } from "../../core/values.js";
import type { Array as ConcreteArray } from "../../core/values.js";
import { jit } from "../../core/jit.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import { map } from "../../pytree/index.js";
import { scan } from "../../lax/control/scan.js";
import type { Environment } from "../../envs/types.js";
import type { Agent, AgentState } from "../../agents/types.js";
import { writeFileAtomic } from "./atomic.js";

/** An RGB frame: `data` holds height × width × 3 bytes, row-major. */
export interface Frame {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface GifOptions {
  /** Frames per second (default 30). GIF delays are whole centiseconds. */
  fps?: number;
  /** Loop forever (default true). */
  loop?: boolean;
}

// Node loads gifenc's CommonJS build (its exports under `default`); bundlers (vitest) its ES build.
const gifenc: gifencModule.Gifenc = (typeof gifencModule.GIFEncoder === "function" ? gifencModule : gifencModule.default) as gifencModule.Gifenc;

const TRANSPARENT_FILL = [255, 0, 255];
const VIDEO_SALT = 0x71de0;

/** The PRNG key of the recorded episode for a seed (kept apart from the training keys of that seed). */
export function episodeKey(seed: number): Value {
  return random.foldIn(random.key(seed), VIDEO_SALT);
}

/** Encodes RGB frames of one size as an animated GIF. */
export function encodeGif(frames: readonly Frame[], opts: GifOptions = {}): Uint8Array {
  if (!frames.length) throw new TypeError("encodeGif: no frames");
  const { width, height } = frames[0]!;
  for (const [i, f] of frames.entries()) {
    if (f.width !== width || f.height !== height) throw new TypeError(`encodeGif: frame ${i} is ${f.width}x${f.height}, frame 0 is ${width}x${height}`);
    if (f.data.length !== width * height * 3) throw new TypeError(`encodeGif: frame ${i} holds ${f.data.length} bytes, expected ${width * height * 3} (RGB)`);
  }
  const fps = opts.fps ?? 30;
  if (!(fps > 0)) throw new TypeError(`encodeGif: fps must be positive, got ${fps}`);
  const delay = Math.max(20, Math.round(100 / fps) * 10);
  const exact = exactPalette(frames);
  const { palette, index } = exact ?? quantizedPalette(frames);
  const T = palette.length; // the extra slot marks unchanged pixels
  const fullPalette = [...palette, TRANSPARENT_FILL];
  const gif = gifenc.GIFEncoder();
  const n = width * height;
  let prev: Uint8Array = new Uint8Array(n);
  let cur: Uint8Array = new Uint8Array(n);
  const delta = new Uint8Array(n);
  const rowBytes = width * 3;
  for (const [fi, f] of frames.entries()) {
    // The palette index of every pixel, and (after the first frame) the delta against the
    // previous frame in the same pass. A row whose bytes equal the previous frame's (a native
    // compare) is copied / marked unchanged without looking at its pixels: rendered episodes
    // change a small part of each frame. gifenc encodes each frame before writeFrame returns,
    // so the buffers are reused.
    if (exact) {
      const lut = exact.lut;
      const d = f.data;
      const same = fi > 0 ? sameRows(frames[fi - 1]!.data, d, rowBytes) : undefined;
      for (let y = 0; y < height; y++) {
        const p0 = y * width;
        if (same?.[y]) {
          cur.set(prev.subarray(p0, p0 + width), p0);
          delta.fill(T, p0, p0 + width);
          continue;
        }
        for (let i = p0 * 3, p = p0, pe = p0 + width; p < pe; i += 3, p++) {
          const c = lut[(d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!]! - 1;
          cur[p] = c;
          delta[p] = c === prev[p] ? T : c;
        }
      }
    } else {
      cur = index(f.data);
      if (fi > 0) for (let p = 0; p < n; p++) delta[p] = cur[p] === prev[p] ? T : cur[p]!;
    }
    if (fi === 0) gif.writeFrame(cur, width, height, { palette: fullPalette, delay, repeat: opts.loop === false ? -1 : 0, dispose: 1 });
    else gif.writeFrame(delta, width, height, { delay, transparent: true, transparentIndex: T, dispose: 1 });
    [prev, cur] = [cur, exact ? prev : cur];
  }
  gif.finish();
  return gif.bytes();
}

/**
 * The palette of at most 255 colours in the order the frames first show them, with a lookup
 * table from 24-bit colour to palette index + 1 (0: not in the palette); undefined when the
 * frames hold more than 255 colours.
 */
function exactPalette(frames: readonly Frame[]): { palette: number[][]; lut: Uint8Array; index: (rgb: Uint8Array) => Uint8Array } | undefined {
  const lut = new Uint8Array(1 << 24);
  const colors: number[] = [];
  const rowBytes = frames[0]!.width * 3;
  for (const [fi, f] of frames.entries()) {
    const d = f.data;
    // Rows equal to the previous frame's hold no colour not seen yet.
    const same = fi > 0 ? sameRows(frames[fi - 1]!.data, d, rowBytes) : undefined;
    for (let y = 0, i0 = 0; i0 < d.length; y++, i0 += rowBytes) {
      if (same?.[y]) continue;
      for (let i = i0, ie = i0 + rowBytes; i < ie; i += 3) {
        const c = (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
        if (lut[c] === 0) {
          if (colors.length === 255) return undefined;
          colors.push(c);
          lut[c] = colors.length;
        }
      }
    }
  }
  const palette = colors.map((c) => [(c >> 16) & 255, (c >> 8) & 255, c & 255]);
  return {
    palette,
    lut,
    index: (d) => {
      const out = new Uint8Array(d.length / 3);
      for (let i = 0, p = 0; i < d.length; i += 3, p++) out[p] = lut[(d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!]! - 1;
      return out;
    },
  };
}

/** Which rows of `b` hold the same bytes as in `a` (frames of one size; `rowBytes` per row). */
function sameRows(a: Uint8Array, b: Uint8Array, rowBytes: number): Uint8Array {
  const ba = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const bb = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out = new Uint8Array(b.length / rowBytes);
  for (let y = 0, i = 0; y < out.length; y++, i += rowBytes) out[y] = bb.compare(ba, i, i + rowBytes, i, i + rowBytes) === 0 ? 1 : 0;
  return out;
}

/** Many colours: quantize a sample of frames (first, middle, last) to 255 and map to the nearest. */
function quantizedPalette(frames: readonly Frame[]): { palette: number[][]; index: (rgb: Uint8Array) => Uint8Array } {
  const sample = [frames[0]!, frames[Math.floor(frames.length / 2)]!, frames[frames.length - 1]!];
  const rgba = new Uint8Array(sample.reduce((a, f) => a + (f.data.length / 3) * 4, 0));
  let o = 0;
  for (const f of sample) for (let i = 0; i < f.data.length; i += 3, o += 4) rgba.set([f.data[i]!, f.data[i + 1]!, f.data[i + 2]!, 255], o);
  const palette = gifenc.quantize(rgba, 255);
  return {
    palette,
    index: (d) => {
      const px = new Uint8Array((d.length / 3) * 4);
      for (let i = 0, p = 0; i < d.length; i += 3, p += 4) px.set([d[i]!, d[i + 1]!, d[i + 2]!, 255], p);
      return gifenc.applyPalette(px, palette);
    },
  };
}

export interface EpisodeOptions {
  /** Steps before the recording stops even if the episode has not ended (default 1000). */
  maxSteps?: number;
  /** Keep every k-th frame (default 1). */
  every?: number;
}

export interface Episode {
  frames: Frame[];
  return: number;
  length: number;
}

/** Steps recorded per call: the frames of a chunk are read back together (about 32 MiB of them at most). */
function chunkLength(frameBytes: number, maxSteps: number): number {
  return Math.max(1, Math.min(maxSteps, 128, Math.floor((32 << 20) / Math.max(1, frameBytes))));
}

/**
 * The programs that record episodes of `env` with `agent`'s greedy actions: one that resets
 * and renders the first frame, and one that plays a chunk of steps as a `lax.scan` and returns
 * their frames, rewards and end flags together (one call and one read-back per chunk instead
 * of per step). `compileAsync` compiles both on the runtime's worker thread ahead of use (e.g.
 * while training runs); `record` plays an episode.
 */
export class EpisodeRecorder<S extends AgentState> {
  readonly maxSteps: number;
  readonly every: number;
  readonly #env: Environment;
  readonly #init: (k: Value) => { state: unknown; obs: Value; key: Value; frame: Value };
  #chunk?: { length: number; run: (a: S, s: unknown, obs: Value, k: Value) => [{ state: unknown; obs: Value; key: Value }, { reward: Value; done: Value; frame: Value }] };
  readonly #agent: Agent<S>;

  constructor(env: Environment, agent: Agent<S>, opts: EpisodeOptions = {}) {
    this.#env = env;
    this.#agent = agent;
    this.maxSteps = opts.maxSteps ?? 1000;
    this.every = Math.max(1, Math.floor(opts.every ?? 1));
    this.#init = jit(
      (k: Value) => {
        const ks = random.split(k);
        const r0 = env.reset(ks.get(0));
        return { state: r0.state, obs: r0.obs, key: ks.get(1), frame: env.render(r0.state) };
      },
      { name: "recordEpisode.reset" },
    ) as never;
  }

  #chunkProgram(frameBytes: number) {
    if (this.#chunk) return this.#chunk;
    const [env, agent] = [this.#env, this.#agent];
    const length = chunkLength(frameBytes, this.maxSteps);
    const step = (a: S, s: unknown, obs: Value, k: Value) => {
      const ks = random.split(k, 3);
      const [act] = agent.evaluateActions(a, { obs: map((x: Value) => np.expandDims(x, 0), obs) }, ks.get(1));
      const envAct = map((x: Value) => x.get(0), agent.toEnvAction ? agent.toEnvAction(act) : act) as Value;
      const r = env.step(ks.get(2), s, envAct);
      return [
        { key: ks.get(0), state: r.state, obs: r.obs },
        { reward: np.astype(r.reward, "float32"), done: np.logicalOr(r.terminated, r.truncated), frame: env.render(r.state) },
      ] as const;
    };
    const run = jit(
      (a: S, s: unknown, obs: Value, k: Value) => scan((c: { state: unknown; obs: Value; key: Value }) => step(a, c.state, c.obs, c.key), { state: s, obs, key: k }, null, { length }),
      { name: "recordEpisode.steps" },
    ) as never;
    return (this.#chunk = { length, run });
  }

  /** Compiles the programs on the runtime's worker thread (agentState: any state of the agent's structure). */
  async compileAsync(agentState: S, key: Value): Promise<void> {
    const init = this.#init as unknown as { compileAsync(k: Value): Promise<void>; lower(k: Value): { jaxpr: { outvars: { aval: { shape: number[] } }[] } } };
    await init.compileAsync(key);
    const r0 = this.#init(key);
    const frameBytes = r0.frame.shape.reduce((a, b) => a * b, 1);
    const c = this.#chunkProgram(frameBytes);
    await (c.run as unknown as { compileAsync(...a: unknown[]): Promise<void> }).compileAsync(agentState, r0.state, r0.obs, r0.key);
  }

  /** Plays one episode from `key` and returns its frames (every `every`-th and the last), return and length. */
  async record(agentState: S, key: Value): Promise<Episode> {
    const r0 = this.#init(key);
    const frames: Frame[] = [await toFrame(r0.frame)];
    const c = this.#chunkProgram(frames[0]!.data.length);
    let [state, obs, k] = [r0.state, r0.obs, r0.key];
    let ret = 0;
    let t = 0;
    while (t < this.maxSteps) {
      const [carry, ys] = c.run(agentState, state, obs, k);
      [state, obs, k] = [carry.state, carry.obs, carry.key];
      const [rewards, dones, all] = await Promise.all([(ys.reward as ConcreteArray).data(), (ys.done as ConcreteArray).data(), (ys.frame as ConcreteArray).data()]);
      const [h, w] = [ys.frame.shape[1]!, ys.frame.shape[2]!];
      const bytes = h * w * 3;
      let done = false;
      for (let j = 0; j < c.length && t < this.maxSteps; j++) {
        t++;
        ret += Number(rewards[j]);
        done = Boolean(dones[j]);
        if (t % this.every === 0 || done) frames.push({ data: new Uint8Array(all.buffer, all.byteOffset + j * bytes, bytes), height: h, width: w });
        if (done) break;
      }
      if (done) break;
    }
    return { frames, return: ret, length: t };
  }
}

/**
 * Plays one episode of `env` (a single, unvectorized environment) with the agent's greedy
 * actions and records `env.render` of every state, the initial one included.
 */
export async function recordEpisode<S extends AgentState>(env: Environment, agent: Agent<S>, agentState: S, key: Value, opts: EpisodeOptions = {}): Promise<Episode> {
  return new EpisodeRecorder(env, agent, opts).record(agentState, key);
}

async function toFrame(v: Value): Promise<Frame> {
  if (v.ndim !== 3 || v.shape[2] !== 3 || v.dtype !== "uint8") throw new TypeError(`recordEpisode: env.render must return uint8 [H, W, 3], got ${v.aval}`);
  const d = await (v as ConcreteArray).data();
  return { data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength), height: v.shape[0]!, width: v.shape[1]! };
}

/** Records an episode and writes it as a GIF to `path` (atomically). */
export async function writeEpisodeGif<S extends AgentState>(
  path: string,
  env: Environment,
  agent: Agent<S>,
  agentState: S,
  key: Value,
  opts: EpisodeOptions & GifOptions & { recorder?: EpisodeRecorder<S> } = {},
): Promise<Episode & { path: string; bytes: number }> {
  const ep = await (opts.recorder ?? new EpisodeRecorder(env, agent, opts)).record(agentState, key);
  const gif = encodeGif(ep.frames, { ...opts, fps: (opts.fps ?? 30) / Math.max(1, Math.floor(opts.every ?? 1)) });
  await writeFileAtomic(path, gif);
  return { ...ep, path, bytes: gif.length };
}
