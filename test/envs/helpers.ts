// Shared helpers for the environment tests.
import { setBackend, type Array as ConcreteArray, type Value } from "../../src/index.js";
import { beforeEach } from "vitest";
import { hasRuntime } from "../../src/xla/index.js";
import { numpy as np } from "../../src/numpy/index.js";
import { Box, Discrete, MultiDiscrete, type Space } from "../../src/envs/spaces.js";

/** ref always; xla too when a plugin is installed (unless XLA_TS_BACKEND=ref). */
export function backends(): ("ref" | "xla")[] {
  if (process.env.XLA_TS_BACKEND === "ref") return ["ref"];
  return hasRuntime() ? ["ref", "xla"] : ["ref"];
}
export function useBackend(b: "ref" | "xla"): void {
  setBackend(b);
}

export function nums(x: Value): number[] {
  return Array.from((x as ConcreteArray).dataSync() as ArrayLike<number>, Number);
}
export function num(x: Value): number {
  return nums(x)[0]!;
}
export function bools(x: Value): boolean[] {
  return nums(x).map((v) => v !== 0);
}
export function list(x: Value): unknown {
  return (x as ConcreteArray).tolistSync();
}

/** Yield to the event loop before each test: long synchronous files starve vitest's worker RPC. */
export function yieldEachTest(): void {
  beforeEach(async () => {
    await new Promise((r) => setImmediate(r));
  });
}

/** Host-drawn actions for T steps from an action space (a seeded LCG: keeps threefry out of the programs). */
export function hostActions(space: Space, T: number, seed: number): Value {
  let x = (seed * 2654435761 + 12345) >>> 0;
  const u = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  if (space instanceof Discrete) return np.array(Array.from({ length: T }, () => space.start + Math.floor(u() * space.n)), "int32");
  if (space instanceof MultiDiscrete) {
    const flat = Array.from({ length: T }, () => space.nvecValues.map((n, i) => space.startValues[i]! + Math.floor(u() * n)));
    return np.reshape(np.array(flat, "int32"), [T, ...space.shape]);
  }
  if (space instanceof Box && space.bounded) {
    const flat = Array.from({ length: T }, () => space.lowValues.map((l, i) => l + u() * (space.highValues[i]! - l)));
    return np.reshape(np.array(flat, space.dtype), [T, ...space.shape]);
  }
  throw new Error(`hostActions: unsupported action space ${space}`);
}

