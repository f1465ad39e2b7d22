// MultiRoom's layout for tools/multiroom_jax.py: the JAX port does not port the layout generator
// (src/envs/maze/layout.ts); it reads the generated layout from this JSON instead.
//
//   node --import tsx bench/multiroom_layout.ts ['{"roomsX": 2, ...}'] > layout.json
import { fileURLToPath } from "node:url";
import { MultiRoom, type MultiRoomOptions } from "../src/envs/extra.js";

/** What the JAX MultiRoom needs: the tile grid, start, room geometry and frame settings. */
export function multiroomLayoutJson(opts: MultiRoomOptions, maxSteps: number) {
  const env = new MultiRoom(opts);
  const l = env.layout;
  return {
    opts: l.opts,
    tiles: l.tiles,
    start: l.start,
    startRoom: l.startRoom,
    obsSize: env.obsSize,
    frameStack: env.frameStack,
    maxSteps,
  };
}

/** MultiRoom-Stacked-v0's settings (src/envs/extra.ts): 4 × 96 × 96 frames, 1,000-step limit. */
export const STACKED = { opts: { obsSize: 96, frameStack: 4 } as MultiRoomOptions, maxSteps: 1000 };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const extra = JSON.parse(process.argv[2] ?? "{}") as MultiRoomOptions & { maxSteps?: number };
  const { maxSteps, ...opts } = extra;
  console.log(JSON.stringify(multiroomLayoutJson({ ...STACKED.opts, ...opts }, maxSteps ?? STACKED.maxSteps)));
}
