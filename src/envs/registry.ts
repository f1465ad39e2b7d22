// The environment registry: ids to factories, as gymnasium.make / gymnasium.register.
// `make` applies a TimeLimit when the id was registered with maxEpisodeSteps (as gymnasium
// registers its environments), unless options override it.
import type { EnvFactory, Environment } from "./types.js";
import { TimeLimit } from "./wrappers/time_limit.js";

export interface EnvSpec {
  /** Episodes are truncated after this many steps by a TimeLimit that make() applies. */
  maxEpisodeSteps?: number;
  /** One line for listings. */
  description?: string;
}

export interface MakeOptions extends Record<string, unknown> {
  /** Overrides the registered step limit; null or 0 applies none. */
  maxEpisodeSteps?: number | null;
}

interface Entry {
  factory: EnvFactory;
  spec: EnvSpec;
}

const entries = new Map<string, Entry>();

/** Registers `factory` under `id` (e.g. "CartPole-v1"). Registering an id twice is an error. */
export function register(id: string, factory: EnvFactory, spec: EnvSpec = {}): void {
  if (typeof id !== "string" || !id) throw new TypeError("envs.register: the id must be a non-empty string");
  if (typeof factory !== "function") throw new TypeError(`envs.register(${id}): the factory must be a function (options) => Environment`);
  const m = spec.maxEpisodeSteps;
  if (m !== undefined && (!Number.isInteger(m) || m < 1)) throw new TypeError(`envs.register(${id}): maxEpisodeSteps must be a positive integer, got ${m}`);
  const prev = entries.get(id);
  if (prev && prev.factory !== factory) throw new Error(`envs.register: "${id}" is already registered; pick another id (e.g. "${id}-custom")`);
  entries.set(id, { factory, spec: { ...spec } });
}

/** Whether `id` is registered. */
export function isRegistered(id: string): boolean {
  return entries.has(id);
}

/** The registered ids, sorted. */
export function registeredIds(): string[] {
  return [...entries.keys()].sort();
}

/** What `id` was registered with. */
export function specOf(id: string): EnvSpec {
  return { ...entryOf(id).spec };
}

/**
 * A new environment: the factory's, given `options` (less maxEpisodeSteps), wrapped in a
 * TimeLimit when a step limit applies.
 */
export function make(id: string, options: MakeOptions = {}): Environment {
  const { factory, spec } = entryOf(id);
  const { maxEpisodeSteps, ...rest } = options;
  const env = factory(rest);
  const limit = maxEpisodeSteps === undefined ? spec.maxEpisodeSteps : maxEpisodeSteps;
  return limit ? new TimeLimit(env, limit) : env;
}

function entryOf(id: string): Entry {
  const e = entries.get(id);
  if (e) return e;
  const base = id.toLowerCase().replace(/-v\d+$/, "");
  const near = registeredIds().filter((k) => k.toLowerCase().replace(/-v\d+$/, "") === base);
  const hint = near.length ? ` Did you mean ${near.map((k) => `"${k}"`).join(" or ")}?` : ` Registered: ${registeredIds().join(", ") || "none"}.`;
  throw new Error(`envs.make: no environment "${id}".${hint}`);
}
