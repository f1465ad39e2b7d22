// Extensions that agents' configs carry: RND and SND (intrinsic rewards from network
// distillation, with their own networks and optimizer) and symmetry (mirror augmentation and
// mirror loss). See types.ts for the interface an agent's learner calls.
import type { Value } from "../../core/values.js";
import { pickOptions, resolveConfig } from "../common/config.js";
import { RND_SCHEMA, SND_SCHEMA, SYMMETRY_SCHEMA, UNREAL_SCHEMA, type RNDOptions, type SNDOptions, type SymmetryOptions } from "./config.js";
import { Unreal, type UnrealOptions } from "./unreal.js";
import { Distillation, type DistillLoop } from "./distill.js";
import { Symmetry } from "./symmetry.js";
import type { Extension, ExtensionSpaces } from "./types.js";

export type { Extension, ExtensionSpaces, ExtensionStates, IntrinsicResult, Metrics } from "./types.js";
export { Distillation, flatInput, type DistillState, type DistillLoop } from "./distill.js";
export { Symmetry, CARTPOLE_MIRROR, registerMirror, getMirror, type Mirror } from "./symmetry.js";
export { initEmpirical, updateEmpirical, normalizeEmpirical, initRewardNorm, normalizeRewards, type EmpiricalStats, type RewardNormState, type StateNormalization } from "./normalizers.js";
export { scheduledWeight, type WeightSchedule } from "./schedule.js";
export { contrastiveMse, vicreg, infoNce, tileMask, uniformNoise, type VicregTerms, type VicregWeights } from "./ssl.js";
export * from "./config.js";
export { Unreal, pixelControlRewards, pixelControlTargets, bootstrappedReturns, minMaxNormalize, type UnrealOptions, type UnrealState, type UnrealHeads } from "./unreal.js";
export type { AgentModel } from "./types.js";

const pick = pickOptions;

/**
 * The extensions a flat config asks for: RND when it has RND's keys (SND when it also has
 * SND's), symmetry when `symmetry` names mirror functions. Options are checked against the
 * schemas (missing ones take their defaults).
 */
export function buildExtensions(config: Record<string, unknown>, spaces: ExtensionSpaces, loop: DistillLoop): Extension<Value | unknown>[] {
  const out: Extension[] = [];
  if ("rndWeight" in config) {
    const rnd = resolveConfig<RNDOptions>(RND_SCHEMA, pick(config, RND_SCHEMA), "RND");
    const snd = "sndVariant" in config ? resolveConfig<SNDOptions>(SND_SCHEMA, pick(config, SND_SCHEMA), "SND") : null;
    out.push(new Distillation(spaces, rnd, loop, snd) as Extension);
  }
  if ("pcWeight" in config) out.push(new Unreal(spaces, resolveConfig<UnrealOptions>(UNREAL_SCHEMA, pick(config, UNREAL_SCHEMA), "UNREAL")) as Extension);
  if (typeof config.symmetry === "string") out.push(new Symmetry(spaces, resolveConfig<SymmetryOptions>(SYMMETRY_SCHEMA, pick(config, SYMMETRY_SCHEMA), "symmetry")) as Extension);
  return out;
}
