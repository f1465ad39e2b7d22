// envs: pure functional environments (gymnasium's semantics in gymnax's form), spaces,
// wrappers, rendering helpers, the registry, and an adapter for host-side simulators.
import { register, make, registeredIds, isRegistered, specOf } from "./registry.js";
import * as spaces from "./spaces.js";
import * as wrappers from "./wrappers/index.js";
import * as render from "./render.js";
import * as classic from "./classic/index.js";
import * as host from "./host/index.js";
// The exploration environments (bsuite, MinAtar, maze) register themselves on import.
import * as extra from "./extra.js";

export type { Environment, ResetResult, StepResult, EnvFactory } from "./types.js";
export type { Space, SpaceValue } from "./spaces.js";
export type { EnvSpec, MakeOptions } from "./registry.js";
export type { HostEnv, HostStep, HostVecStep } from "./host/index.js";
export { spaces, wrappers, render, classic, host, extra };

export const envs = {
  make,
  register,
  registeredIds,
  isRegistered,
  spec: specOf,
  vectorize: wrappers.vectorize,
  spaces,
  wrappers,
  render,
  classic,
  extra,
  HostVecEnv: host.HostVecEnv,
};
