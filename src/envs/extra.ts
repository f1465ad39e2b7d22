// The exploration environments, registered with envs.make: bsuite's Catch and Deep Sea, MinAtar's
// Breakout, and the multi-room maze with pixel observations. Importing this module registers them.
import { register } from "./registry.js";
import { Catch, type CatchOptions } from "./bsuite/catch.js";
import { DeepSea, type DeepSeaOptions } from "./bsuite/deep_sea.js";
import { Breakout, type BreakoutParams } from "./minatar/breakout.js";
import { MultiRoom, type MultiRoomOptions } from "./maze/multiroom.js";

export { Catch, DeepSea, Breakout, MultiRoom };
export { deepSeaOptimalReturn, DEEP_SEA_DEFAULTS, type DeepSeaParams, type DeepSeaState, type DeepSeaOptions } from "./bsuite/deep_sea.js";
export type { CatchOptions, CatchParams, CatchState } from "./bsuite/catch.js";
export type { BreakoutParams, BreakoutState } from "./minatar/breakout.js";
export type { MultiRoomOptions, MultiRoomParams, MultiRoomState } from "./maze/multiroom.js";
export { TILE, generateLayout, roomOfCell, type Layout, type LayoutOptions } from "./maze/layout.js";

register("Catch-bsuite", (o) => new Catch(o as CatchOptions), {
  description: "bsuite Catch: catch a falling ball with a paddle (rows×columns, default 10×5)",
});
register("DeepSea-bsuite", (o) => new DeepSea(o as DeepSeaOptions), {
  description: "bsuite Deep Sea: N×N hard-exploration chain with per-cell random action mapping (size, default 10)",
});
register("Breakout-MinAtar", (o) => new Breakout(o as { params?: Partial<BreakoutParams> }), {
  maxEpisodeSteps: 1000,
  description: "MinAtar Breakout: 10×10×4 binary channels (paddle, ball, trail, brick)",
});
register("MultiRoom-v0", (o) => new MultiRoom(o as MultiRoomOptions, "MultiRoom-v0"), {
  maxEpisodeSteps: 1000,
  description: "Montezuma-like rooms, doors, keys and a sparse goal; grayscale frames 1×64×64 of the current room",
});
register("MultiRoom-Stacked-v0", (o) => new MultiRoom({ obsSize: 96, frameStack: 4, ...(o as MultiRoomOptions) }, "MultiRoom-Stacked-v0"), {
  maxEpisodeSteps: 1000,
  description: "MultiRoom with Atari-like 4×96×96 stacked grayscale frames",
});
