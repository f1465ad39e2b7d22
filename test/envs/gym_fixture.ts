// Loading test/fixtures/gymnasium.json and replaying its episodes on our environments.
import { readFileSync } from "node:fs";
import { jit, lax, numpy as np, random, type Value } from "../../src/index.js";
import { envs } from "../../src/envs/index.js";
import type { Environment } from "../../src/envs/types.js";
import { list } from "./helpers.js";

export interface GymEpisode {
  env: string;
  seed: number;
  policy: string;
  max_episode_steps: number;
  start_state: number[];
  start_obs: number[];
  actions: (number | number[])[];
  obs: number[][];
  reward: number[];
  terminated: boolean[];
  truncated: boolean[];
  state: number[][];
}

export const fixture: { meta: Record<string, unknown>; episodes: GymEpisode[] } = JSON.parse(
  readFileSync(new URL("../fixtures/gymnasium.json", import.meta.url), "utf8"),
);

export interface Rollout {
  obs: number[][];
  reward: number[];
  terminated: boolean[];
  truncated: boolean[];
}

type Classic = Environment & { stateFrom(v: unknown): unknown; dtype: string };

/** The unwrapped env of make(id) and the TimeLimit around it. */
export function makeClassic(id: string, dtype: "float32" | "float64"): { env: Environment; inner: Classic } {
  const env = envs.make(id, { dtype }) as Environment & { env: Classic };
  return { env, inner: env.env };
}

export function actionsArray(e: GymEpisode): Value {
  return typeof e.actions[0] === "number" ? np.array(e.actions as number[], "int32") : np.array(e.actions as number[][], "float32");
}

function collect(obs: Value, reward: Value, terminated: Value, truncated: Value): Rollout {
  return {
    obs: list(obs) as number[][],
    reward: list(reward) as number[],
    terminated: list(terminated) as boolean[],
    truncated: list(truncated) as boolean[],
  };
}

/** Replays the episode's actions from its start state, free running, in one jitted scan. */
export function freeRun(e: GymEpisode, dtype: "float32" | "float64"): Rollout {
  const { env, inner } = makeClassic(e.env, dtype);
  const f = jit((start: Value, actions: Value) => {
    const state0 = { inner: inner.stateFrom(start), t: np.zeros([], "int32") };
    const [, ys] = lax.scan(
      (s: any, a: Value) => {
        const r = env.step(random.key(0), s, a);
        return [r.state, { obs: r.obs, reward: r.reward, terminated: r.terminated, truncated: r.truncated }];
      },
      state0,
      actions,
    );
    return ys;
  });
  const ys = f(np.array(e.start_state, "float64"), actionsArray(e)) as Record<string, Value>;
  return collect(ys.obs!, ys.reward!, ys.terminated!, ys.truncated!);
}

/** Each step replayed alone from gymnasium's state before it (and its step count), batched by vmap under jit. */
export function teacherForced(e: GymEpisode, dtype: "float32" | "float64"): Rollout {
  const { env, inner } = makeClassic(e.env, dtype);
  const before = [e.start_state, ...e.state.slice(0, -1)];
  const f = jit((states: Value, ts: Value, actions: Value) =>
    lax.scan(
      (_c: Value, x: { s: Value; t: Value; a: Value }) => {
        const r = env.step(random.key(0), { inner: inner.stateFrom(x.s), t: x.t }, x.a);
        return [_c, { obs: r.obs, reward: r.reward, terminated: r.terminated, truncated: r.truncated }];
      },
      np.zeros([]),
      { s: states, t: ts, a: actions },
    )[1],
  );
  const ys = f(np.array(before, "float64"), np.arange(0, before.length, 1, "int32"), actionsArray(e)) as Record<string, Value>;
  return collect(ys.obs!, ys.reward!, ys.terminated!, ys.truncated!);
}

/** Largest |a - b| over steps, and the first step where it exceeds tol (or -1). */
export function compareObs(got: number[][], want: number[][], tol: number): { maxErr: number; firstBad: number } {
  let maxErr = 0;
  let firstBad = -1;
  want.forEach((w, t) =>
    w.forEach((v, i) => {
      const d = Math.abs(got[t]![i]! - v) / Math.max(1, Math.abs(v));
      if (d > maxErr) maxErr = d;
      if (d > tol && firstBad < 0) firstBad = t;
    }),
  );
  return { maxErr, firstBad };
}
