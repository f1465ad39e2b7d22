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
  const { palette, index } = buildPalette(frames);
  const T = palette.length; // the extra slot marks unchanged pixels
  const fullPalette = [...palette, TRANSPARENT_FILL];
  const gif = gifenc.GIFEncoder();
  let prev: Uint8Array | undefined;
  for (const f of frames) {
    const idx = index(f.data);
    if (!prev) gif.writeFrame(idx, width, height, { palette: fullPalette, delay, repeat: opts.loop === false ? -1 : 0, dispose: 1 });
    else {
      const delta = new Uint8Array(idx.length);
      for (let i = 0; i < idx.length; i++) delta[i] = idx[i] === prev[i] ? T : idx[i]!;
      gif.writeFrame(delta, width, height, { delay, transparent: true, transparentIndex: T, dispose: 1 });
    }
    prev = idx;
  }
  gif.finish();
  return gif.bytes();
}

/** A palette of at most 255 colours and a function mapping an RGB frame to palette indices. */
function buildPalette(frames: readonly Frame[]): { palette: number[][]; index: (rgb: Uint8Array) => Uint8Array } {
  const colors = new Map<number, number>();
  outer: for (const f of frames) {
    const d = f.data;
    for (let i = 0; i < d.length; i += 3) {
      const c = (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
      if (!colors.has(c)) {
        colors.set(c, colors.size);
        if (colors.size > 255) break outer;
      }
    }
  }
  if (colors.size <= 255) {
    const palette = [...colors.keys()].map((c) => [(c >> 16) & 255, (c >> 8) & 255, c & 255]);
    return {
      palette,
      index: (d) => {
        const out = new Uint8Array(d.length / 3);
        for (let i = 0, p = 0; i < d.length; i += 3, p++) out[p] = colors.get((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!)!;
        return out;
      },
    };
  }
  // Many colours: quantize a sample of frames (first, middle, last) to 255 and map to the nearest.
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

/**
 * Plays one episode of `env` (a single, unvectorized environment) with the agent's greedy
 * actions and records `env.render` of every state, the initial one included.
 */
export async function recordEpisode<S extends AgentState>(env: Environment, agent: Agent<S>, agentState: S, key: Value, opts: EpisodeOptions = {}): Promise<Episode> {
  const maxSteps = opts.maxSteps ?? 1000;
  const every = Math.max(1, Math.floor(opts.every ?? 1));
  const render = jit((s: unknown) => env.render(s), { name: "recordEpisode.render" });
  const step = jit(
    (a: S, s: unknown, obs: Value, k: Value) => {
      const ks = random.split(k, 3);
      const [act] = agent.evaluateActions(a, { obs: map((x: Value) => np.expandDims(x, 0), obs) }, ks.get(1));
      const envAct = map((x: Value) => x.get(0), agent.toEnvAction ? agent.toEnvAction(act) : act) as Value;
      const r = env.step(ks.get(2), s, envAct);
      return { key: ks.get(0), state: r.state, obs: r.obs, reward: np.astype(r.reward, "float32"), done: np.logicalOr(r.terminated, r.truncated), frame: env.render(r.state) };
    },
    { name: "recordEpisode.step" },
  );
  const ks = random.split(key);
  const r0 = env.reset(ks.get(0));
  const frames: Frame[] = [await toFrame(render(r0.state) as Value)];
  let [state, obs, k] = [r0.state as unknown, r0.obs, ks.get(1)];
  let ret = 0;
  let t = 0;
  while (t < maxSteps) {
    const out = step(agentState, state, obs, k) as { key: Value; state: unknown; obs: Value; reward: Value; done: Value; frame: Value };
    [state, obs, k] = [out.state, out.obs, out.key];
    t++;
    ret += Number((await (out.reward as ConcreteArray).data())[0]);
    const done = Boolean((await (out.done as ConcreteArray).data())[0]);
    if (t % every === 0 || done) frames.push(await toFrame(out.frame));
    if (done) break;
  }
  return { frames, return: ret, length: t };
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
  opts: EpisodeOptions & GifOptions = {},
): Promise<Episode & { path: string; bytes: number }> {
  const ep = await recordEpisode(env, agent, agentState, key, opts);
  const gif = encodeGif(ep.frames, { ...opts, fps: (opts.fps ?? 30) / Math.max(1, Math.floor(opts.every ?? 1)) });
  await writeFileAtomic(path, gif);
  return { ...ep, path, bytes: gif.length };
}
